'use strict';
// findLeaks, retainerPaths, assertNoLeak and the `leaks` / `retainers` CLI on real V8 snapshots
// of a program with known leaks (objects held by an array on a global, and by listener closures
// on an EventEmitter), garbage that must not count, and objects made too late to count.

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const rsheapdump = require('..');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-leaks-'));
if (!process.env.KEEP) test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const LEAKED = 1500;
const LISTENERS = 60;

/** Runs `body` in a child Node; it calls SNAPSHOT(name) to write `dir/name.heapsnapshot`. */
function child(body) {
  const code = `const SNAPSHOT = (n) => require('v8').writeHeapSnapshot(require('path').join(${JSON.stringify(dir)}, n + '.heapsnapshot'));\n${body}`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 120000 });
  assert.strictEqual(r.status, 0, r.stderr);
}

child(`
const { EventEmitter } = require('node:events');
class LeakyThing { constructor(i) { this.i = i; this.payload = { n: i, text: 'payload ' + i }; } }
class ListenerState { constructor(i) { this.i = i; this.buf = new Array(16).fill(i); } }
class Transient { constructor(i) { this.i = i; } }
class LateThing { constructor(i) { this.i = i; } }
globalThis.leakedThings = [];
globalThis.bus = new EventEmitter();
bus.setMaxListeners(0);
function subscribe(i) {
  const state = new ListenerState(i);
  bus.on('tick', () => state.i);
}
// Warm up the code paths so their one-time allocations happen before the baseline.
subscribe(-1); subscribe(-2); leakedThings.push(new LeakyThing(-1)); new Transient(-1); new LateThing(-1);
SNAPSHOT('baseline');
for (let i = 0; i < ${LEAKED}; i++) leakedThings.push(new LeakyThing(i));
for (let i = 0; i < ${LISTENERS}; i++) subscribe(i);
globalThis.scratch = Array.from({ length: 800 }, (_, i) => new Transient(i));
SNAPSHOT('target');
globalThis.scratch = null;
globalThis.late = Array.from({ length: 300 }, (_, i) => new LateThing(i));
SNAPSHOT('final');
`);
const [baseline, target, final] = ['baseline', 'target', 'final'].map((n) => path.join(dir, `${n}.heapsnapshot`));

const edges = (p) => p.steps.map((s) => s.edge);

/** The steps from the global object on: Node 26's root reaches it through its NativeContext. */
function fromGlobal(p) {
  const i = p.steps.findIndex((s) => /^global\b/.test(s.className));
  assert.ok(i === 0 || (i === 1 && p.steps[0].name === 'system / NativeContext'), JSON.stringify(p.steps.slice(0, 2)));
  return { ...p, steps: p.steps.slice(i) };
}

test('finds exactly the leaked objects, top cluster first, with their retainer path', async () => {
  const r = await rsheapdump.findLeaks(baseline, target, final);
  const top = r.clusters[0];
  assert.strictEqual(top.className, 'LeakyThing');
  assert.strictEqual(top.count, LEAKED);
  // global → leakedThings (an Array) → [i] → LeakyThing, with the constructor's location.
  const { steps } = fromGlobal(top.path);
  assert.deepStrictEqual(steps.slice(1).map((s) => s.edge), ['leakedThings', steps.at(-1).edge]);
  assert.match(steps.at(-1).edge, /^\[\d+\]$/);
  assert.deepStrictEqual(steps.slice(1).map((s) => s.className), ['Array', 'LeakyThing']);
  assert.match(steps.at(-1).location, /:4:\d+$/, 'LeakyThing is defined on line 4 of the child script (after SNAPSHOT)');
  assert.strictEqual(steps.at(-1).id, top.ids[0]);
  assert.ok(top.retainedSize > top.shallowSize, 'each LeakyThing retains its payload');

  // The listeners: each closure is a leak root that holds its ListenerState.
  const listeners = r.clusters.find((c) => c.className === 'Function' && edges(c.path).includes('_events'));
  assert.ok(listeners, JSON.stringify(r.clusters.map((c) => [c.className, c.count])));
  assert.strictEqual(listeners.count, LISTENERS);
  assert.ok(edges(listeners.path).includes('bus') && edges(listeners.path).includes('tick'), edges(listeners.path).join(' '));

  const count = (name) => r.classes.find((c) => c.name === name)?.count ?? 0;
  assert.strictEqual(count('LeakyThing'), LEAKED);
  assert.strictEqual(count('ListenerState'), LISTENERS);
  assert.strictEqual(count('Transient'), 0, 'garbage by the final snapshot');
  assert.strictEqual(count('LateThing'), 0, 'made after the target');
  assert.strictEqual(count('(string)'), 0, 'strings are not reported by themselves');
  assert.ok(r.leakRoots <= r.leakedObjects && r.leakRoots >= LEAKED + LISTENERS);
  const sizes = r.clusters.map((c) => c.retainedSize);
  assert.deepStrictEqual(sizes, sizes.slice().sort((a, b) => b - a), 'largest retained size first');
});

test('the result is the same on every run, and the sync twin agrees', async () => {
  const a = await rsheapdump.findLeaks(baseline, target, final, { limit: 0 });
  const labels = new Set();
  const b = rsheapdump.findLeaksSync(baseline, target, final, { limit: 0 }, (label, fraction) => {
    assert.ok(fraction >= 0 && fraction <= 1);
    labels.add(label);
  });
  assert.deepStrictEqual(a, b);
  assert.ok(['final parsing', 'final dominators', 'leaks'].every((l) => labels.has(l)), [...labels].join());
  const one = await rsheapdump.findLeaks(baseline, target, final, { limit: 1 });
  assert.strictEqual(one.clusters.length, 1);
  assert.strictEqual(one.omittedClusters, a.clusters.length - 1);
});

test('nothing leaks between a snapshot and itself', async () => {
  const r = await rsheapdump.findLeaks(final, final, final);
  assert.strictEqual(r.leakedObjects, 0);
  assert.deepStrictEqual(r.clusters, []);
});

test('retainers by class and by id: paths from a root with edge names and ids', async () => {
  const byClass = await rsheapdump.retainerPaths(final, { className: 'LeakyThing' });
  assert.strictEqual(byClass.matched, LEAKED + 1);
  assert.strictEqual(byClass.groups[0].count, LEAKED + 1);
  assert.deepStrictEqual(edges(fromGlobal(byClass.groups[0].path)).slice(1, 2), ['leakedThings']);

  const state = await rsheapdump.retainerPaths(final, { className: 'ListenerState', limit: 1 });
  const id = state.groups[0].ids[0];
  const byId = await rsheapdump.retainerPaths(final, { id });
  assert.strictEqual(byId.matched, 1);
  const p = byId.groups[0].path;
  const last = p.steps.at(-1);
  assert.deepStrictEqual([last.id, last.className, last.edge, last.edgeType], [id, 'ListenerState', 'state', 'context']);
  assert.strictEqual(p.steps.at(-2).className, 'system / Context');
  assert.ok(p.steps.some((s) => s.nodeType === 'closure'), 'held by the listener closure');
  assert.strictEqual(edges(fromGlobal(p))[1], 'bus', 'reached from the global object first');

  assert.deepStrictEqual(rsheapdump.retainerPathsSync(final, { id }), byId);
  await assert.rejects(rsheapdump.retainerPaths(final, { className: 'NoSuchClass' }), { code: 'ERR_RSHEAPDUMP_CLASS_NOT_FOUND' });
  await assert.rejects(rsheapdump.retainerPaths(final, { id: 2 ** 40 }), { code: 'ERR_RSHEAPDUMP_NODE_NOT_FOUND' });
  assert.throws(() => rsheapdump.retainerPaths(final, { className: 'A', id: 1 }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => rsheapdump.retainerPaths(final, {}), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => rsheapdump.retainerPaths(final, { id: -1 }), { name: 'RangeError' });
});

test('snapshots of another process, bad files and bad arguments are coded errors', async () => {
  child(`globalThis.x = Array.from({ length: 5000 }, (_, i) => ({ ['k' + i]: i })); SNAPSHOT('other');`);
  const other = path.join(dir, 'other.heapsnapshot');
  await assert.rejects(rsheapdump.findLeaks(other, target, final), { code: 'ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS' });
  await assert.rejects(rsheapdump.findLeaks(baseline, target, other), { code: 'ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS' });
  const bad = path.join(dir, 'bad.heapsnapshot');
  fs.writeFileSync(bad, 'not json');
  await assert.rejects(rsheapdump.findLeaks(baseline, bad, final), { code: 'ERR_RSHEAPDUMP_PARSE' });
  await assert.rejects(rsheapdump.findLeaks(baseline, target, bad), { code: 'ERR_RSHEAPDUMP_PARSE' });
  await assert.rejects(rsheapdump.retainerPaths(path.join(dir, 'missing'), { id: 1 }), { code: 'ENOENT' });
  assert.throws(() => rsheapdump.findLeaks(baseline, target), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => rsheapdump.findLeaks(baseline, target, final, { limit: -1 }), { name: 'RangeError' });
});

class LeakyRequest {
  constructor(i) {
    this.i = i;
  }
}
class CleanRequest {
  constructor(i) {
    this.i = i;
  }
}
const requestCache = [];

test('assertNoLeak fails on a leaking handler, naming the class, its count and its path', async () => {
  const err = await rsheapdump
    .assertNoLeak(
      async (i) => {
        requestCache.push(new LeakyRequest(i));
        await new Promise((r) => setImmediate(r));
      },
      { iterations: 8 },
    )
    .then(() => null, (e) => e);
  assert.ok(err, 'assertNoLeak should have thrown');
  assert.ok(err instanceof assert.AssertionError, err.stack);
  assert.strictEqual(err.code, 'ERR_ASSERTION');
  assert.match(err.message, /LeakyRequest: 8 objects/);
  assert.match(err.message, /\{requestCache\} Array \[\d+\] LeakyRequest@\d+/);
  assert.deepStrictEqual(err.actual, [{ name: 'LeakyRequest', count: 8 }]);
  assert.strictEqual(err.leaks.classes.find((c) => c.name === 'LeakyRequest').count, 8);
  requestCache.length = 0;
});

test('assertNoLeak passes on a clean handler and honours allow', async () => {
  const report = await rsheapdump.assertNoLeak(
    async (i) => {
      const r = new CleanRequest(i);
      await new Promise((resolve) => setImmediate(resolve));
      return r.i;
    },
    { iterations: 8 },
  );
  assert.strictEqual(report.classes.find((c) => c.name === 'CleanRequest'), undefined);
  const kept = [];
  await rsheapdump.assertNoLeak(() => kept.push(new LeakyRequest(0)), { iterations: 5, allow: [/^Leaky/] });
  assert.throws(() => rsheapdump.assertNoLeak('no'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => rsheapdump.assertNoLeak(() => {}, { iterations: 0 }), { name: 'RangeError' });
});

function cli(...args) {
  return spawnSync(process.execPath, [path.join(__dirname, '..', 'bin', 'rsheapdump.js'), ...args], { encoding: 'utf8' });
}

test('rsheapdump leaks and retainers: text, JSON and exit codes', () => {
  const t = cli('leaks', baseline, target, final);
  assert.strictEqual(t.status, 0, t.stderr);
  assert.strictEqual(t.stderr, '');
  const lines = t.stdout.split('\n');
  assert.match(lines[2], new RegExp(`^#1  LeakyThing \u00d7 ${LEAKED.toLocaleString('en-US')}  retained [\\d,]+ bytes`));
  // (Node 26 reaches the global object through its NativeContext, and names it 'global (global*)'.)
  assert.match(lines[3], /^ {4}(system \/ NativeContext \(global_object\) )?global( \(global\*\))? \.leakedThings Array \[\d+\] LeakyThing@\d+ \(\[eval\]:4:\d+\)$/);
  assert.ok(t.stdout.includes('Leaked objects by class'));
  const j = JSON.parse(cli('leaks', baseline, target, final, '--json', '--top', '1').stdout);
  assert.strictEqual(j.clusters.length, 1);
  assert.strictEqual(j.clusters[0].count, LEAKED);

  const rc = cli('retainers', final, '--class', 'ListenerState', '--limit', '1');
  assert.strictEqual(rc.status, 0, rc.stderr);
  assert.match(rc.stdout, new RegExp(`^Retainers of ${LISTENERS + 2} objects of class ListenerState:`));
  assert.match(rc.stdout, /global( \(global\*\))? \.bus EventEmitter \.?.*\(?_events\)?.*\{state\} ListenerState@\d+/);
  const id = JSON.parse(cli('retainers', final, '--class', 'LeakyThing', '--json').stdout).groups[0].ids[0];
  const ri = cli('retainers', final, '--id', `@${id}`);
  assert.strictEqual(ri.status, 0, ri.stderr);
  assert.match(ri.stdout, new RegExp(`LeakyThing@${id}`));

  const none = cli('leaks', final, final, final);
  assert.strictEqual(none.status, 0);
  assert.match(none.stdout, /^No leaks/);
  assert.strictEqual(cli('leaks', baseline, target).status, 2);
  assert.strictEqual(cli('retainers', final).status, 2);
  assert.strictEqual(cli('retainers', final, '--id', 'abc').status, 2);
  assert.strictEqual(cli('retainers', final, '--class', 'Nope').status, 1);
  assert.strictEqual(cli('leaks', '--help').status, 0);
  assert.strictEqual(cli('retainers', '--help').status, 0);
});
