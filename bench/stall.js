'use strict';
// Stall watch overhead on a healthy loop: an Express app under autocannon load on 127.0.0.1, with
// watchEventLoop() (default options: 100 ms threshold, profiles on) and without it. Each run is a
// fresh server process; one run of each kind per round, the order alternating from round to round;
// ratios are on/off within a round, and the medians of those ratios are reported.
//
//   node bench/stall.js [--rounds 7] [--seconds 10] [--connections 16] [--node path/to/node]
//   node bench/stall.js --soak 600 [--rate 1000]    memory of a watched server over 10 minutes
//
// Measured per run: requests/s and p99 latency (autocannon), the server's CPU time per request
// (utime + stime of all its threads from /proc, so the watchdog thread and the capture worker
// count), the watchdog thread's own CPU time, and the stalls the watch reported (must be none).

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { parseArgs } = require('node:util');

const TICK = 1 / 100; // seconds per clock tick (getconf CLK_TCK: 100 on Linux)

// --- the server (child) --------------------------------------------------------------------------

function server(watch) {
  const express = require('express');
  const rsheapdump = require('..');
  let stalls = 0;
  // Each stall (none expected) is also printed as one line on stderr, so a run says what it was.
  if (watch) rsheapdump.watchEventLoop({ onStall: () => stalls++, stderr: true, dir: fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'rsheapdump-bench-stall-')) });
  const app = express();
  const items = Array.from({ length: 50 }, (_, i) => ({ id: i, name: `item-${i}`, price: (i * 37) % 100 }));
  app.get('/items', (req, res) => res.json(items.filter((it) => it.price > 20).map((it) => ({ ...it, label: it.name.toUpperCase() }))));
  const s = app.listen(0, '127.0.0.1', () => console.log(`PORT ${s.address().port}`));
  process.on('SIGTERM', () => {
    console.log(`STALLS ${stalls}`);
    process.exit(0);
  });
}

// --- measuring -----------------------------------------------------------------------------------

/** utime + stime in seconds of a process (all threads), or a thread's CPU time (ns resolution). */
function cpuSeconds(pid, tid) {
  if (tid) return Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * TICK;
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) / 1024;
}

function threadId(pid, name) {
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      if (fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === name) return tid;
    } catch {
      // the thread ended
    }
  }
  return null;
}

function startServer(node, watch) {
  const child = spawn(node, [__filename, '--server', watch ? 'on' : 'off'], {
    env: { ...process.env, NODE_HEAPDUMP_OPTIONS: 'nosignal' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const port = new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error(`server exited: ${out}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      child.on('exit', () => resolve(Number(/STALLS (\d+)/.exec(out)?.[1] ?? NaN)));
      child.kill('SIGTERM');
    });
  return { child, port, stop };
}

function load(port, opts) {
  const autocannon = require('autocannon');
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}/items`, ...opts }, (err, r) => (err ? reject(err) : resolve(r)));
  });
}

async function run(node, watch, { seconds, connections }) {
  const s = startServer(node, watch);
  const port = await s.port;
  await load(port, { duration: 2, connections }); // warm-up: JIT, connections
  await new Promise((r) => setTimeout(r, 300)); // the watch's worker is up
  const tid = watch ? threadId(s.child.pid, 'rsheapdump-stal') : null; // comm is 15 chars
  const c0 = cpuSeconds(s.child.pid);
  const w0 = tid ? cpuSeconds(s.child.pid, tid) : 0;
  const r = await load(port, { duration: seconds, connections });
  const cpu = cpuSeconds(s.child.pid) - c0;
  const watchdog = tid ? cpuSeconds(s.child.pid, tid) - w0 : 0;
  const stalls = await s.stop();
  return { rps: r.requests.average, p99: r.latency.p99, requests: r.requests.total, cpuPerReqUs: (cpu / r.requests.total) * 1e6, watchdogPct: (watchdog / seconds) * 100, stalls, errors: r.errors + r.non2xx };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function overhead({ node, rounds, seconds, connections }) {
  const rows = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? [true, false] : [false, true];
    const res = {};
    for (const watch of order) res[watch ? 'on' : 'off'] = await run(node, watch, { seconds, connections });
    const ratio = { rps: res.on.rps / res.off.rps, p99: res.on.p99 / res.off.p99, cpu: res.on.cpuPerReqUs / res.off.cpuPerReqUs };
    rows.push({ ...res, ratio });
    console.error(
      `round ${i + 1}: off ${res.off.rps.toFixed(0)} req/s p99 ${res.off.p99} ms ${res.off.cpuPerReqUs.toFixed(1)} µs/req | on ${res.on.rps.toFixed(0)} req/s p99 ${res.on.p99} ms ${res.on.cpuPerReqUs.toFixed(1)} µs/req, watchdog ${res.on.watchdogPct.toFixed(2)}% of a core, ${res.on.stalls} stalls`,
    );
  }
  const m = (f) => median(rows.map(f));
  const summary = {
    node: process.versions.node,
    rounds,
    seconds,
    connections,
    median: {
      off: { rps: m((r) => r.off.rps), p99: m((r) => r.off.p99), cpuPerReqUs: m((r) => r.off.cpuPerReqUs) },
      on: { rps: m((r) => r.on.rps), p99: m((r) => r.on.p99), cpuPerReqUs: m((r) => r.on.cpuPerReqUs), watchdogPct: m((r) => r.on.watchdogPct) },
      ratio: { rps: m((r) => r.ratio.rps), p99: m((r) => r.ratio.p99), cpuPerReq: m((r) => r.ratio.cpu) },
    },
    stallsReported: rows.reduce((a, r) => a + r.on.stalls, 0),
    errors: rows.reduce((a, r) => a + r.on.errors + r.off.errors, 0),
  };
  console.log(JSON.stringify(summary, null, 2));
}

async function soak({ node, seconds, rate, connections }) {
  const s = startServer(node, true);
  const port = await s.port;
  const samples = [];
  const timer = setInterval(() => samples.push([samples.length * 10, rssMb(s.child.pid)]), 10_000);
  samples.push([0, rssMb(s.child.pid)]);
  const r = await load(port, { duration: seconds, connections, overallRate: rate });
  clearInterval(timer);
  samples.push([seconds, rssMb(s.child.pid)]);
  const stalls = await s.stop();
  const rss = samples.map(([, mb]) => mb);
  // The first minute is warm-up (JIT, buffers); flat means the rest does not grow.
  const afterWarmup = samples.filter(([t]) => t >= 60).map(([, mb]) => mb);
  console.log(
    JSON.stringify(
      {
        node: process.versions.node,
        seconds,
        rate,
        requests: r.requests.total,
        stalls,
        rssMb: { start: rss[0], at60s: afterWarmup[0], end: rss.at(-1), max: Math.max(...rss), minAfter60s: Math.min(...afterWarmup), maxAfter60s: Math.max(...afterWarmup) },
        samples,
      },
      null,
      1,
    ),
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      server: { type: 'string' },
      rounds: { type: 'string', default: '7' },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '16' },
      node: { type: 'string', default: process.execPath },
      soak: { type: 'string' },
      rate: { type: 'string', default: '1000' },
    },
  });
  if (values.server) return server(values.server === 'on');
  const node = path.resolve(values.node);
  if (values.soak) return soak({ node, seconds: Number(values.soak), rate: Number(values.rate), connections: Number(values.connections) });
  return overhead({ node, rounds: Number(values.rounds), seconds: Number(values.seconds), connections: Number(values.connections) });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
