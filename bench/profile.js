'use strict';
// CPU profile overhead: the time of one CPU-bound workload without profiling, with rsheapdump's
// CPU profile at 1000 µs and 100 µs, and with `node --cpu-prof` (default 1000 µs, and
// --cpu-prof-interval 100) on the same workload. Each run is a fresh process; one run of each
// kind per round, the order rotating from round to round; ratios are against the unprofiled
// runs of the same invocation (median of the per-round ratios, and of the times).
//
//   node bench/profile.js [--rounds 7] [--node path/to/node] [--json out.json]
//
// The workload time excludes start-up, the profile start and its stop/write; the stop+write
// time of rsheapdump's profile is reported separately (it runs in the capture worker). CPU time
// is the process's (all threads, so the profiler's sampling thread counts) over the workload: on a
// busy machine it is steadier than wall time.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

// --- the child: run the workload, print one JSON line ------------------------------------------

function workload() {
  // A mix of what servers spend CPU on: objects, JSON, strings and regexps, maps, sorting, closures.
  let checksum = 0;
  for (let round = 0; round < 60; round++) {
    const items = [];
    for (let i = 0; i < 4000; i++) items.push({ id: i, name: `item-${i}-${round}`, tags: ['a', 'b', String(i % 7)], price: (i * 37) % 1000 });
    const json = JSON.stringify(items);
    const back = JSON.parse(json);
    const byTag = new Map();
    for (const it of back) for (const t of it.tags) byTag.set(t, (byTag.get(t) ?? 0) + it.price);
    back.sort((a, b) => a.price - b.price || a.id - b.id);
    const words = json.match(/item-\d+/g);
    checksum += words.length + byTag.size + back[0].id + back.map((x) => x.name.length).reduce((a, b) => a + b, 0);
  }
  return checksum;
}

async function child(kind) {
  const intervals = { 'rsheapdump 1000us': 1000, 'rsheapdump 100us': 100 };
  let rsheapdump = null;
  if (kind === 'rsheapdump loaded, no profile') require('..');
  if (kind in intervals) {
    rsheapdump = require('..');
    await rsheapdump.startCpuProfile({ samplingIntervalUs: intervals[kind] });
  }
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const checksum = workload();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000; // all threads: includes the profiler's own
  let stopMs = null;
  let samples = null;
  if (rsheapdump) {
    const t1 = process.hrtime.bigint();
    const file = await rsheapdump.stopCpuProfile({ filename: path.join(process.env.BENCH_OUT, `${kind.replace(/\W/g, '_')}-${process.pid}.cpuprofile`) });
    stopMs = Number(process.hrtime.bigint() - t1) / 1e6;
    samples = JSON.parse(fs.readFileSync(file, 'utf8')).samples.length;
  }
  process.stdout.write(`${JSON.stringify({ kind, ms, cpuMs, stopMs, samples, checksum })}\n`);
}

// --- the parent: rounds of fresh processes -------------------------------------------------------

const KINDS = [
  { kind: 'unprofiled', args: [] },
  { kind: 'rsheapdump loaded, no profile', args: [] },
  { kind: 'rsheapdump 1000us', args: [] },
  { kind: 'node --cpu-prof', args: ['--cpu-prof'] },
  { kind: 'rsheapdump 100us', args: [] },
  { kind: 'node --cpu-prof --cpu-prof-interval 100', args: ['--cpu-prof', '--cpu-prof-interval', '100'] },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function parent() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, node: { type: 'string' }, json: { type: 'string' } } });
  const node = values.node ?? process.execPath;
  const rounds = Number(values.rounds);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-bench-profile-'));
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const runs = [];
  for (let r = 0; r < rounds; r++) {
    // Rotate the order so no kind always runs first (or right after a given other kind).
    const order = KINDS.map((_, i) => KINDS[(i + r) % KINDS.length]);
    const round = {};
    for (const { kind, args } of order) {
      const flags = args.length ? [...args, `--cpu-prof-dir=${out}`] : [];
      const res = spawnSync(node, [...flags, __filename, '--child', kind], {
        cwd: out,
        env: { ...process.env, BENCH_OUT: out, NODE_HEAPDUMP_OPTIONS: 'nosignal' },
        encoding: 'utf8',
      });
      if (res.status !== 0) throw new Error(`${kind}: exit ${res.status}\n${res.stderr}`);
      round[kind] = JSON.parse(res.stdout.trim().split('\n').pop());
    }
    runs.push(round);
    process.stderr.write(`round ${r + 1}/${rounds}: ${KINDS.map(({ kind }) => `${kind} ${round[kind].ms.toFixed(0)} ms`).join(', ')}\n`);
  }
  fs.rmSync(out, { recursive: true, force: true });

  const rows = KINDS.map(({ kind }) => {
    const ms = median(runs.map((x) => x[kind].ms));
    const ratios = runs.map((x) => x[kind].ms / x.unprofiled.ms);
    const cpuRatio = median(runs.map((x) => x[kind].cpuMs / x.unprofiled.cpuMs));
    const ratio = median(ratios);
    const lo = Math.min(...ratios);
    const hi = Math.max(...ratios);
    const stop = runs[0][kind].stopMs === null ? null : median(runs.map((x) => x[kind].stopMs));
    const samples = runs[0][kind].samples === null ? null : median(runs.map((x) => x[kind].samples));
    return { kind, ms, ratio, lo, hi, cpuRatio, stopMs: stop, samples };
  });
  const cpus = os.cpus();
  console.log(`CPU profile overhead, ${version}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${rounds} rounds (median)\n`);
  console.log('| run | workload ms | ÷ unprofiled (median) | per-round range | CPU time ÷ unprofiled | stop + write ms | samples |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const x of rows) {
    console.log(`| ${x.kind} | ${x.ms.toFixed(0)} | ${x.ratio.toFixed(3)} | ${x.lo.toFixed(2)}–${x.hi.toFixed(2)} | ${x.cpuRatio.toFixed(3)} | ${x.stopMs === null ? '' : x.stopMs.toFixed(1)} | ${x.samples ?? ''} |`);
  }
  if (values.json) fs.writeFileSync(values.json, JSON.stringify({ node: version, rounds, rows, runs }, null, 2));
}

if (process.argv[2] === '--child') {
  child(process.argv[3]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  parent();
}
