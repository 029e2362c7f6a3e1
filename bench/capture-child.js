'use strict';
// One benchmark process: builds a heap of the asked kind, then times capture methods on it.
//   node bench/capture-child.js <heap: 50|250|ts> <methods,comma-separated> <rounds> <outdir>
// Prints one JSON line per measurement.

const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const zlib = require('node:zlib');
const rsheapdump = require('..');

const [heap, methodList, roundsArg, outDir] = process.argv.slice(2);
const rounds = Number(roundsArg);

// A deterministic, realistic-ish heap: objects of a few classes, strings, arrays, Maps.
class Order { constructor(i) { this.id = i; this.customer = `customer-${i % 997}`; this.items = [i, i + 1, i + 2]; this.meta = { created: i, tags: ['a', 'b'] }; } }
function grow(targetMb) {
  const keep = [];
  const index = new Map();
  let i = 0;
  while (process.memoryUsage().heapUsed < targetMb * 1e6) {
    for (let k = 0; k < 10000; k++, i++) {
      const o = new Order(i);
      keep.push(o);
      if (i % 3 === 0) index.set(`k${i}`, o);
    }
  }
  return { keep, index };
}

let held;
if (heap === 'ts') held = require('typescript');
else held = grow(Number(heap));
globalThis.__held = held;

// The largest gap between event-loop turns while `fn` runs: what the app feels as the pause.
async function measure(fn) {
  let last = process.hrtime.bigint();
  let maxGap = 0n;
  const tick = setInterval(() => {
    const now = process.hrtime.bigint();
    if (now - last > maxGap) maxGap = now - last;
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 20));
  maxGap = 0n;
  resetPeakRss();
  const t0 = process.hrtime.bigint();
  last = t0;
  const file = await fn();
  const total = process.hrtime.bigint() - t0;
  const end = process.hrtime.bigint();
  if (end - last > maxGap) maxGap = end - last;
  clearInterval(tick);
  return { file, totalMs: Number(total) / 1e6, pauseMs: Number(maxGap) / 1e6, peakRssMb: peakRssMb() };
}

// Linux: writing 5 to clear_refs resets VmHWM, so each method's peak RSS is its own.
function resetPeakRss() {
  try { fs.writeFileSync('/proc/self/clear_refs', '5'); } catch {}
}
function peakRssMb() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return Number(m[1]) / 1024;
  } catch {
    return process.resourceUsage().maxRSS / 1024;
  }
}

const METHODS = {
  'rsheapdump gzip': (f) => rsheapdump.writeSnapshot(f + '.heapsnapshot.gz', { gzip: true }),
  'rsheapdump': (f) => rsheapdump.writeSnapshot(f + '.heapsnapshot'),
  // Run with RSHEAPDUMP_NO_WARMUP=1 in the environment (the orchestrator does).
  'rsheapdump no warm-up': (f) => rsheapdump.writeSnapshot(f + '.heapsnapshot'),
  'v8.writeHeapSnapshot': async (f) => v8.writeHeapSnapshot(f + '.heapsnapshot'),
  // The path writeSnapshot took before V8's own writer (the inspector's chunk stream from the
  // capture worker into a native sink), kept as an internal job for this comparison (--old).
  'old inspector path gzip': (f) => inspectorPath(f + '.heapsnapshot.gz', 1),
  'old inspector path': (f) => inspectorPath(f + '.heapsnapshot', undefined),
  'v8.writeHeapSnapshot + gzipSync': async (f) => {
    const plain = v8.writeHeapSnapshot(f + '.heapsnapshot');
    fs.writeFileSync(plain + '.gz', zlib.gzipSync(fs.readFileSync(plain), { level: 1 }));
    fs.unlinkSync(plain);
    return plain + '.gz';
  },
};

async function inspectorPath(file, level) {
  const sink = require('../lib/sink').Sink.open(file, level);
  return (await sink.guard(() => require('../lib/client').request('snapshotStream', { sinkId: sink.id, options: {} }))).path;
}

// The line-end warm-up alone, run on the main thread's own session: its cost is main-thread time
// whichever session asks. Also a workload's speed before and after it (no lasting slowdown).
async function warmupAlone() {
  const inspector = require('node:inspector');
  const s = new inspector.Session();
  s.connect();
  const post = (m) => new Promise((res, rej) => s.post(m, (e, r) => (e ? rej(e) : res(r))));
  const before = workload();
  const t0 = process.hrtime.bigint();
  await post('Debugger.enable');
  await post('Debugger.disable');
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const after = workload();
  s.disconnect();
  console.log(JSON.stringify({ node: process.version, heap, method: 'line-end warm-up alone', warmupMs: ms, workloadBeforeMs: before, workloadAfterMs: after }));
}
function workload() {
  const t0 = process.hrtime.bigint();
  let acc = 0;
  for (let r = 0; r < 5; r++) {
    for (let i = 0; i < 20000; i++) acc += JSON.stringify({ i, s: 'x' + i, a: [i, i * 2] }).length;
    const ts = held.createSourceFile ? held.createSourceFile('x.ts', 'const a: number = 1; function f(x: string) { return x + a }', 99) : null;
    acc += ts ? 1 : 0;
  }
  globalThis.__acc = acc;
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

(async () => {
  if (methodList === 'warmup') return warmupAlone();
  const methods = methodList.split(',');
  const heapUsedMb = process.memoryUsage().heapUsed / 1e6;
  for (let r = 0; r < rounds; r++) {
    // The order rotates from round to round: the first snapshot of a process is slower than the
    // ones after it, and no method should always follow the same one.
    const k = r % methods.length;
    for (const m of [...methods.slice(k), ...methods.slice(0, k)]) {
      const base = path.join(outDir, `${heap}-${r}-${m.replace(/\W+/g, '_')}`);
      const res = await measure(() => METHODS[m](base));
      const bytes = fs.statSync(res.file).size;
      fs.unlinkSync(res.file);
      console.log(JSON.stringify({ node: process.version, heap, heapUsedMb, round: r, method: m, ...res, bytes }));
    }
  }
})();
