'use strict';
// `rsheapdump diff` on two profiles: per function, self and total before and after and the
// change, largest change first; the regression check for CI. The numbers come from the Rust
// analyzer (diffProfilesSync); this file parses options and prints.

const path = require('node:path');
const common = require('./common');
const { progressReporter } = require('./report');
const { location } = require('./top');

const NORMALIZE = {
  time: { cpu: 'time (ms of CPU: samples x sampling interval; right when both runs did the same work)', heap: 'time (bytes as recorded: right when both runs did the same work)' },
  share: { cpu: "share (percent of each profile's samples: for runs of different length)", heap: "share (percent of each profile's sampled bytes: for runs of different length)" },
};

/** A finite number >= 0 from an option's text, or a UsageError. */
function percent(value, option) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new common.UsageError(`--${option} needs a number >= 0 (a percentage), got '${value}'`);
  return n;
}

/** Formats values in the diff's unit: ms for CPU time, bytes for heap, % for shares. */
function formatter(d) {
  if (d.unit === 'percent') return { fmt: (v) => `${v.toFixed(2)}%`, unit: '%' };
  if (d.kind === 'cpu') return { fmt: (v) => (v / 1000).toFixed(2), unit: 'ms' };
  return { fmt: (v) => common.bytes(v), unit: 'bytes' };
}

const MINUS = '\u2212';

function signed(text, v) {
  if (v > 0) return `+${text}`;
  if (v < 0) return `${MINUS}${text.replace(/^-/, '')}`;
  return text;
}

function change(pct, before, after) {
  if (pct === undefined || pct === null) return after > 0 ? 'new' : before > 0 ? 'gone' : '0%';
  return signed(`${Math.abs(pct).toFixed(1)}%`, pct);
}

/** The text report: header lines, then one row per function. */
function table(d, files, top) {
  const { fmt, unit } = formatter(d);
  const what = d.kind === 'cpu' ? 'CPU profiles' : 'Heap profiles';
  const totalWhat = d.kind === 'cpu' ? 'Total CPU (idle excluded)' : 'Total sampled bytes';
  const shown = top > 0 ? d.functions.slice(0, top) : d.functions;
  const rows = shown.map((f) => [
    fmt(f.beforeSelf),
    fmt(f.afterSelf),
    signed(fmt(Math.abs(f.selfDelta)), f.selfDelta),
    change(f.selfChange, f.beforeSelf, f.afterSelf),
    fmt(f.beforeTotal),
    fmt(f.afterTotal),
    signed(fmt(Math.abs(f.totalDelta)), f.totalDelta),
    f.name,
    location(f),
  ]);
  const head = [`Self before`, `Self after`, `Self \u0394`, '\u0394%', 'Total before', 'Total after', `Total \u0394`, 'Function', 'Location'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => (i >= 7 ? (i === 8 ? c : c.padEnd(widths[i])) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [
    `${what} ${path.basename(files[0])} \u2192 ${path.basename(files[1])}, normalized by ${NORMALIZE[d.normalize][d.kind]}`,
    `${totalWhat}: ${fmt(d.beforeTotal)} \u2192 ${fmt(d.afterTotal)} ${unit === '%' ? '' : unit + ' '}(${change(d.totalChange, d.beforeTotal, d.afterTotal)}); ` +
      `${d.beforeSampleCount.toLocaleString('en-US')} \u2192 ${d.afterSampleCount.toLocaleString('en-US')} samples`,
    '',
    line(head),
    ...rows.map(line),
  ];
  if (shown.length < d.functions.length) out.push(`\u2026 ${d.functions.length - shown.length} more (--top 0 for all)`);
  return out.join('\n') + '\n';
}

/** The regression verdict for --fail-on-regression: the lines to print and the exit code. */
function verdict(d, threshold, floor) {
  const { fmt, unit } = formatter(d);
  const u = unit === '%' ? '' : ` ${unit}`;
  const rule = `growth above ${threshold}% (${d.normalize}); functions below ${floor}% of the total, and growth within 3 standard deviations of the sampling noise, are noise`;
  if (d.regressions.length === 0) return { code: 0, text: `No regression: nothing grew beyond ${threshold}% (${d.normalize}; functions checked from ${floor}% of the total).\n` };
  const lines = d.regressions.map((r) => `  ${r.what}: ${fmt(r.before)}${u} \u2192 ${fmt(r.after)}${u} (${change(r.change, r.before, r.after)})`);
  return { code: 1, text: `Regression (${rule}):\n${lines.join('\n')}\n` };
}

/** Runs `diff` on two profiles with parsed `values`; returns the exit code. */
function main(files, values) {
  if (values.sort !== undefined) throw new common.UsageError('--sort applies to snapshots; profile diffs are sorted by the size of the change');
  if (values.normalize !== undefined && values.normalize !== 'time' && values.normalize !== 'share') {
    throw new common.UsageError(`--normalize must be 'time' or 'share', got '${values.normalize}'`);
  }
  const threshold = percent(values['fail-on-regression'], 'fail-on-regression');
  const floor = percent(values['noise-floor'], 'noise-floor') ?? 1;
  if (floor > 100) throw new common.UsageError(`--noise-floor is a percentage up to 100, got '${values['noise-floor']}'`);
  const top = common.count(values.top, 'top', values.json ? 0 : 25);

  const { diffProfilesSync } = require('../profile-analysis');
  const progress = common.progress();
  let d;
  try {
    d = diffProfilesSync(files[0], files[1], {
      normalize: values.normalize,
      failOnRegression: threshold,
      noiseFloor: floor,
      onProgress: progressReporter(progress),
    });
  } finally {
    progress.done();
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(top > 0 ? { ...d, functions: d.functions.slice(0, top) } : d, null, 2) + '\n');
  } else {
    process.stdout.write(table(d, files, top));
  }
  if (threshold === undefined) return 0;
  const v = verdict(d, threshold, floor);
  // The verdict never mixes into JSON on stdout.
  if (v.code || values.json) process.stderr.write(v.text);
  else process.stdout.write('\n' + v.text);
  return v.code;
}

module.exports = { main };
