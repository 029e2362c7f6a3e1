'use strict';
// `rsheapdump summary <file>`: the Summary view of Chrome DevTools' Memory panel, from the Rust
// analyzer, as a table or JSON.

const common = require('./common');

const summary = 'per-class object counts, shallow and retained sizes (DevTools Summary)';

const usage = `Usage: rsheapdump summary <file> [--json] [--top N] [--sort KEY]

Prints what the Summary view of Chrome DevTools' Memory panel shows for a heap
snapshot (.heapsnapshot, or .heapsnapshot.gz), with the same numbers.

Options:
  --json        machine-readable output: statistics and classes
  --top N       print the first N classes (default 25 for the table, all for
                --json; 0 means all)
  --sort KEY    retained (default), shallow, count, distance or name
  -h, --help    show this help

Exit codes: 0 ok, 1 the file could not be read or analyzed, 2 usage error.
`;

const SORTS = {
  retained: (a, b) => b.retainedSize - a.retainedSize || cmp(a.name, b.name),
  shallow: (a, b) => b.shallowSize - a.shallowSize || cmp(a.name, b.name),
  count: (a, b) => b.count - a.count || cmp(a.name, b.name),
  distance: (a, b) => a.distance - b.distance || b.retainedSize - a.retainedSize,
  name: (a, b) => cmp(a.name, b.name) || cmp(a.key, b.key),
};

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** DevTools shows a minus sign for objects reachable only from system roots (or not at all). */
function distanceText(d) {
  return d >= 0 && d < 100000000 ? String(d) : '\u2212';
}

function percent(n, total) {
  return total > 0 ? `${Math.round((n / total) * 100)}%` : '';
}

function ellipsize(s, max) {
  return s.length > max ? s.slice(0, max - 1) + '\u2026' : s;
}

/** Formats the classes as a table with right-aligned numbers. */
function table(result, classes) {
  const total = result.statistics.total;
  const rows = classes.map((c) => [
    ellipsize(c.name, 60),
    distanceText(c.distance),
    common.bytes(c.count),
    `${common.bytes(c.shallowSize)} ${percent(c.shallowSize, total).padStart(4)}`,
    `${common.bytes(c.retainedSize)} ${percent(c.retainedSize, total).padStart(4)}`,
  ]);
  const head = ['Constructor', 'Distance', 'Objects', 'Shallow', 'Retained'];
  const s = result.statistics;
  const out = [
    `Total ${common.bytes(s.total)} bytes in ${common.bytes(result.nodeCount)} nodes: V8 heap ${common.bytes(s.v8heap)}, native ${common.bytes(s.native)}, ` +
      `code ${common.bytes(s.code)}, strings ${common.bytes(s.strings)}, JS arrays ${common.bytes(s.jsArrays)}, typed arrays ${common.bytes(s.typedArrays)}, system ${common.bytes(s.system)}`,
    '',
    ...common.columns(head, rows),
  ];
  return out.join('\n') + '\n';
}

/** Runs the subcommand; returns the exit code. */
function main(argv) {
  const { values, positionals } = common.parse(argv, {
    json: { type: 'boolean' },
    top: { type: 'string' },
    sort: { type: 'string' },
  });
  if (positionals.length !== 1) {
    throw new common.UsageError(positionals.length ? 'expected exactly one snapshot file' : 'missing the snapshot file');
  }
  const sort = values.sort ?? 'retained';
  if (!Object.hasOwn(SORTS, sort)) throw new common.UsageError(`--sort must be one of ${Object.keys(SORTS).join(', ')}`);
  const top = common.count(values.top, 'top', values.json ? 0 : 25);

  const { analyzeSnapshotSync } = require('../analyze');
  const progress = common.progress();
  let shown = '';
  let result;
  try {
    result = analyzeSnapshotSync(positionals[0], (phase, fraction) => {
      const text = `${phase} ${Math.floor(fraction * 100)}%`;
      if (text !== shown) progress.update(text);
      shown = text;
    });
  } finally {
    progress.done();
  }
  common.printClasses(result, result.classes.slice().sort(SORTS[sort]), { top, json: values.json, table });
  return 0;
}

module.exports = { summary, usage, main };
