'use strict';
// Capture benchmark: main-thread pause, total time, file size and peak RSS of rsheapdump's
// writeSnapshot (gzip and plain) against v8.writeHeapSnapshot (and it followed by gzipSync).
//
//   node bench/capture.js [--node path/to/node] [--heaps 50,250,ts] [--rounds 3] [--old] [--methods 'rsheapdump gzip,rsheapdump']
//
// 50/250: one process per heap, methods alternating, median of the rounds.
// ts: a process that loaded `typescript`; a fresh process per method and round, since line-end
// tables, once built, stay and would speed up the methods that follow.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const { values } = parseArgs({ options: { node: { type: 'string' }, heaps: { type: 'string', default: '50,250,ts' }, rounds: { type: 'string', default: '3' }, old: { type: 'boolean' }, methods: { type: 'string' } } });
const node = values.node ?? process.execPath;
const rounds = Number(values.rounds);
const child = path.join(__dirname, 'capture-child.js');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-bench-'));

// --old adds the inspector path writeSnapshot took before (for the comparison in README).
const ALL = ['rsheapdump gzip', 'rsheapdump', 'v8.writeHeapSnapshot', 'v8.writeHeapSnapshot + gzipSync', ...(values.old ? ['old inspector path gzip', 'old inspector path'] : [])];
// --methods picks some (the baseline, v8.writeHeapSnapshot, is always run).
const MAIN = values.methods ? [...new Set([...values.methods.split(','), 'v8.writeHeapSnapshot'])] : ALL;

function run(heap, methods, r, env = {}) {
  const res = spawnSync(node, ['--max-old-space-size=8192', child, heap, methods.join(','), String(r), out], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (res.status !== 0) throw new Error(`bench child failed (${heap}): ${res.stderr}`);
  return res.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const rows = [];
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
for (const heap of values.heaps.split(',')) {
  let results = [];
  if (heap === 'ts') {
    for (let r = 0; r < rounds; r++) {
      for (const m of [...MAIN, 'rsheapdump no warm-up']) {
        results.push(...run(heap, [m === 'rsheapdump no warm-up' ? 'rsheapdump' : m], 1, m === 'rsheapdump no warm-up' ? { RSHEAPDUMP_NO_WARMUP: '1' } : {}).map((x) => ({ ...x, method: m, round: r })));
      }
    }
    const w = [];
    for (let r = 0; r < rounds; r++) w.push(...spawnSync(node, [child, 'ts', 'warmup', '1', out], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => JSON.parse(l)));
    rows.push({ heap, method: 'line-end warm-up alone', warmupMs: median(w.map((x) => x.warmupMs)), workloadBeforeMs: median(w.map((x) => x.workloadBeforeMs)), workloadAfterMs: median(w.map((x) => x.workloadAfterMs)) });
  } else {
    results = run(heap, MAIN, rounds);
  }
  const base = results.filter((x) => x.method === 'v8.writeHeapSnapshot');
  const basePause = median(base.map((x) => x.pauseMs));
  const baseTotal = median(base.map((x) => x.totalMs));
  const baseBytes = median(base.map((x) => x.bytes));
  for (const m of [...new Set(results.map((x) => x.method))]) {
    const xs = results.filter((x) => x.method === m);
    const pause = median(xs.map((x) => x.pauseMs));
    const total = median(xs.map((x) => x.totalMs));
    const bytes = median(xs.map((x) => x.bytes));
    // Each round's pause ÷ the same round's v8.writeHeapSnapshot: the spread says what a median
    // of this many rounds can resolve on this machine.
    const ratios = xs.map((x) => { const b = base.find((y) => y.round === x.round); return b ? x.pauseMs / b.pauseMs : NaN; }).filter((x) => !Number.isNaN(x));
    rows.push({ heap, heapUsedMb: xs[0].heapUsedMb, method: m, n: xs.length, pauseMs: pause, pauseRatio: pause / basePause, roundRatio: ratios.length ? median(ratios) : NaN, roundRatioMin: Math.min(...ratios), roundRatioMax: Math.max(...ratios), totalMs: total, totalRatio: total / baseTotal, mb: bytes / 1e6, sizeRatio: bytes / baseBytes, peakRssMb: median(xs.map((x) => x.peakRssMb)), peakRssRatio: median(xs.map((x) => x.peakRssMb)) / median(base.map((x) => x.peakRssMb)) });
  }
}
fs.rmSync(out, { recursive: true, force: true });

console.log(`\n${version}, ${os.cpus().length} cores; medians of ${rounds}; ratios against v8.writeHeapSnapshot in the same run\n`);
console.log('| heap | method | pause ms | pause × | per round × (range) | total ms | total × | file MB | size × | peak RSS MB | RSS × |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  if (r.warmupMs !== undefined) continue;
  const heapName = r.heap === 'ts' ? `typescript (${r.heapUsedMb.toFixed(0)} MB)` : `${r.heapUsedMb.toFixed(0)} MB`;
  const spread = Number.isNaN(r.roundRatio) ? '-' : `${r.roundRatio.toFixed(2)} (${r.roundRatioMin.toFixed(2)}–${r.roundRatioMax.toFixed(2)})`;
  console.log(`| ${heapName} | ${r.method} | ${r.pauseMs.toFixed(0)} | ${r.pauseRatio.toFixed(2)} | ${spread} | ${r.totalMs.toFixed(0)} | ${r.totalRatio.toFixed(2)} | ${r.mb.toFixed(1)} | ${r.sizeRatio.toFixed(3)} | ${r.peakRssMb.toFixed(0)} | ${r.peakRssRatio.toFixed(3)} |`);
}
for (const r of rows.filter((x) => x.warmupMs !== undefined)) {
  console.log(`\nline-end warm-up alone (typescript loaded): ${r.warmupMs.toFixed(0)} ms; a workload before ${r.workloadBeforeMs.toFixed(0)} ms, after ${r.workloadAfterMs.toFixed(0)} ms (× ${(r.workloadAfterMs / r.workloadBeforeMs).toFixed(2)})`);
}
fs.writeFileSync(path.join(__dirname, `results-capture-${version}.json`), JSON.stringify(rows, null, 2));
