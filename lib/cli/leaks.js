'use strict';
// `rsheapdump leaks <baseline> <target> <final>`: objects allocated after the baseline, present
// at the target and still alive at the end, clustered by retainer path (memlab's model, with
// every object counted instead of a random sample).

const common = require('./common');
const { progressReporter } = require('./report');
const { formatPath } = require('../retainer-text');

const summary = 'objects that leaked across three snapshots, clustered by retainer path';

const usage = `Usage: rsheapdump leaks <baseline> <target> <final> [--json] [--top N]

Finds leaks the way memlab does, from three heap snapshots of one process:
  baseline  before the action you suspect
  target    after doing the action (a few times)
  final     after doing it again, or after undoing it
An object leaked when it was allocated after <baseline>, exists in <target>, and
is still reachable from a GC root in <final>. Every object is counted (no
sampling), so the output is the same on every run.

Leaked objects retained by another leaked object are folded into it; the rest
are grouped by class and by their shortest retainer path from a GC root (array
and table indexes folded, and numbers in keys: sess-17 and sess-42 are alike),
largest retained size first. Strings, numbers, code and V8's
internal arrays are not reported by themselves, only as part of what holds them.

Path notation: .x property, [i] array element, {x} closure variable,
(x) V8 internal, and the object's constructor location (script:line:column)
where the snapshot has it.

Options:
  --json        machine-readable output
  --top N       clusters to print (default 10; 0 means all)
  -h, --help    show this help

Exit codes: 0 ok (whether or not something leaked), 1 the files could not be
read or do not come from one process, 2 usage error.
`;

/** The report as text. */
function text(r) {
  const out = [];
  if (r.leakedObjects === 0) {
    out.push('No leaks: no object allocated after the baseline and present in the target is still alive in the final snapshot.');
    return out.join('\n') + '\n';
  }
  out.push(
    `${common.bytes(r.leakedObjects)} leaked objects in ${common.bytes(r.leakRoots)} leak roots, retaining ${common.bytes(r.retainedSize)} bytes ` +
      `(nodes: ${r.nodeCounts.map(common.bytes).join(' \u2192 ')})`,
    '',
  );
  r.clusters.forEach((c, i) => {
    out.push(`#${i + 1}  ${c.className} \u00d7 ${common.bytes(c.count)}  retained ${common.bytes(c.retainedSize)} bytes, shallow ${common.bytes(c.shallowSize)}`);
    out.push(`    ${formatPath(c.path)}`);
    out.push(`    ids: ${c.ids.map((id) => '@' + id).join(' ')}${c.count > c.ids.length ? ' \u2026' : ''}`);
    out.push('');
  });
  if (r.omittedClusters > 0) out.push(`\u2026 ${r.omittedClusters} more clusters (--top 0 for all)`, '');
  const rows = r.classes.slice(0, 15).map((c) => [c.name.length > 60 ? c.name.slice(0, 59) + '\u2026' : c.name, common.bytes(c.count), common.bytes(c.shallowSize)]);
  const head = ['Leaked objects by class', 'Objects', 'Shallow'];
  out.push(...common.columns(head, rows));
  if (r.classes.length > rows.length) out.push(`\u2026 ${r.classes.length - rows.length} more classes (--json for all)`);
  return out.join('\n') + '\n';
}

/** Runs the subcommand; returns the exit code. */
function main(argv) {
  const { values, positionals } = common.parse(argv, { json: { type: 'boolean' }, top: { type: 'string' } });
  if (positionals.length !== 3) throw new common.UsageError('expected three snapshot files: <baseline> <target> <final>');
  const top = common.count(values.top, 'top', 10);
  const { findLeaksSync } = require('../compare');
  const progress = common.progress();
  let result;
  try {
    result = findLeaksSync(positionals[0], positionals[1], positionals[2], { limit: top }, progressReporter(progress));
  } finally {
    progress.done();
  }
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : text(result));
  return 0;
}

module.exports = { summary, usage, main, text };
