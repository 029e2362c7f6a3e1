'use strict';
// The analyses' options objects: progress from the Promise versions, cancellation by an
// AbortSignal, the blocking twins' onProgress, and argument errors that name the option.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, tmpdir } = require('./helpers');
const rsheapdump = require('../analyze');

const dir = tmpdir();
// About 30 MB and 500k nodes: long enough to be aborted while it runs.
const big = path.join(dir, 'big.heapsnapshot');
spawnSync(process.execPath, [path.join(ROOT, 'bench', 'gen-snapshot.js'), big, '30'], { stdio: 'ignore' });
const small = path.join(dir, 'small.heapsnapshot');
spawnSync(process.execPath, ['-e', `require('v8').writeHeapSnapshot(${JSON.stringify(small)})`]);

test('analyzeSnapshot reports progress through every phase to options.onProgress', async () => {
  const seen = [];
  const s = await rsheapdump.analyzeSnapshot(big, { onProgress: (phase, fraction) => seen.push([phase, fraction]) });
  assert.ok(s.classes.length > 10);
  // Progress calls are queued to the event loop and may trail the result by a turn.
  await new Promise((r) => setImmediate(r));
  const phases = [...new Set(seen.map(([p]) => p))];
  assert.deepEqual(phases, ['parsing', 'graph', 'dominators']);
  for (const [, f] of seen) assert.ok(f >= 0 && f <= 1, `fraction ${f}`);
  const parsing = seen.filter(([p]) => p === 'parsing').map(([, f]) => f);
  assert.deepEqual(parsing, [...parsing].sort((a, b) => a - b), 'parsing fractions only grow');
});

test('an AbortSignal that fires while the analysis runs rejects it with AbortError', async () => {
  const ac = new AbortController();
  const reason = new Error('enough');
  const err = await rsheapdump
    .analyzeSnapshot(big, { signal: ac.signal, onProgress: () => ac.abort(reason) })
    .then(() => null, (e) => e);
  assert.ok(err, 'rejected');
  assert.equal(err.name, 'AbortError');
  assert.equal(err.code, 'ABORT_ERR');
  assert.equal(err.cause, reason);
});

test('an aborted signal rejects every analysis at once, before any work', async () => {
  const signal = AbortSignal.abort();
  const calls = [
    rsheapdump.analyzeSnapshot(small, { signal }),
    rsheapdump.diffSnapshots(small, small, { signal }),
    rsheapdump.findLeaks(small, small, small, { signal }),
    rsheapdump.retainerPaths(small, { className: 'Object' }, { signal }),
  ];
  for (const c of calls) await assert.rejects(c, { name: 'AbortError', code: 'ABORT_ERR' });
});

test('the comparison analyses report progress and stop on abort too', async () => {
  const labels = new Set();
  await rsheapdump.diffSnapshots(small, small, { onProgress: (l) => labels.add(l) });
  await new Promise((r) => setImmediate(r));
  assert.ok([...labels].some((l) => l.startsWith('target ')), [...labels].join());
  const ac = new AbortController();
  await assert.rejects(rsheapdump.findLeaks(big, big, big, { signal: ac.signal, onProgress: () => ac.abort() }), { name: 'AbortError' });
  const ac2 = new AbortController();
  await assert.rejects(rsheapdump.retainerPaths(big, { className: 'Object' }, { signal: ac2.signal, onProgress: () => ac2.abort() }), { name: 'AbortError' });
});

test('the blocking twins take { onProgress } (and a bare function, the older shape)', () => {
  const a = [];
  rsheapdump.analyzeSnapshotSync(small, { onProgress: (p) => a.push(p) });
  const b = [];
  rsheapdump.analyzeSnapshotSync(small, (p) => b.push(p));
  assert.ok(a.includes('parsing') && a.includes('dominators'), a.join());
  assert.deepEqual(b, a);
  const c = [];
  rsheapdump.findLeaksSync(small, small, small, { limit: 1, onProgress: (l) => c.push(l) });
  rsheapdump.retainerPathsSync(small, { className: 'Object', limit: 1 }, { onProgress: (l) => c.push(l) });
  rsheapdump.diffSnapshotsSync(small, small, { onProgress: (l) => c.push(l) });
  assert.ok(c.includes('leaks') && c.includes('parsing') && c.some((l) => l.startsWith('target')), c.join());
});

test('wrong options are TypeErrors naming the option, thrown before any work', () => {
  const cases = [
    [() => rsheapdump.analyzeSnapshot(small, { signal: {} }), 'options.signal'],
    [() => rsheapdump.analyzeSnapshot(small, { onProgress: 1 }), 'options.onProgress'],
    [() => rsheapdump.analyzeSnapshot(small, 'fast'), 'options'],
    [() => rsheapdump.diffSnapshots(small, small, { signal: 'x' }), 'options.signal'],
    [() => rsheapdump.findLeaks(small, small, small, { onProgress: true }), 'options.onProgress'],
    [() => rsheapdump.retainerPaths(small, { className: 'Object' }, null), 'options'],
    [() => rsheapdump.analyzeSnapshotSync(small, { onProgress: 'x' }), 'options.onProgress'],
  ];
  for (const [call, name] of cases) {
    assert.throws(call, (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE' && e.message.includes(`"${name}"`), name);
  }
});

// A synthetic .cpuprofile of about 30 MB (2,000 functions, 3,000,000 samples): read in 1 MiB
// steps, so progress has many points and an abort lands while it is read.
const bigCpu = path.join(dir, 'big.cpuprofile');
{
  const nodes = [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [] }];
  for (let id = 2; id <= 2001; id++) {
    nodes.push({ id, callFrame: { functionName: `f${id}`, scriptId: '1', url: 'file:///big.js', lineNumber: id, columnNumber: 0 }, hitCount: 0, children: [] });
    nodes[0].children.push(id);
  }
  const n = 3_000_000;
  const samples = Array.from({ length: n }, (_, i) => 2 + (i % 2000));
  require('node:fs').writeFileSync(bigCpu, JSON.stringify({ nodes, startTime: 0, endTime: n * 100, samples, timeDeltas: Array.from({ length: n }, () => 100) }));
}

test('the profile analyses report reading, parsing and analyzing to options.onProgress', async () => {
  for (const fn of ['analyzeCpuProfile', 'foldProfile', 'flameGraph']) {
    const seen = [];
    const out = await rsheapdump[fn](bigCpu, { onProgress: (label, fraction) => seen.push([label, fraction]) });
    assert.ok(fn === 'analyzeCpuProfile' ? out.functions.length === 2000 : out.length > 1000, fn);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([...new Set(seen.map(([l]) => l))], ['reading', 'parsing', 'analyzing'], fn);
    for (const [, f] of seen) assert.ok(f >= 0 && f <= 1, `${fn}: fraction ${f}`);
    const reading = seen.filter(([l]) => l === 'reading').map(([, f]) => f);
    assert.ok(reading.length >= 10, `${fn}: ${reading.length} reading reports for 30 MB`);
    assert.deepEqual(reading, [...reading].sort((a, b) => a - b), `${fn}: reading fractions only grow`);
    assert.deepEqual(seen.at(-1), ['analyzing', 1]);
  }
});

test('an AbortSignal stops a profile analysis while it reads, and an aborted one before it starts', async () => {
  for (const fn of ['analyzeCpuProfile', 'foldProfile', 'flameGraph']) {
    const ac = new AbortController();
    const reason = new Error('enough');
    const err = await rsheapdump[fn](bigCpu, { signal: ac.signal, onProgress: () => ac.abort(reason) }).then(() => null, (e) => e);
    assert.ok(err, `${fn} rejected`);
    assert.equal(err.name, 'AbortError', fn);
    assert.equal(err.code, 'ABORT_ERR', fn);
    assert.equal(err.cause, reason, fn);
  }
  const signal = AbortSignal.abort();
  for (const fn of ['analyzeCpuProfile', 'analyzeHeapProfile', 'foldProfile', 'flameGraph']) {
    await assert.rejects(rsheapdump[fn](bigCpu, { signal }), { name: 'AbortError', code: 'ABORT_ERR' }, fn);
  }
});

test('the profile analyses’ blocking twins take { onProgress } (and a bare function)', () => {
  const a = [];
  const t = rsheapdump.analyzeCpuProfileSync(bigCpu, { limit: 3, onProgress: (l) => a.push(l) });
  assert.equal(t.functions.length, 3);
  const b = [];
  rsheapdump.foldProfileSync(bigCpu, (l) => b.push(l));
  for (const seen of [a, b]) assert.deepEqual([...new Set(seen)], ['reading', 'parsing', 'analyzing']);
});

test('wrong profile-analysis arguments are TypeErrors naming them, thrown before any work', () => {
  const cases = [
    [() => rsheapdump.analyzeCpuProfile(bigCpu, { signal: {} }), 'options.signal'],
    [() => rsheapdump.foldProfile(bigCpu, { onProgress: 1 }), 'options.onProgress'],
    [() => rsheapdump.flameGraph(bigCpu, 'wide'), 'options'],
    [() => rsheapdump.analyzeHeapProfileSync(bigCpu, { onProgress: 'x' }), 'options.onProgress'],
    [() => rsheapdump.flameGraphSync(''), 'file'],
    [() => rsheapdump.analyzeCpuProfile(42), 'file'],
  ];
  for (const [call, name] of cases) {
    assert.throws(call, (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE' && e.message.includes(`"${name}"`), name);
  }
});
