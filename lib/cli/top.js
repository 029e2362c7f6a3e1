'use strict';
// `rsheapdump top`: DevTools' bottom-up table (or, with --tree, the top-down call tree) of a
// .cpuprofile or .heapprofile. The numbers come from the Rust analyzer; this file only prints.

const path = require('node:path');
const { UsageError, parse, bytes } = require('./common');

const summary = 'functions by self time (.cpuprofile) or allocation sites by bytes (.heapprofile)';

const usage = `Usage: rsheapdump top <file.cpuprofile|file.heapprofile> [options]

Bottom-up table: self, total, %, function, url:line. CPU times are DevTools' (sample count x
duration / samples); heap sizes are the sampled bytes. Plain or gzip input.

Options:
  -n, --limit N          rows to show (default 25, with --tree all; 0 shows all)
      --tree             top-down call tree with totals instead
      --min-percent P    tree: hide subtrees below P% of the total (default 0.5)
      --depth N          tree: deepest level shown (default: all)
      --timing MODE      CPU self time: 'samples' (DevTools' rule, default) or 'deltas'
                         (each sample lasts until the next, from timeDeltas)
      --json             print the analysis as JSON
  -h, --help             show this help

Exit codes: 0 ok, 1 the file could not be read or analyzed, 2 usage error.
`;

/** What V8's pseudo-frames mean, shown where a location would be. */
const SYSTEM = {
  idle: '[V8: idle]',
  program: '[V8: native code not attributed to JS]',
  gc: '[V8: garbage collector]',
};

/** `url:line:col` for display; file URLs under the working directory become relative paths. */
function location(row) {
  if (row.category !== 'js') return SYSTEM[row.category] || '';
  if (!row.url) return '';
  let url = row.url;
  if (url.startsWith('file://')) {
    try {
      const file = decodeURIComponent(new URL(url).pathname);
      const rel = path.relative(process.cwd(), file);
      url = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
    } catch {
      // Not a parseable URL: show it as it is.
    }
  }
  return row.line > 0 ? `${url}:${row.line}${row.column > 0 ? `:${row.column}` : ''}` : url;
}

function integer(name, value, min) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number >= ${min}, got '${value}'`);
  return n;
}

const pct = (p) => `${p.toFixed(1)}%`;

function header(a, file) {
  const name = path.basename(file);
  if (a.kind === 'cpu') {
    return `CPU profile ${name}: ${a.sampleCount.toLocaleString('en-US')} samples over ${(a.total / 1000).toFixed(1)} ms, ${a.functionCount} functions`;
  }
  return `Heap profile ${name}: ${bytes(a.total)} bytes sampled in ${a.sampleCount.toLocaleString('en-US')} allocation samples, ${a.functionCount} sites`;
}

/** Value columns: milliseconds with 2 decimals for CPU, bytes with separators for heap. */
function valueFormat(a) {
  return a.kind === 'cpu' ? { fmt: (v) => (v / 1000).toFixed(2), unit: 'ms' } : { fmt: (v) => bytes(v), unit: 'bytes' };
}

function table(rows, cols) {
  const widths = cols.map((c, i) => Math.max(c.title.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((s, i) => (i === cells.length - 1 ? s : cols[i].left ? s.padEnd(widths[i]) : s.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.title)), ...rows.map(line)].join('\n');
}

function printBottomUp(a, file, limit) {
  const { fmt, unit } = valueFormat(a);
  const shown = limit ? a.functions.slice(0, limit) : a.functions;
  const rows = shown.map((r) => [fmt(r.self), pct(r.selfPercent), fmt(r.total), pct(r.totalPercent), r.name, location(r)]);
  const out = [
    header(a, file),
    '',
    table(rows, [
      { title: `Self ${unit}` },
      { title: 'Self%' },
      { title: `Total ${unit}` },
      { title: 'Total%' },
      { title: 'Function', left: true },
      { title: 'Location', left: true },
    ]),
  ];
  if (shown.length < a.functions.length) out.push(`... ${a.functions.length - shown.length} more (--limit 0 shows all)`);
  return out.join('\n');
}

function printTree(a, file, limit) {
  const { fmt, unit } = valueFormat(a);
  const shown = limit ? a.tree.slice(0, limit) : a.tree;
  // Deep trees would push names off the screen: indentation stops growing at 40 levels and the
  // depth is printed instead.
  const indent = (d) => (d <= 40 ? '  '.repeat(d) : `${'  '.repeat(40)}[${d}] `);
  const rows = shown.map((r) => [fmt(r.total), pct(r.totalPercent), fmt(r.self), `${indent(r.depth)}${r.name}  ${location(r)}`.trimEnd()]);
  const out = [
    header(a, file),
    '',
    table(rows, [{ title: `Total ${unit}` }, { title: 'Total%' }, { title: `Self ${unit}` }, { title: 'Function  Location', left: true }]),
  ];
  if (shown.length < a.tree.length) out.push(`... ${a.tree.length - shown.length} more rows (--limit 0 shows all)`);
  return out.join('\n');
}

async function main(argv) {
  const { values, positionals } = parse(argv, {
    limit: { type: 'string', short: 'n' },
    tree: { type: 'boolean' },
    'min-percent': { type: 'string' },
    depth: { type: 'string' },
    timing: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give one profile file' : 'missing the profile file');
  // The tree is shown whole unless a limit is given (its rows are in call order, not ranked).
  const limit = integer('limit', values.limit, 0) ?? (values.tree ? 0 : 25);
  const depth = integer('depth', values.depth, 0);
  const minPercent = values['min-percent'] === undefined ? 0.5 : Number(values['min-percent']);
  if (!Number.isFinite(minPercent) || minPercent < 0) throw new UsageError(`--min-percent must be a number >= 0, got '${values['min-percent']}'`);
  if (values.timing !== undefined && !['samples', 'deltas'].includes(values.timing)) {
    throw new UsageError(`--timing must be 'samples' or 'deltas', got '${values.timing}'`);
  }
  const file = positionals[0];
  const { analyzeCpuProfile, analyzeHeapProfile } = require('../profile-analysis');
  const opts = { timing: values.timing, tree: !!values.tree, minPercent: values.tree ? minPercent : 0, maxDepth: depth };
  let a;
  try {
    a = await analyzeCpuProfile(file, opts);
  } catch (err) {
    // The kind is only known after reading the file; a heap profile is retried as one.
    if (err.code !== 'ERR_RSHEAPDUMP_NOT_A_PROFILE' || !/heap profile/.test(err.message)) throw err;
    a = await analyzeHeapProfile(file, opts);
  }
  if (values.json) {
    if (limit) a.functions = a.functions.slice(0, limit);
    if (limit && a.tree) a.tree = a.tree.slice(0, limit);
    process.stdout.write(JSON.stringify(a, null, 2) + '\n');
    return 0;
  }
  process.stdout.write((values.tree ? printTree(a, file, limit) : printBottomUp(a, file, limit)) + '\n');
  return 0;
}

module.exports = { summary, usage, main, location, printBottomUp };
