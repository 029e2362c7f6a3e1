'use strict';
// diffSnapshots and `rsheapdump diff` on real V8 snapshots: a class that grows by a known count,
// one that shrinks, DevTools' own Comparison (its worker run headless) as the reference, and
// snapshots of different processes refused.

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const rsheapdump = require('..');
const { diffWithDevTools } = require('../bench/diff-devtools');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-diff-'));
if (!process.env.KEEP) test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const GROWN = 1234;
const FREED = 77;

/** Runs `body` in a child Node; it calls SNAPSHOT(name) to write `dir/name.heapsnapshot`. */
function child(body) {
  const code = `const SNAPSHOT = (n) => require('v8').writeHeapSnapshot(require('path').join(${JSON.stringify(dir)}, n + '.heapsnapshot'));\n${body}`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 120000 });
  assert.strictEqual(r.status, 0, r.stderr);
}

const PROGRAM = (tag) => `
class DiffGrows { constructor(i) { this.i = i; } }
class DiffShrinks { constructor(i) { this.i = i; this.more = i * 2; } }
class DiffSteady { constructor(i) { this.i = i; } }
globalThis.grows = Array.from({ length: 100 }, (_, i) => new DiffGrows(i));
globalThis.shrinks = Array.from({ length: 200 }, (_, i) => new DiffShrinks(i));
globalThis.steady = Array.from({ length: 50 }, (_, i) => new DiffSteady(i));
globalThis.plain = Array.from({ length: 300 }, (_, i) => ({ left: 'l' + i, right: 'r' + i }));
SNAPSHOT('before${tag}');
for (let i = 0; i < ${GROWN}; i++) grows.push(new DiffGrows(i));
shrinks.length = 200 - ${FREED};
for (let i = 0; i < 500; i++) new DiffSteady(i); // garbage: never in a snapshot
plain.push(...Array.from({ length: 40 }, (_, i) => ({ left: 'x' + i, right: 'y' + i })));
SNAPSHOT('after${tag}');
`;
child(PROGRAM(''));
const before = path.join(dir, 'before.heapsnapshot');
const after = path.join(dir, 'after.heapsnapshot');

const row = (r, name) => r.classes.find((c) => c.name === name);

test('a class that grew by a known count shows exactly that growth', async () => {
  const r = await rsheapdump.diffSnapshots(before, after);
  const g = row(r, 'DiffGrows');
  assert.ok(g, 'DiffGrows listed');
  assert.strictEqual(g.newCount, GROWN);
  assert.strictEqual(g.deletedCount, 0);
  assert.strictEqual(g.countDelta, GROWN);
  assert.ok(g.allocSize >= GROWN * 16 && g.allocSize === g.sizeDelta, `${g.allocSize}`);
  assert.match(g.key, /,DiffGrows$/);

  const s = row(r, 'DiffShrinks');
  assert.deepStrictEqual([s.newCount, s.deletedCount, s.countDelta], [0, FREED, -FREED]);
  assert.strictEqual(s.sizeDelta, -s.freedSize);
  assert.strictEqual(row(r, 'DiffSteady'), undefined, 'unchanged classes are left out');
  // 40 pushed, plus at most the literal's boilerplate V8 keeps in its AllocationSite.
  const plain = row(r, '{left, right}').newCount;
  assert.ok(plain === 40 || plain === 41, `{left, right} new: ${plain}`);

  const deltas = r.classes.map((c) => c.sizeDelta);
  assert.deepStrictEqual(deltas, deltas.slice().sort((a, b) => b - a), 'largest size delta first');
  assert.ok(r.sharedIds > 1000 && r.sharedIds <= Math.min(r.baseNodeCount, r.targetNodeCount));
});

test('every row equals DevTools\' Comparison view (its worker, run headless)', async () => {
  const [ours, theirs] = [await rsheapdump.diffSnapshots(before, after), await diffWithDevTools(before, after)];
  const byKey = (rows) => Object.fromEntries(rows.map((c) => [c.key, c]));
  assert.deepStrictEqual(byKey(ours.classes), byKey(theirs.classes));
  // The sync twin gives the same and reports progress.
  const labels = new Set();
  assert.deepStrictEqual(rsheapdump.diffSnapshotsSync(before, after, (label) => labels.add(label)), ours);
  assert.ok(labels.has('target parsing') && labels.has('target dominators'), [...labels].join());
});

test('snapshots of another process are refused with ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS', async () => {
  // The same program run again: V8 hands out the same ids to different objects.
  child(`
class DiffGrows { constructor(i) { this.i = i; } }
globalThis.other = Array.from({ length: 3000 }, (_, i) => new DiffGrows(i));
globalThis.text = Array.from({ length: 3000 }, (_, i) => 'other ' + i);
SNAPSHOT('other');
`);
  const other = path.join(dir, 'other.heapsnapshot');
  await assert.rejects(rsheapdump.diffSnapshots(before, other), (err) => {
    assert.strictEqual(err.code, 'ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS');
    assert.match(err.message, /not snapshots of the same process/);
    return true;
  });
  assert.throws(() => rsheapdump.diffSnapshotsSync(other, after), { code: 'ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS' });
  // The hard case: the very same deterministic program run twice shares most ids, and most
  // objects behind them look alike (about 90% measured), yet they are not the same objects.
  child(PROGRAM('-again'));
  await assert.rejects(rsheapdump.diffSnapshots(before, path.join(dir, 'after-again.heapsnapshot')), (err) => {
    assert.strictEqual(err.code, 'ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS');
    assert.match(err.message, /only [\d.]+% of the \d+ ids they share name the same object/);
    return true;
  });
});

test('bad files and arguments', async () => {
  const bad = path.join(dir, 'bad.heapsnapshot');
  fs.writeFileSync(bad, '{"snapshot":');
  await assert.rejects(rsheapdump.diffSnapshots(before, bad), { code: 'ERR_RSHEAPDUMP_PARSE' });
  await assert.rejects(rsheapdump.diffSnapshots(path.join(dir, 'missing'), after), { code: 'ENOENT' });
  assert.throws(() => rsheapdump.diffSnapshots(before), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => rsheapdump.diffSnapshotsSync(before, after, 5), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

function cli(...args) {
  return spawnSync(process.execPath, [path.join(__dirname, '..', 'bin', 'rsheapdump.js'), ...args], { encoding: 'utf8' });
}

test('rsheapdump diff: table, JSON, --sort, --top and exit codes', () => {
  const t = cli('diff', before, after);
  assert.strictEqual(t.status, 0, t.stderr);
  assert.strictEqual(t.stderr, '', 'no progress when stderr is not a terminal');
  const lines = t.stdout.split('\n');
  assert.match(lines[2], /^Constructor\s+# New\s+# Deleted\s+# Delta\s+Alloc\. Size\s+Freed Size\s+Size Delta$/);
  const grown = lines.find((l) => l.startsWith('DiffGrows '));
  assert.match(grown, new RegExp(`^DiffGrows\\s+${GROWN.toLocaleString('en-US')}\\s+0\\s+\\+${GROWN.toLocaleString('en-US')}\\s`));

  const j = cli('diff', before, after, '--json', '--sort', 'count', '--top', '2');
  assert.strictEqual(j.status, 0, j.stderr);
  const out = JSON.parse(j.stdout);
  assert.strictEqual(out.classes.length, 2);
  assert.ok(out.classes[0].countDelta >= out.classes[1].countDelta);

  assert.strictEqual(cli('diff', before).status, 2);
  assert.strictEqual(cli('diff', before, after, '--sort', 'x').status, 2);
  const help = cli('diff', '--help');
  assert.strictEqual(help.status, 0);
  assert.match(help.stdout, /^Usage: rsheapdump diff/);
  const unrelated = cli('diff', before, path.join(dir, 'other.heapsnapshot'));
  assert.strictEqual(unrelated.status, 1);
  assert.match(unrelated.stderr, /\[ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS\]/);
});

test('two writeSnapshot files of one process can be compared (V8 keeps its object ids)', async () => {
  const rsheapdump = require('..');
  const dir = require('./helpers').tmpdir();
  class ComparedAcrossWriteSnapshot {}
  const a = await rsheapdump.writeSnapshot(path.join(dir, 'a.heapsnapshot'));
  globalThis.__compared = Array.from({ length: 321 }, () => new ComparedAcrossWriteSnapshot());
  const b = await rsheapdump.writeSnapshot(path.join(dir, 'b.heapsnapshot.gz'));
  const d = await rsheapdump.diffSnapshots(a, b);
  const row = d.classes.find((c) => c.name === 'ComparedAcrossWriteSnapshot');
  assert.ok(row, 'the new class is in the comparison');
  assert.equal(row.newCount, 321);
  assert.equal(row.deletedCount, 0);
  delete globalThis.__compared;
});
