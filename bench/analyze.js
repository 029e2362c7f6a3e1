'use strict';
// Analyzer benchmark: `rsheapdump summary` against Chrome DevTools' heap snapshot worker (run
// headless, bench/analyze-devtools.js) and memlab (bench/analyze-memlab.js) on the same
// generated files, in the same run, each as its own process under `/usr/bin/time -v` for wall
// time and peak RSS.
//
//   node bench/analyze.js [--sizes 20,150,515,560] [--dir /tmp/rsheapdump-bench] [--skip devtools,memlab]
//
// Files come from bench/gen-snapshot.js (deterministic) and are kept in --dir between runs.
// memlab is looked up in MEMLAB_MODULES (default: node_modules); it is skipped if missing.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const root = path.join(__dirname, '..');
const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '20,150,515,560' }, dir: { type: 'string' }, skip: { type: 'string', default: '' }, json: { type: 'string' } },
});
const dir = values.dir || path.join(os.tmpdir(), 'rsheapdump-bench');
const skip = new Set(values.skip.split(',').filter(Boolean));
const memlabModules = process.env.MEMLAB_MODULES || path.join(root, 'node_modules');
if (!fs.existsSync(path.join(memlabModules, '@memlab', 'core'))) skip.add('memlab');
fs.mkdirSync(dir, { recursive: true });

/** Runs a command under /usr/bin/time -v; returns wall seconds, peak RSS in MiB and status. */
function timed(args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-v', ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const seconds = wall ? Number(wall[1] || 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  const ok = r.status === 0;
  const phases = r.stderr.split('\n').filter((l) => l.startsWith('rsheapdump: ')).map((l) => l.slice(12).trim());
  return { seconds, rssMiB: rss ? Number(rss[1]) / 1024 : NaN, ok, phases, error: ok ? '' : (r.stderr.split('\n').find((l) => /Error|error/.test(l)) || `exit ${r.status}`).trim() };
}

const contenders = [
  { name: 'rsheapdump summary', args: (f) => [process.execPath, path.join(root, 'bin', 'rsheapdump.js'), 'summary', f, '--json'], env: { RSHEAPDUMP_TRACE: '1' } },
  { name: 'DevTools worker (headless)', key: 'devtools', args: (f) => [process.execPath, '--max-old-space-size=16384', path.join(__dirname, 'analyze-devtools.js'), f] },
  { name: '@memlab/core', key: 'memlab', args: (f) => [process.execPath, '--max-old-space-size=16384', path.join(__dirname, 'analyze-memlab.js'), f], env: { MEMLAB_MODULES: memlabModules } },
];

const results = [];
for (const mb of values.sizes.split(',').map(Number)) {
  const file = path.join(dir, `gen-${mb}.heapsnapshot`);
  if (!fs.existsSync(file)) {
    const g = spawnSync(process.execPath, ['--max-old-space-size=16384', path.join(__dirname, 'gen-snapshot.js'), file, String(mb)], { stdio: 'inherit' });
    if (g.status !== 0) throw new Error(`generating ${file} failed`);
  }
  const size = fs.statSync(file).size;
  const row = { file, sizeMB: size / 1e6, runs: [] };
  for (const c of contenders) {
    if (c.key && skip.has(c.key)) continue;
    const r = timed(c.args(file), c.env);
    row.runs.push({ name: c.name, ...r });
    process.stderr.write(`${path.basename(file)} ${c.name}: ${r.ok ? `${r.seconds.toFixed(2)} s, ${r.rssMiB.toFixed(0)} MiB` : `failed (${r.error})`}\n`);
    if (r.phases.length) process.stderr.write(`  steps: ${r.phases.map((p) => p.replace(/\s+/g, ' ')).join(', ')}\n`);
  }
  results.push(row);
}

const lines = ['| file | tool | time | peak RSS | time ÷ rsheapdump | RSS ÷ rsheapdump |', '|---|---|---:|---:|---:|---:|'];
for (const row of results) {
  const base = row.runs[0];
  for (const r of row.runs) {
    const t = r.ok ? `${r.seconds.toFixed(2)} s` : `failed: ${r.error}`;
    const m = r.ok ? `${r.rssMiB.toFixed(0)} MiB` : '';
    const rt = r.ok && base.ok ? `${(r.seconds / base.seconds).toFixed(1)}×` : '';
    const rm = r.ok && base.ok ? `${(r.rssMiB / base.rssMiB).toFixed(1)}×` : '';
    lines.push(`| ${row.sizeMB.toFixed(0)} MB | ${r.name} | ${t} | ${m} | ${rt} | ${rm} |`);
  }
}
process.stdout.write(lines.join('\n') + '\n');
if (values.json) fs.writeFileSync(values.json, JSON.stringify({ node: process.version, cpus: os.cpus().length, results }, null, 2));
