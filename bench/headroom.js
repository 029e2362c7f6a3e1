'use strict';
// Calibrates the headroom estimate (lib/headroom.js): for five real workloads, the estimate
// against the peak RSS growth measured while v8.writeHeapSnapshot runs. Each measurement is a
// fresh child process: it builds the workload, collects garbage, resets the kernel's peak-RSS mark
// (`echo 5 > /proc/self/clear_refs`, so an earlier peak of the workload itself does not count),
// writes the snapshot, and reads VmHWM − VmRSS-before from /proc/self/status.
//
//   node bench/headroom.js [--rounds 3] [--only name,...]
//
// The bundler workload needs rollup 3 (pure JavaScript); this script installs it with npm into
// bench/.deps (git-ignored) on first use. Results: docs/headroom.md.

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const DEPS = path.join(__dirname, '.deps');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : process.argv[i + 1];
}

function status() {
  const text = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)[1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

// ---- workloads (child side) -------------------------------------------------------------------

const WORKLOADS = {
  // A service's session store: many small objects in a Map (the case of DESIGN.md §3b).
  'session cache': () => {
    const m = new Map();
    for (let i = 0; i < 300000; i++) {
      m.set(`sess:${i.toString(36)}`, { id: i, user: `user${i % 5000}`, created: 1700000000000 + i, roles: [`r${i % 7}`], data: { hits: i % 100 } });
    }
    return m;
  },
  // Callbacks that each close over their own context.
  'small closures': () => {
    const out = [];
    for (let i = 0; i < 400000; i++) {
      const ctx = { i };
      out.push(() => ctx.i + i);
    }
    return out;
  },
  // The TypeScript compiler type-checking this package's declarations with @types/node.
  'typescript compiler': () => {
    const ts = require(require.resolve('typescript', { paths: [ROOT] }));
    const roots = ['index.d.ts', 'analyze.d.ts', 'binding.d.ts'].map((f) => path.join(ROOT, f));
    roots.push(path.join(path.dirname(require.resolve('typescript', { paths: [ROOT] })), 'typescript.d.ts'));
    const program = ts.createProgram(roots, { strict: true, noEmit: true, types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')] });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    return { program, checker: program.getTypeChecker(), diagnostics };
  },
  // An Express app after serving requests, with an in-memory response cache.
  'express app': async () => {
    const express = require(require.resolve('express', { paths: [ROOT] }));
    const http = require('node:http');
    const app = express();
    const cache = new Map();
    app.use(express.json());
    for (let r = 0; r < 50; r++) {
      app.get(`/api/r${r}/:id`, (req, res) => {
        const key = `${r}:${req.params.id}`;
        if (!cache.has(key)) cache.set(key, { route: r, id: req.params.id, items: Array.from({ length: 10 }, (_, k) => ({ k, v: `${key}-${k}` })) });
        res.json(cache.get(key));
      });
    }
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const get = (p) =>
      new Promise((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
    for (let i = 0; i < 4000; i += 16) await Promise.all(Array.from({ length: 16 }, (_, j) => get(`/api/r${(i + j) % 50}/${i + j}`)));
    return { app, server, cache, agent };
  },
  // rollup bundling 400 generated ES modules, the bundle and its output kept alive.
  'rollup bundler': async () => {
    const { rollup } = require(path.join(DEPS, 'node_modules/rollup'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-rollup-'));
    try {
      const n = 400;
      for (let i = 0; i < n; i++) {
        const imports = i + 1 < n ? `import { f${i + 1}, T${i + 1} } from './m${i + 1}.js';\n` : '';
        const body = Array.from({ length: 20 }, (_, k) => `export function g${i}_${k}(a, b) { const o = { a, b, k: ${k}, s: 'm${i}-${k}' }; return Object.keys(o).map((x) => x + o[x]).join(','); }`).join('\n');
        const next = i + 1 < n ? `f${i + 1}(x) + new T${i + 1}().v` : 'x';
        fs.writeFileSync(path.join(dir, `m${i}.js`), `${imports}${body}\nexport class T${i} { constructor() { this.v = ${i}; } }\nexport function f${i}(x) { return g${i}_0(x, ${i}) + ${next}; }\n`);
      }
      const bundle = await rollup({ input: path.join(dir, 'm0.js'), treeshake: true });
      const output = await bundle.generate({ format: 'es' });
      return { bundle, output };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function child(name) {
  const v8 = require('node:v8');
  const { estimateSnapshotBytes } = require(path.join(ROOT, 'lib/headroom.js'));
  globalThis.keep = await WORKLOADS[name]();
  // As rsheapdump does before every snapshot on Node 20 (lib/worker/snapshot.js): without the
  // scripts' line-end tables V8 12- scans typescript.js once per function (minutes here).
  const session = new (require('node:inspector').Session)();
  session.connect();
  session.post('Debugger.enable');
  session.post('Debugger.disable');
  globalThis.gc();
  globalThis.gc();
  const spaces = v8.getHeapSpaceStatistics();
  const estimate = estimateSnapshotBytes(spaces);
  const heapUsed = spaces.reduce((s, x) => s + x.space_used_size, 0);
  const large = spaces.filter((s) => s.space_name.includes('large_object')).reduce((s, x) => s + x.space_used_size, 0);
  const file = path.join(os.tmpdir(), `rsheapdump-headroom-${process.pid}.heapsnapshot`);
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const before = status();
  const t = process.hrtime.bigint();
  v8.writeHeapSnapshot(file);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const after = status();
  const fileBytes = fs.statSync(file).size;
  fs.rmSync(file);
  process.stdout.write(JSON.stringify({ name, heapUsed, large, rss: before.rss, estimate, growth: after.hwm - before.rss, fileBytes, ms }) + '\n');
  if (globalThis.keep.server) globalThis.keep.server.close();
  if (globalThis.keep.agent) globalThis.keep.agent.destroy();
}

// ---- driver -------------------------------------------------------------------------------------

function ensureRollup() {
  if (fs.existsSync(path.join(DEPS, 'node_modules/rollup/package.json'))) return;
  fs.mkdirSync(DEPS, { recursive: true });
  console.error('installing rollup@3 into bench/.deps (once)...');
  execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', DEPS, 'rollup@3'], { stdio: 'inherit' });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main() {
  const rounds = Number(arg('rounds', 3));
  const only = arg('only', '')
    .split(',')
    .filter(Boolean);
  const names = Object.keys(WORKLOADS).filter((n) => only.length === 0 || only.includes(n));
  if (names.includes('rollup bundler')) ensureRollup();
  const MB = 1024 * 1024;
  const rows = [];
  console.log(`node ${process.version}, ${rounds} rounds, one fresh process each`);
  console.log('| workload | heapUsed | of it large objects | RSS before | estimate | peak growth (max) | estimate ÷ growth (min) | (median) | file |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const name of names) {
    const runs = [];
    for (let r = 0; r < rounds; r++) {
      const res = spawnSync(process.execPath, ['--expose-gc', __filename, '--child', name], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (res.status !== 0) throw new Error(`${name}: child failed (${res.status} ${res.signal}): ${res.stderr}`);
      runs.push(JSON.parse(res.stdout.trim().split('\n').pop()));
    }
    const ratios = runs.map((x) => x.estimate / x.growth);
    const worst = runs.reduce((a, b) => (b.growth > a.growth ? b : a));
    const row = { name, runs, minRatio: Math.min(...ratios), medianRatio: median(ratios) };
    rows.push(row);
    const f = (b) => `${(b / MB).toFixed(1)} MB`;
    console.log(`| ${name} | ${f(worst.heapUsed)} | ${f(worst.large)} | ${f(worst.rss)} | ${f(worst.estimate)} | ${f(worst.growth)} | ${row.minRatio.toFixed(2)} | ${row.medianRatio.toFixed(2)} | ${f(worst.fileBytes)} |`);
  }
  const under = rows.filter((r) => r.minRatio < 0.9);
  console.log(under.length === 0 ? 'never under-estimated by more than 10%' : `UNDER-ESTIMATED: ${under.map((r) => r.name).join(', ')}`);
}

if (process.argv[2] === '--child') {
  child(process.argv[3]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main();
}
