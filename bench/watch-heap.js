'use strict';
// The heap watch's cost: requests per second of an Express app under load, without the watch
// (baseline) and with watchHeap() at each sampling interval asked for, in the same run. Each
// round runs every configuration once, in an order that rotates from round to round, each in a
// fresh server process, with the load generated from this process over keep-alive connections.
// Reported: per configuration the median of (its throughput ÷ the same round's baseline), and
// the same for the server's CPU time per request (user + system of the whole process, so the
// capture worker's thread counts too). On a shared, loaded machine throughput swings with the
// other processes' load; CPU time per request is what throughput at saturation is the inverse
// of, and varies far less.
//
//   node bench/watch-heap.js [--rounds 9] [--seconds 4] [--connections 16] [--intervals 1048576,524288,32768]
//
// --inproc: the route's own work (the same objects and JSON, no sockets) in one process, in
// alternating phases of --phase-ms with and without the watch (--pairs of them, the order flipped
// every pair), each phase's work per CPU second; the median of the on ÷ off ratios. Sockets and
// the HTTP parser allocate little, so this is an upper bound on the relative cost, and far less
// exposed to other processes' load than a throughput run.
//
//   node bench/watch-heap.js --inproc [--pairs 40] [--phase-ms 500] [--intervals 1048576,524288,32768]

const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.join(__dirname, '..');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : process.argv[i + 1];
}

// ---- the server (child) ---------------------------------------------------------------------

async function server(interval) {
  const express = require(require.resolve('express', { paths: [ROOT] }));
  if (interval > 0) await require(ROOT).watchHeap({ samplingIntervalBytes: interval });
  const app = express();
  let served = 0;
  app.get('/__stats', (req, res) => res.json({ cpu: process.cpuUsage(), served }));
  const users = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `user${i}`, email: `user${i}@example.com`, roles: ['reader', i % 10 ? 'writer' : 'admin'] }));
  // A typical JSON API: route params, a little work, a fresh response object per request.
  app.get('/api/users/:id', (req, res) => {
    served++;
    const id = Number(req.params.id) % users.length;
    const u = users[id];
    const friends = users.slice(id, id + 20).map((f) => ({ id: f.id, name: f.name }));
    res.json({ ...u, friends, at: new Date().toISOString() });
  });
  const s = app.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${s.address().port}\n`));
}

// ---- in-process alternation ---------------------------------------------------------------------

const USERS = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `user${i}`, email: `user${i}@example.com`, roles: ['reader', i % 10 ? 'writer' : 'admin'] }));
let sink = 0;
function routeWork(i) {
  const id = i % USERS.length;
  const u = USERS[id];
  const friends = USERS.slice(id, id + 20).map((f) => ({ id: f.id, name: f.name }));
  sink += JSON.stringify({ ...u, friends, at: new Date().toISOString() }).length;
}

function phase(ms) {
  const c0 = process.cpuUsage();
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) for (let k = 0; k < 100; k++) routeWork(n++);
  const c = process.cpuUsage(c0);
  return n / ((c.user + c.system) / 1e6);
}

async function inproc() {
  const pairs = Number(arg('pairs', 40));
  const phaseMs = Number(arg('phase-ms', 500));
  const intervals = arg('intervals', '1048576,524288,32768').split(',').map(Number);
  const rsheapdump = require(ROOT);
  console.log(`node ${process.version}, in process: ${pairs} pairs of ${phaseMs} ms phases per interval, the route's work per CPU second with ÷ without the watch`);
  phase(1000); // warm-up: optimized code before anything is measured
  console.log('\n| samplingIntervalBytes | ÷ without the watch (median of pairs) | quartiles |');
  console.log('|---:|---:|---:|');
  for (const interval of intervals) {
    const ratios = [];
    for (let p = 0; p < pairs; p++) {
      let on;
      let off;
      const measureOn = async () => {
        const w = await rsheapdump.watchHeap({ samplingIntervalBytes: interval });
        on = phase(phaseMs);
        await w.stop();
      };
      if (p % 2) {
        await measureOn();
        off = phase(phaseMs);
      } else {
        off = phase(phaseMs);
        await measureOn();
      }
      ratios.push(on / off);
    }
    const s = [...ratios].sort((a, b) => a - b);
    const q = (f) => s[Math.floor(f * (s.length - 1))];
    console.log(`| ${interval} | ${median(ratios).toFixed(3)} | ${q(0.25).toFixed(3)}–${q(0.75).toFixed(3)} |`);
  }
  if (sink < 0) console.log(sink);
}

// ---- the driver -------------------------------------------------------------------------------

function startServer(interval) {
  const child = spawn(process.execPath, [__filename, '--server', String(interval)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** Keeps `connections` requests in flight for `ms`; resolves to completed requests per second. */
function load(port, connections, ms) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let done = 0;
  let i = 0;
  const end = Date.now() + ms;
  const one = () =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: `/api/users/${i++}`, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            done++;
            resolve();
          });
        })
        .on('error', reject);
    });
  const worker = async () => {
    while (Date.now() < end) await one();
  };
  const t0 = Date.now();
  return Promise.all(Array.from({ length: connections }, worker)).then(() => {
    agent.destroy();
    return done / ((Date.now() - t0) / 1000);
  });
}

function stats(port) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/__stats' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main() {
  const rounds = Number(arg('rounds', 9));
  const seconds = Number(arg('seconds', 4));
  const connections = Number(arg('connections', 16));
  const intervals = arg('intervals', '1048576,524288,32768').split(',').map(Number);
  const configs = [0, ...intervals];
  const rps = new Map(configs.map((c) => [c, []]));
  const cpus = new Map(configs.map((c) => [c, []]));
  const ratios = new Map(intervals.map((c) => [c, []]));
  const cpuRatios = new Map(intervals.map((c) => [c, []]));
  console.log(`node ${process.version}, ${rounds} rounds × ${configs.length} configurations, ${seconds} s each after 1 s of warm-up, ${connections} connections`);
  for (let r = 0; r < rounds; r++) {
    // Rotate the order so that no configuration always runs first (or right after another).
    const order = configs.map((_, k) => configs[(k + r) % configs.length]);
    const got = new Map();
    const cpu = new Map();
    for (const c of order) {
      const { child, port } = await startServer(c);
      try {
        await load(port, connections, 1000);
        const before = await stats(port);
        got.set(c, await load(port, connections, seconds * 1000));
        const after = await stats(port);
        const us = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
        cpu.set(c, us / (after.served - before.served));
      } finally {
        child.kill();
      }
    }
    for (const c of configs) {
      rps.get(c).push(got.get(c));
      cpus.get(c).push(cpu.get(c));
    }
    for (const c of intervals) {
      ratios.get(c).push(got.get(c) / got.get(0));
      cpuRatios.get(c).push(cpu.get(c) / cpu.get(0));
    }
    console.log(`round ${r + 1}: ` + configs.map((c) => `${c === 0 ? 'baseline' : `${c} B`} ${got.get(c).toFixed(0)}/s ${cpu.get(c).toFixed(0)} µs/req`).join(', '));
  }
  const range = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  console.log('\n| configuration | CPU µs per request (median) | ÷ baseline, same round (median) | range | requests/s (median) | ÷ baseline (median) | range |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(`| no watch (baseline) | ${median(cpus.get(0)).toFixed(0)} | 1 | | ${median(rps.get(0)).toFixed(0)} | 1 | |`);
  for (const c of intervals) {
    const xs = ratios.get(c);
    const ys = cpuRatios.get(c);
    console.log(`| watchHeap, samplingIntervalBytes ${c} | ${median(cpus.get(c)).toFixed(0)} | ${median(ys).toFixed(3)} | ${range(ys)} | ${median(rps.get(c)).toFixed(0)} | ${median(xs).toFixed(3)} | ${range(xs)} |`);
  }
}

if (process.argv[2] === '--server') server(Number(process.argv[3]));
else
  (process.argv.includes('--inproc') ? inproc() : main()).catch((err) => {
    console.error(err);
    process.exit(1);
  });
