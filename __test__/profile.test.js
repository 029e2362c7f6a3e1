'use strict';
// CPU profiles and sampling heap profiles: what the files hold (Node's own formats and names),
// how they are written, state and option errors, and processes that exit while profiling.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { tmpdir, runChild, partials, waitFor } = require('./helpers');
const rsheapdump = require('..');
const client = require('../lib/client');

// --- helpers ---------------------------------------------------------------------------------

function readJson(file) {
  let buf = fs.readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = zlib.gunzipSync(buf);
  return JSON.parse(buf.toString('utf8'));
}

/** A synchronous loop with a name to find in profiles. */
function rsheapdumpBusyLoop(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) for (let i = 0; i < 1000; i++) x += Math.sqrt(i + x) % 7;
  return x;
}

/** Checks a CPU profile's invariants; returns Map(id -> node). */
function assertValidCpuProfile(p) {
  assert.deepEqual(Object.keys(p), ['nodes', 'startTime', 'endTime', 'samples', 'timeDeltas']);
  assert.ok(p.nodes.length > 0 && p.samples.length > 0, 'has nodes and samples');
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  assert.equal(byId.size, p.nodes.length, 'node ids are unique');
  assert.equal(p.samples.length, p.timeDeltas.length, 'one time delta per sample');
  for (const s of p.samples) assert.ok(byId.has(s), `sample ${s} is a node id`);
  for (const n of p.nodes) for (const c of n.children ?? []) assert.ok(byId.has(c), `child ${c} is a node id`);
  assert.equal(p.nodes[0].callFrame.functionName, '(root)');
  assert.ok(p.endTime >= p.startTime);
  return byId;
}

/** Fraction of samples that fall in a frame named `name` or below it. */
function shareOf(p, name) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const inside = new Set();
  const walk = (id, under) => {
    const n = byId.get(id);
    const here = under || n.callFrame.functionName === name;
    if (here) inside.add(id);
    for (const c of n.children ?? []) walk(c, here);
  };
  walk(p.nodes[0].id, false);
  return p.samples.filter((s) => inside.has(s)).length / p.samples.length;
}

/** All nodes of a sampling heap profile's tree. */
function heapNodes(p) {
  const out = [];
  const stack = [p.head];
  while (stack.length) {
    const n = stack.pop();
    out.push(n);
    stack.push(...n.children);
  }
  return out;
}

function keysOf(list) {
  return [...new Set(list.flatMap((o) => Object.keys(o)))].sort();
}

// --- what the files hold ---------------------------------------------------------------------

test('a CPU profile of a busy function parses, is consistent, and the function holds most samples', async () => {
  const dir = tmpdir();
  const file = path.join(dir, 'busy.cpuprofile');
  await rsheapdump.startCpuProfile({ samplingIntervalUs: 500 });
  rsheapdumpBusyLoop(400);
  assert.equal(await rsheapdump.stopCpuProfile({ filename: file }), file);
  const p = readJson(file);
  assertValidCpuProfile(p);
  assert.ok(p.samples.length > 200, `${p.samples.length} samples in 400 ms at 500 µs`);
  const busy = p.nodes.find((n) => n.callFrame.functionName === 'rsheapdumpBusyLoop');
  assert.ok(busy, 'the busy function has a frame');
  assert.equal(busy.callFrame.url, `file://${__filename}`);
  const share = shareOf(p, 'rsheapdumpBusyLoop');
  assert.ok(share > 0.6, `the busy function holds ${(share * 100).toFixed(0)}% of samples`);
});

test('the files have the keys, names and mode of node --cpu-prof / --heap-prof', async () => {
  const workload = `
    function rsheapdumpBusyLoop(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
    class Thing { constructor(i) { this.i = i; } }
    globalThis.keep = [];
    function work() { rsheapdumpBusyLoop(150); for (let i = 0; i < 20000; i++) keep.push(new Thing(i)); }
  `;
  const [node, ours] = await Promise.all([
    runChild(`${workload} work();`, { execArgv: ['--cpu-prof', '--cpu-prof-dir=node', '--heap-prof', '--heap-prof-dir=node', '--heap-prof-interval=4096'] }),
    runChild(`${workload}
      const r = require('rsheapdump');
      (async () => {
        await r.startCpuProfile();
        await r.startHeapSampling({ samplingIntervalBytes: 4096 });
        work();
        console.log(await r.stopCpuProfile());
        console.log(await r.stopHeapSampling());
      })();`),
  ]);
  assert.equal(node.code, 0, node.stderr);
  assert.equal(ours.code, 0, ours.stderr);
  const nodeFiles = fs.readdirSync(path.join(node.dir, 'node')).sort();
  const ourFiles = ours.stdout.trim().split('\n');
  assert.equal(nodeFiles.length, 2);
  const pattern = (prefix, ext) => new RegExp(`^${prefix}\\.(\\d{8})\\.(\\d{6})\\.(\\d+)\\.(\\d+)\\.(\\d{3})\\.${ext}$`);
  for (const [i, [prefix, ext]] of [['CPU', 'cpuprofile'], ['Heap', 'heapprofile']].entries()) {
    const theirs = nodeFiles[i].match(pattern(prefix, ext));
    assert.ok(theirs, `node wrote ${nodeFiles[i]}`);
    assert.equal(path.dirname(ourFiles[i]), fs.realpathSync(ours.dir), 'in the cwd');
    const mine = path.basename(ourFiles[i]).match(pattern(prefix, ext));
    assert.ok(mine, `we wrote ${ourFiles[i]}`);
    assert.equal(mine[4], '0', 'tid 0: the main thread');
    assert.equal(mine[5], String(i + 1).padStart(3, '0'), 'seq counts from 001 across kinds, as Node');
    assert.equal(theirs[4], '0');
    const d = new Date();
    const today = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
    assert.ok([today, theirs[1]].includes(mine[1]), 'local date');
    assert.equal(fs.statSync(ourFiles[i]).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(node.dir, 'node', nodeFiles[i])).mode & 0o777, 0o600);
  }
  const [nodeCpu, nodeHeap] = nodeFiles.map((f) => readJson(path.join(node.dir, 'node', f)));
  const [ourCpu, ourHeap] = ourFiles.map(readJson);
  // CPU: same top-level keys in the same order, same node and callFrame keys.
  assertValidCpuProfile(ourCpu);
  assert.deepEqual(Object.keys(ourCpu), Object.keys(nodeCpu));
  assert.deepEqual(keysOf(ourCpu.nodes), keysOf(nodeCpu.nodes));
  assert.deepEqual(Object.keys(ourCpu.nodes[1].callFrame), Object.keys(nodeCpu.nodes[1].callFrame));
  // Heap: { head, samples }, same node, callFrame and sample keys.
  assert.deepEqual(Object.keys(ourHeap), Object.keys(nodeHeap));
  assert.deepEqual(keysOf(heapNodes(ourHeap)), keysOf(heapNodes(nodeHeap)));
  assert.deepEqual(Object.keys(ourHeap.head.callFrame), Object.keys(nodeHeap.head.callFrame));
  assert.deepEqual(keysOf(ourHeap.samples), keysOf(nodeHeap.samples));
  // Byte for byte what JSON.stringify gives (no whitespace), like Node's.
  const raw = fs.readFileSync(ourFiles[0], 'utf8');
  assert.equal(raw, JSON.stringify(ourCpu));
  assert.equal(fs.readFileSync(path.join(node.dir, 'node', nodeFiles[0]), 'utf8'), JSON.stringify(nodeCpu));
});

test('a sampling heap profile shows the site that allocates a known class', async () => {
  class RsheapdumpSampledThing {
    constructor(i) {
      this.i = i;
      this.tag = `thing-${i}`;
    }
  }
  const keep = [];
  function rsheapdumpAllocateThings(n) {
    for (let i = 0; i < n; i++) keep.push(new RsheapdumpSampledThing(i));
  }
  const { result, profile: p } = await rsheapdump.profile(() => (rsheapdumpAllocateThings(100000), keep.length), {
    kind: 'heap',
    samplingIntervalBytes: 4096,
  });
  assert.equal(result, 100000);
  assert.deepEqual(Object.keys(p), ['head', 'samples']);
  const nodes = heapNodes(p);
  const ids = new Set(nodes.map((n) => n.id));
  // As in node --heap-prof files, a few samples may name nodes V8 left out of the tree.
  const named = p.samples.filter((s) => ids.has(s.nodeId)).length;
  assert.ok(named > 0.9 * p.samples.length, `${named} of ${p.samples.length} samples name a tree node`);
  const site = nodes.filter((n) => ['rsheapdumpAllocateThings', 'RsheapdumpSampledThing'].includes(n.callFrame.functionName));
  assert.ok(site.length > 0, 'the allocation site has a frame');
  // V8 names CommonJS scripts by path here (and by file:// URL in CPU profiles).
  assert.ok(site.every((n) => [__filename, `file://${__filename}`].includes(n.callFrame.url)), JSON.stringify(site.map((n) => n.callFrame.url)));
  const total = (n) => n.selfSize + n.children.reduce((a, c) => a + total(c), 0);
  const siteBytes = site.filter((n) => n.callFrame.functionName === 'rsheapdumpAllocateThings').reduce((a, n) => a + total(n), 0);
  // 100,000 objects with a string each are several MB; sampling sees at least a good part of it.
  assert.ok(siteBytes > 2_000_000, `${siteBytes} bytes sampled at the site`);
  assert.ok(siteBytes > 0.5 * total(p.head), `${siteBytes} of ${total(p.head)} bytes`);
});

// A loop that is already running when the profile starts runs in on-stack-replaced (OSR) code V8
// compiled before the profiler was there: V8 gives its samples to the caller unless the start
// deoptimizes (the default). These children warm the loop first so OSR code exists.
test('a timed profile (cpuProfileFor) records while the main thread is stuck in a loop', async () => {
  const r = await runChild(
    `const client = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'client.js'))});
     ${rsheapdumpBusyLoop.toString()}
     rsheapdumpBusyLoop(200);
     const job = client.request('cpuProfileFor', { options: { seconds: 0.4, filename: 'timed.cpuprofile' } });
     rsheapdumpBusyLoop(1200); // the worker starts, waits and stops while this thread never yields
     job.then((w) => console.log(JSON.stringify(w)));`,
  );
  assert.equal(r.code, 0, r.stderr);
  const written = JSON.parse(r.stdout);
  assert.equal(written.path, path.join(fs.realpathSync(r.dir), 'timed.cpuprofile'));
  const p = readJson(written.path);
  assertValidCpuProfile(p);
  const span = (p.endTime - p.startTime) / 1000;
  assert.ok(span > 300 && span < 1000, `recorded ${span} ms`);
  const share = shareOf(p, 'rsheapdumpBusyLoop');
  assert.ok(share > 0.6, `the loop holds ${(share * 100).toFixed(0)}% of samples`);
  assert.equal(fs.statSync(written.path).mode & 0o777, 0o600);
});

test('code optimized before the profile started is attributed to its function', async () => {
  const r = await runChild(
    `const r = require('rsheapdump');
     ${rsheapdumpBusyLoop.toString()}
     (async () => {
       rsheapdumpBusyLoop(200);
       await r.startCpuProfile();
       rsheapdumpBusyLoop(400);
       const p = await r.stopCpuProfile({ returnProfile: true });
       console.log(JSON.stringify(p));
     })();`,
  );
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assertValidCpuProfile(p);
  const loop = shareOf(p, 'rsheapdumpBusyLoop');
  assert.ok(loop > 0.6, `the loop, optimized (OSR) before the start, holds ${(loop * 100).toFixed(0)}% of samples`);
});

test('returnProfile resolves to the profile object and writes no file', async () => {
  const dir = tmpdir();
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await rsheapdump.startCpuProfile();
    rsheapdumpBusyLoop(50);
    const p = await rsheapdump.stopCpuProfile({ returnProfile: true });
    assertValidCpuProfile(p);
    await rsheapdump.startHeapSampling();
    const h = await rsheapdump.stopHeapSampling({ returnProfile: true });
    assert.deepEqual(Object.keys(h), ['head', 'samples']);
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    process.chdir(cwd);
  }
});

test('profile(fn) resolves to { result, profile } and with a filename also { file }', async () => {
  const dir = tmpdir();
  const a = await rsheapdump.profile(() => rsheapdumpBusyLoop(50) && 'done');
  assert.deepEqual(Object.keys(a), ['result', 'profile']);
  assert.equal(a.result, 'done');
  assertValidCpuProfile(a.profile);
  const b = await rsheapdump.profile(async () => 42, { filename: path.join(dir, 'p.cpuprofile'), gzip: true });
  assert.equal(b.result, 42);
  assert.equal(b.file, path.join(dir, 'p.cpuprofile.gz'));
  assert.deepEqual(readJson(b.file), b.profile);
  const boom = new Error('boom');
  await assert.rejects(rsheapdump.profile(() => { throw boom; }), (e) => e === boom);
  await assert.rejects(rsheapdump.profile(async () => { throw boom; }, { kind: 'heap' }), (e) => e === boom);
  // The failed calls' profiles were stopped.
  await assert.rejects(rsheapdump.stopCpuProfile(), { code: 'ERR_RSHEAPDUMP_NO_PROFILE' });
  await assert.rejects(rsheapdump.stopHeapSampling(), { code: 'ERR_RSHEAPDUMP_NO_PROFILE' });
});

// --- how files are written -------------------------------------------------------------------

test('files are mode 0600, written under .partial first, and gzip works', async () => {
  const dir = tmpdir();
  const file = path.join(dir, 'm.cpuprofile');
  // The file system's own record of names, in order: looking at the directory right after the
  // call raced the capture worker, which can finish first on a loaded machine.
  const names = [];
  const watcher = fs.watch(dir, (_, name) => names.push(name));
  await rsheapdump.startCpuProfile();
  const p = rsheapdump.stopCpuProfile({ filename: file });
  assert.equal(partials(dir).length + fs.readdirSync(dir).filter((f) => f === 'm.cpuprofile').length, 1, 'opened at once');
  await p;
  await waitFor(() => names.includes('m.cpuprofile'), 10_000, 'the rename to be seen');
  watcher.close();
  assert.equal(names[0], 'm.cpuprofile.partial', 'created under the partial name first');
  assert.ok(names.indexOf('m.cpuprofile') > 0, 'renamed to the final name after');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(partials(dir), []);

  await rsheapdump.startCpuProfile();
  rsheapdumpBusyLoop(100);
  const gz = await rsheapdump.stopCpuProfile({ filename: path.join(dir, 'g.cpuprofile'), gzip: true });
  assert.equal(gz, path.join(dir, 'g.cpuprofile.gz'));
  const bytes = fs.readFileSync(gz);
  assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
  assertValidCpuProfile(readJson(gz));
  assert.equal(fs.statSync(gz).mode & 0o777, 0o600);

  await rsheapdump.startHeapSampling();
  const named = await rsheapdump.stopHeapSampling({ filename: path.join(dir, 'h.heapprofile.gz') });
  assert.equal(named, path.join(dir, 'h.heapprofile.gz'));
  assert.deepEqual(Object.keys(readJson(named)), ['head', 'samples'], 'a .gz name means gzip');
  await rsheapdump.startHeapSampling();
  const nine = await rsheapdump.stopHeapSampling({ filename: path.join(dir, 'nine.heapprofile'), gzip: 9 });
  assert.deepEqual(Object.keys(readJson(nine)), ['head', 'samples']);
  assert.deepEqual(partials(dir), []);
});

test('a bad path rejects at stop and the profile keeps running, so a second stop saves it', async () => {
  const dir = tmpdir();
  await rsheapdump.startCpuProfile();
  rsheapdumpBusyLoop(100);
  await assert.rejects(rsheapdump.stopCpuProfile({ filename: path.join(dir, 'no', 'such', 'x.cpuprofile') }), (err) => {
    assert.equal(err.code, 'ENOENT');
    assert.equal(err.syscall, 'open');
    assert.equal(err.path, path.join(dir, 'no', 'such', 'x.cpuprofile'));
    return true;
  });
  await assert.rejects(rsheapdump.stopCpuProfile({ filename: dir }), { code: 'EISDIR' });
  rsheapdumpBusyLoop(100);
  const file = await rsheapdump.stopCpuProfile({ filename: path.join(dir, 'ok.cpuprofile') });
  const p = readJson(file);
  assertValidCpuProfile(p);
  assert.ok((p.endTime - p.startTime) / 1000 >= 190, 'the profile covers both loops');
  assert.deepEqual(fs.readdirSync(dir), ['ok.cpuprofile']);
});

// --- state and option errors -----------------------------------------------------------------

test('state errors: a second start, a stop without a start, a second stop', async () => {
  const dir = tmpdir();
  await assert.rejects(rsheapdump.stopCpuProfile({ filename: path.join(dir, 'a') }), { code: 'ERR_RSHEAPDUMP_NO_PROFILE', message: /startCpuProfile\(\)/ });
  await assert.rejects(rsheapdump.stopHeapSampling({ filename: path.join(dir, 'b') }), { code: 'ERR_RSHEAPDUMP_NO_PROFILE', message: /startHeapSampling\(\)/ });
  assert.deepEqual(fs.readdirSync(dir), [], 'a stop without a start opens no file');

  await rsheapdump.startCpuProfile();
  await assert.rejects(rsheapdump.startCpuProfile(), { code: 'ERR_RSHEAPDUMP_PROFILE_RUNNING', message: /stopCpuProfile\(\)/ });
  // CPU and heap profiles are independent.
  await rsheapdump.startHeapSampling();
  await assert.rejects(rsheapdump.startHeapSampling(), { code: 'ERR_RSHEAPDUMP_PROFILE_RUNNING', message: /stopHeapSampling\(\)/ });
  await assert.rejects(rsheapdump.profile(() => {}), { code: 'ERR_RSHEAPDUMP_PROFILE_RUNNING' });
  const [a, b] = await Promise.all([
    rsheapdump.stopCpuProfile({ filename: path.join(dir, 'a.cpuprofile') }),
    rsheapdump.stopCpuProfile({ filename: path.join(dir, 'b.cpuprofile') }),
  ].map((p) => p.then((f) => f, (e) => e)));
  assert.equal(a, path.join(dir, 'a.cpuprofile'));
  assert.equal(b.code, 'ERR_RSHEAPDUMP_NO_PROFILE', 'a second stop finds nothing to stop');
  await rsheapdump.stopHeapSampling({ filename: path.join(dir, 'c.heapprofile') });
  await assert.rejects(rsheapdump.stopHeapSampling(), { code: 'ERR_RSHEAPDUMP_NO_PROFILE' });
  assert.deepEqual(fs.readdirSync(dir).sort(), ['a.cpuprofile', 'c.heapprofile']);

  // Start and stop without awaiting in between: they run in order.
  const s = rsheapdump.startCpuProfile();
  const f = rsheapdump.stopCpuProfile({ filename: path.join(dir, 'quick.cpuprofile') });
  await s;
  assert.equal(await f, path.join(dir, 'quick.cpuprofile'));
  const again = rsheapdump.stopCpuProfile({ returnProfile: true });
  const restart = rsheapdump.startCpuProfile();
  await assert.rejects(again, { code: 'ERR_RSHEAPDUMP_NO_PROFILE' });
  await restart;
  await rsheapdump.stopCpuProfile({ returnProfile: true });
});

test('a timed profile owns the CPU profiler: API calls cannot start or stop it', async () => {
  // What a signal handler in the capture worker does: call cpuProfileFor directly, outside the
  // job queue. Here a worker of our own plays the capture worker.
  const { Worker } = require('node:worker_threads');
  const dir = tmpdir();
  const w = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     parentPort.on('message', () => {});
     const p = require(workerData.module);
     const code = (promise) => promise.then(() => 'ok', (e) => e.code);
     (async () => {
       const out = {};
       const timed = p.cpuProfileFor({ seconds: 0.3, filename: workerData.dir + '/t.cpuprofile' });
       out.start = await code(p.cpuStart({}));
       out.stop = await code(p.cpuStop({}));
       out.heap = await code(p.heapStart({}).then(() => p.heapStop({})));
       out.second = await code(p.cpuProfileFor({ seconds: 0.1, filename: workerData.dir + '/u.cpuprofile' }));
       out.timed = (await timed).path;
       out.after = await code(p.cpuStart({}).then(() => p.cpuStop({})));
       out.badSeconds = await code(p.cpuProfileFor({ seconds: 0, filename: workerData.dir + '/z' }));
       parentPort.postMessage(out);
     })();`,
    { eval: true, workerData: { module: path.join(__dirname, '..', 'lib', 'worker', 'profile.js'), dir } },
  );
  const out = await new Promise((resolve, reject) => w.once('message', resolve).once('error', reject));
  await w.terminate();
  assert.deepEqual(out, {
    start: 'ERR_RSHEAPDUMP_PROFILE_RUNNING',
    stop: 'ERR_RSHEAPDUMP_NO_PROFILE',
    heap: 'ok',
    second: 'ERR_RSHEAPDUMP_PROFILE_RUNNING',
    timed: path.join(dir, 't.cpuprofile'),
    after: 'ok',
    badSeconds: 'ERR_INVALID_ARG_VALUE',
  });
  assert.deepEqual(fs.readdirSync(dir), ['t.cpuprofile']);
  assertValidCpuProfile(readJson(path.join(dir, 't.cpuprofile')));
});

test('a timed profile requested as a job holds the job queue: a start waits for it, then works', async () => {
  const dir = tmpdir();
  const t0 = Date.now();
  const job = client.request('cpuProfileFor', { options: { seconds: 0.3, filename: path.join(dir, 'q.cpuprofile') } });
  await rsheapdump.startCpuProfile();
  assert.ok(Date.now() - t0 >= 290, 'the start ran after the timed profile');
  assert.equal((await job).path, path.join(dir, 'q.cpuprofile'));
  await rsheapdump.stopCpuProfile({ returnProfile: true });
});

test('with node --heap-prof, heap sampling is refused and Node still writes its file; --cpu-prof and ours coexist', async () => {
  const r = await runChild(
    `const r = require('rsheapdump');
     (async () => {
       const heap = await r.startHeapSampling().then(() => 'started', (e) => e.code);
       await r.startCpuProfile();
       const cpu = await r.stopCpuProfile({ filename: 'ours.cpuprofile' });
       console.log(JSON.stringify({ heap, cpu }));
     })();`,
    { execArgv: ['--heap-prof', '--cpu-prof'] },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(r.stdout), { heap: 'ERR_RSHEAPDUMP_PROFILE_RUNNING', cpu: path.join(fs.realpathSync(r.dir), 'ours.cpuprofile') });
  const files = fs.readdirSync(r.dir).filter((f) => !f.endsWith('.js')).sort();
  assert.equal(files.length, 3, files.join(', '));
  assert.match(files[0], /^CPU\..*\.cpuprofile$/);
  assert.match(files[1], /^Heap\..*\.heapprofile$/);
  assert.equal(files[2], 'ours.cpuprofile');
  assertValidCpuProfile(readJson(path.join(r.dir, files[0])));
  assertValidCpuProfile(readJson(path.join(r.dir, files[2])));
});

test('bad options are synchronous TypeErrors/RangeErrors naming the option, and change nothing', async () => {
  const bad = [
    [() => rsheapdump.startCpuProfile(5), TypeError, 'ERR_INVALID_ARG_TYPE', /"options"/],
    [() => rsheapdump.startCpuProfile({ samplingIntervalUs: '1000' }), TypeError, 'ERR_INVALID_ARG_TYPE', /"options\.samplingIntervalUs"/],
    [() => rsheapdump.startCpuProfile({ samplingIntervalUs: 1.5 }), RangeError, 'ERR_OUT_OF_RANGE', /"options\.samplingIntervalUs".*integer >= 10 and <= 1000000/],
    [() => rsheapdump.startCpuProfile({ samplingIntervalUs: 0 }), RangeError, 'ERR_OUT_OF_RANGE', /Received 0/],
    [() => rsheapdump.startCpuProfile({ samplingIntervalUs: 9 }), RangeError, 'ERR_OUT_OF_RANGE'],
    [() => rsheapdump.startCpuProfile({ samplingIntervalUs: -1000 }), RangeError, 'ERR_OUT_OF_RANGE'],
    [() => rsheapdump.startCpuProfile({ samplingIntervalUs: NaN }), RangeError, 'ERR_OUT_OF_RANGE'],
    [() => rsheapdump.startCpuProfile({ samplingIntervalUs: 2e6 }), RangeError, 'ERR_OUT_OF_RANGE'],
    [() => rsheapdump.startCpuProfile({ deoptimize: 'no' }), TypeError, 'ERR_INVALID_ARG_TYPE', /"options\.deoptimize"/],
    [() => rsheapdump.startHeapSampling({ samplingIntervalBytes: 0 }), RangeError, 'ERR_OUT_OF_RANGE', /"options\.samplingIntervalBytes"/],
    [() => rsheapdump.startHeapSampling({ samplingIntervalBytes: 2 ** 31 }), RangeError, 'ERR_OUT_OF_RANGE'],
    [() => rsheapdump.startHeapSampling({ samplingIntervalBytes: 100n }), TypeError, 'ERR_INVALID_ARG_TYPE'],
    [() => rsheapdump.startHeapSampling({ includeObjectsCollectedByMajorGC: 1 }), TypeError, 'ERR_INVALID_ARG_TYPE', /includeObjectsCollectedByMajorGC/],
    [() => rsheapdump.stopCpuProfile('x.cpuprofile'), TypeError, 'ERR_INVALID_ARG_TYPE', /"options"/],
    [() => rsheapdump.stopCpuProfile({ filename: 5 }), TypeError, 'ERR_INVALID_ARG_TYPE', /"options\.filename"/],
    [() => rsheapdump.stopCpuProfile({ gzip: 'yes' }), TypeError, 'ERR_INVALID_ARG_TYPE', /"options\.gzip"/],
    [() => rsheapdump.stopHeapSampling({ gzip: 10 }), RangeError, 'ERR_INVALID_ARG_VALUE', /"options\.gzip"/],
    [() => rsheapdump.stopCpuProfile({ filename: 'x.cpuprofile.gz', gzip: false }), TypeError, 'ERR_INVALID_ARG_VALUE'],
    [() => rsheapdump.stopCpuProfile({ returnProfile: 'yes' }), TypeError, 'ERR_INVALID_ARG_TYPE', /returnProfile/],
    [() => rsheapdump.stopCpuProfile({ returnProfile: true, filename: 'x' }), TypeError, 'ERR_INVALID_ARG_VALUE', /returnProfile/],
    [() => rsheapdump.profile('fn'), TypeError, 'ERR_INVALID_ARG_TYPE', /"fn"/],
    [() => rsheapdump.profile(() => {}, { kind: 'wall' }), TypeError, 'ERR_INVALID_ARG_VALUE', /"options\.kind"/],
    [() => rsheapdump.profile(() => {}, { samplingIntervalUs: 1 }), RangeError, 'ERR_OUT_OF_RANGE'],
  ];
  for (const [call, Ctor, code, message] of bad) {
    assert.throws(call, (err) => {
      assert.ok(err instanceof Ctor, `${call}: ${err.name}`);
      assert.equal(err.code, code, String(call));
      if (message) assert.match(err.message, message);
      return true;
    });
  }
  // Nothing was started, and the bounds themselves are accepted.
  await assert.rejects(rsheapdump.stopCpuProfile(), { code: 'ERR_RSHEAPDUMP_NO_PROFILE' });
  for (const samplingIntervalUs of [10, 1_000_000]) {
    await rsheapdump.startCpuProfile({ samplingIntervalUs, deoptimize: false });
    await rsheapdump.stopCpuProfile({ returnProfile: true });
  }
  await rsheapdump.startHeapSampling({ samplingIntervalBytes: 1, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await rsheapdump.stopHeapSampling({ returnProfile: true });
});

// --- processes that exit while profiling -----------------------------------------------------

test('a process exits cleanly while profiling: by itself, by process.exit in a loop, and mid-stop', async () => {
  const cases = {
    // A background profile is not pending work: the process ends when its own work does.
    drained: `
      const r = require('rsheapdump');
      r.startCpuProfile().then(() => r.startHeapSampling()).then(() => { setTimeout(() => console.log('end'), 50); });`,
    // process.exit from a busy loop with both profilers running.
    exitInLoop: `
      const r = require('rsheapdump');
      (async () => {
        await r.startCpuProfile({ samplingIntervalUs: 100 });
        await r.startHeapSampling({ samplingIntervalBytes: 1024 });
        const end = Date.now() + 200; const keep = [];
        while (true) { keep.push({ a: [1] }); if (Date.now() > end) { console.log('end'); process.exit(0); } }
      })();`,
    // process.exit while the stop is in flight.
    exitMidStop: `
      const r = require('rsheapdump');
      (async () => {
        await r.startCpuProfile({ samplingIntervalUs: 100 });
        const end = Date.now() + 300; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1);
        r.stopCpuProfile({ filename: 'mid.cpuprofile' });
        setImmediate(() => { console.log('end'); process.exit(0); });
      })();`,
  };
  const results = await Promise.all(Object.entries(cases).map(([name, src]) => runChild(src, { timeout: 20_000 }).then((r) => [name, r])));
  for (const [name, r] of results) {
    assert.equal(r.signal, null, `${name}: not killed (by the timeout or a crash)`);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.equal(r.stdout.trim(), 'end', name);
    assert.equal(r.stderr, '', name);
    assert.ok(r.ms < 10_000, `${name} took ${r.ms} ms`);
    const left = fs.readdirSync(r.dir).filter((f) => !f.endsWith('.js'));
    // A stop cut short by exit leaves at most the partial file, never a half-written final name.
    for (const f of left) assert.ok(f === 'mid.cpuprofile.partial' || (f === 'mid.cpuprofile' && readJson(path.join(r.dir, f))), `${name} left ${f}`);
  }
});
