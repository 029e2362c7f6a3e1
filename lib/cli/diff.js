'use strict';
// `rsheapdump diff <before> <after>`: for two heap snapshots the Comparison view of Chrome
// DevTools' Memory panel, for two profiles the per-function change (lib/cli/profile-diff.js);
// the kind is told from the files' content.

const common = require('./common');
const { progressReporter } = require('./report');

const summary = 'what changed between two snapshots (per class) or two profiles (per function)';

const usage = `Usage: rsheapdump diff <before> <after> [options]

The kind of input is told from the files' content (plain or gzip):

Two heap snapshots: what the Comparison view of Chrome DevTools' Memory panel
shows for two snapshots of the same process: per class, the objects new in
<after> and those of <before> gone from it, matched by object id, with their
shallow sizes. Classes without change are left out. Snapshots of different
processes are refused (ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS).

Two CPU profiles (.cpuprofile) or two heap profiles (.heapprofile): per function
(allocation site for heap profiles), self and total before and after and the
change, largest change of self first. CPU time is the sample count times the
profile's sampling interval: milliseconds of CPU, which time the process spent
descheduled on a busy machine does not inflate (DevTools' wall-clock rule would).

Options:
  --json                    machine-readable output
  --top N                   print the first N rows (default 25 for the table,
                            all for --json; 0 means all)
  --sort KEY                snapshots: size (size delta, default), count, new,
                            deleted, alloc, freed or name
  --normalize MODE          profiles: 'time' (default: ms of CPU or bytes as
                            recorded, for runs that did the same work) or
                            'share' (percent of each profile's total, for runs
                            of different length)
  --fail-on-regression PCT  profiles: exit 1 when the total (idle excluded) or
                            a function's self value grew by more than PCT
                            percent under the normalization, naming it
  --noise-floor PCT         profiles: functions below PCT percent of <after>'s
                            total never count as regressions (default 1)
  -h, --help                show this help

A snapshot and a profile, or a CPU and a heap profile, are refused
(ERR_RSHEAPDUMP_MISMATCHED_INPUTS).

Exit codes: 0 ok, 1 the files could not be read or compared, or a regression
(--fail-on-regression), 2 usage error.
`;

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const SORTS = {
  size: (a, b) => b.sizeDelta - a.sizeDelta || b.countDelta - a.countDelta || cmp(a.name, b.name),
  count: (a, b) => b.countDelta - a.countDelta || b.sizeDelta - a.sizeDelta || cmp(a.name, b.name),
  new: (a, b) => b.newCount - a.newCount || cmp(a.name, b.name),
  deleted: (a, b) => b.deletedCount - a.deletedCount || cmp(a.name, b.name),
  alloc: (a, b) => b.allocSize - a.allocSize || cmp(a.name, b.name),
  freed: (a, b) => b.freedSize - a.freedSize || cmp(a.name, b.name),
  name: (a, b) => cmp(a.name, b.name) || cmp(a.key, b.key),
};

/** A signed number with separators, as DevTools shows deltas. */
function signed(n) {
  return (n > 0 ? '+' : n < 0 ? '\u2212' : '') + common.bytes(Math.abs(n));
}

function ellipsize(s, max) {
  return s.length > max ? s.slice(0, max - 1) + '\u2026' : s;
}

/** Formats the rows as a table with right-aligned numbers. */
function table(result, classes) {
  const rows = classes.map((c) => [
    ellipsize(c.name, 60),
    common.bytes(c.newCount),
    common.bytes(c.deletedCount),
    signed(c.countDelta),
    common.bytes(c.allocSize),
    common.bytes(c.freedSize),
    signed(c.sizeDelta),
  ]);
  const head = ['Constructor', '# New', '# Deleted', '# Delta', 'Alloc. Size', 'Freed Size', 'Size Delta'];
  const total = result.classes.reduce((n, c) => n + c.sizeDelta, 0);
  const out = [
    `${common.bytes(result.baseNodeCount)} \u2192 ${common.bytes(result.targetNodeCount)} nodes, ${common.bytes(result.sharedIds)} ids in both; ` +
      `${result.classes.length} classes changed, size delta ${signed(total)} bytes`,
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
    normalize: { type: 'string' },
    'fail-on-regression': { type: 'string' },
    'noise-floor': { type: 'string' },
  });
  if (positionals.length !== 2) throw new common.UsageError('expected two files: <before> <after>');
  // Two snapshots take the Comparison below; anything else is compared as profiles, which
  // refuses a snapshot paired with a profile (ERR_RSHEAPDUMP_MISMATCHED_INPUTS).
  const { isHeapSnapshot } = require('../native');
  if (!positionals.every((f) => isHeapSnapshot(f))) return require('./profile-diff').main(positionals, values);
  for (const o of ['normalize', 'fail-on-regression', 'noise-floor']) {
    if (values[o] !== undefined) throw new common.UsageError(`--${o} applies to profiles; these are heap snapshots`);
  }
  const sort = values.sort ?? 'size';
  if (!Object.hasOwn(SORTS, sort)) throw new common.UsageError(`--sort must be one of ${Object.keys(SORTS).join(', ')}`);
  const top = common.count(values.top, 'top', values.json ? 0 : 25);

  const { diffSnapshotsSync } = require('../compare');
  const progress = common.progress();
  let result;
  try {
    result = diffSnapshotsSync(positionals[0], positionals[1], progressReporter(progress));
  } finally {
    progress.done();
  }
  common.printClasses(result, result.classes.slice().sort(SORTS[sort]), { top, json: values.json, table });
  return 0;
}

module.exports = { summary, usage, main };
