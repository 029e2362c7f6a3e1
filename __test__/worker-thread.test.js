'use strict';
// Capture called in a worker thread captures that worker's isolate, as v8.writeHeapSnapshot there
// does (worker pools leak too), never the main thread's.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { runChild, readSnapshot, countNodes, assertValidSnapshot } = require('./helpers');

// The main thread holds MainOnlyThing objects; the worker holds WorkerOnlyThing objects and runs
// `body` (an async function body with rsheapdump in scope), then posts its result.
function inWorker(body) {
  return runChild(`
    const { Worker } = require('worker_threads');
    const rsheapdump = require('rsheapdump');
    class MainOnlyThing {}
    globalThis.mainThings = Array.from({ length: 1000 }, () => new MainOnlyThing());
    function mainOnlyBusy() { let x = 0; for (let i = 0; i < 1e5; i++) x += Math.sqrt(i); return x; }
    const spin = setInterval(mainOnlyBusy, 1);
    const code = ${JSON.stringify(`
      const { parentPort } = require('worker_threads');
      const rsheapdump = require(${JSON.stringify(path.join(__dirname, '..'))});
      class WorkerOnlyThing {}
      globalThis.workerThings = Array.from({ length: 1000 }, () => new WorkerOnlyThing());
      (async () => { ${body} })().then((r) => parentPort.postMessage({ ok: r }), (e) => parentPort.postMessage({ error: e.stack }));
    `)};
    const w = new Worker(code, { eval: true });
    w.on('message', (m) => { clearInterval(spin); console.log(JSON.stringify(m)); w.terminate(); });
  `);
}

function result(r) {
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout.trim());
  assert.equal(m.error, undefined, m.error);
  return m.ok;
}

test('writeSnapshot in a worker thread snapshots the worker, not the main thread', async () => {
  const file = result(await inWorker(`return rsheapdump.writeSnapshot('w.heapsnapshot.gz');`));
  assert.equal(path.basename(file), 'w.heapsnapshot.gz');
  const snap = readSnapshot(file);
  assertValidSnapshot(assert, snap);
  assert.equal(countNodes(snap, 'WorkerOnlyThing'), 1000);
  assert.equal(countNodes(snap, 'MainOnlyThing'), 0);
});

test('a CPU profile and a sampling heap profile in a worker thread profile the worker', async () => {
  const out = result(
    await inWorker(`
      function workerOnlySpin() { let x = 0; for (let i = 0; i < 1e5; i++) x += Math.sqrt(i); return x; }
      function workerOnlyAlloc() { const a = []; for (let i = 0; i < 2e4; i++) a.push({ i, s: 'x' + i }); return a; }
      await rsheapdump.startCpuProfile({ samplingIntervalUs: 200 });
      const t0 = Date.now();
      while (Date.now() - t0 < 400) workerOnlySpin();
      const cpu = await rsheapdump.stopCpuProfile({ returnProfile: true });
      await rsheapdump.startHeapSampling({ samplingIntervalBytes: 1024 });
      globalThis.kept = [];
      for (let i = 0; i < 20; i++) globalThis.kept.push(workerOnlyAlloc());
      const heap = await rsheapdump.stopHeapSampling({ returnProfile: true });
      const names = (p) => { const out = new Set(); const walk = (n) => { out.add(n.callFrame.functionName); (n.children || []).forEach(walk); }; p.nodes ? p.nodes.forEach((n) => out.add(n.callFrame.functionName)) : walk(p.head); return [...out]; };
      return { cpu: names(cpu), heap: names(heap) };
    `),
  );
  assert.ok(out.cpu.includes('workerOnlySpin'), `CPU profile functions: ${out.cpu.join(', ')}`);
  assert.ok(!out.cpu.includes('mainOnlyBusy'), 'the main thread is not in it');
  assert.ok(out.heap.includes('workerOnlyAlloc'), `heap profile functions: ${out.heap.join(', ')}`);
});
