'use strict';
// Leak-finding benchmark: `rsheapdump leaks` against memlab's `find-leaks --trace-all-objects`
// on the same three snapshots (bench/leaks-gen.js: one real Node process, a Map of
// SessionRecords that only grows, listener closures, garbage), in the same run, each as its own
// process under `/usr/bin/time -v` for wall time and peak RSS; ratios are memlab ÷ rsheapdump.
// Both must report the planted leak: the SessionRecords made between baseline and target.
//
//   node bench/leaks.js [--mb 150] [--dir /tmp/rsheapdump-leaks-bench] [--runs 1] [--json out.json]
//
// memlab is the `memlab` CLI package, looked up in MEMLAB_MODULES (default: node_modules);
// install it outside the project with
//   PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-save memlab
// Snapshots are kept in --dir between runs.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const { generate } = require('./leaks-gen');

const root = path.join(__dirname, '..');
const { values } = parseArgs({
  options: { mb: { type: 'string', default: '150' }, dir: { type: 'string' }, runs: { type: 'string', default: '1' }, json: { type: 'string' } },
});
const mb = Number(values.mb);
const dir = values.dir || path.join(os.tmpdir(), `rsheapdump-leaks-bench-${mb}`);
const memlabBin = path.join(process.env.MEMLAB_MODULES || path.join(root, 'node_modules'), '.bin', 'memlab');

/** Runs a command under /usr/bin/time -v; returns wall seconds, peak RSS in MiB, stdout, status. */
function timed(args) {
  const r = spawnSync('/usr/bin/time', ['-v', ...args], { encoding: 'utf8', maxBuffer: 1 << 30, cwd: dir });
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const seconds = wall ? Number(wall[1] || 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  return { seconds, rssMiB: rss ? Number(rss[1]) / 1024 : NaN, ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}

let info;
const files = ['baseline', 'target', 'final'].map((n) => path.join(dir, `${n}.heapsnapshot`));
const infoFile = path.join(dir, 'leak.json');
if (files.every((f) => fs.existsSync(f)) && fs.existsSync(infoFile)) {
  info = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
} else {
  process.stderr.write(`generating 3 snapshots of ~${mb} MB in ${dir}...\n`);
  info = generate(dir, mb);
  fs.writeFileSync(infoFile, JSON.stringify(info));
}
const sizes = files.map((f) => fs.statSync(f).size / 1e6);

const contenders = [
  {
    name: 'rsheapdump leaks',
    args: () => [process.execPath, path.join(root, 'bin', 'rsheapdump.js'), 'leaks', ...files, '--json', '--top', '5'],
    // The planted leak: the top cluster is the SessionRecords, every one of them.
    found: (out) => {
      const top = JSON.parse(out).clusters[0];
      return top && top.className === 'SessionRecord' ? top.count : 0;
    },
  },
  {
    name: 'memlab find-leaks --trace-all-objects',
    available: () => fs.existsSync(memlabBin),
    args: () => [memlabBin, 'find-leaks', '--baseline', files[0], '--target', files[1], '--final', files[2], '--trace-all-objects'],
    // memlab prints a table of leaked objects by name with counts.
    found: (out) => {
      const m = /'SessionRecord'\s*│\s*'object'\s*│\s*(\d+)/.exec(out);
      return m ? Number(m[1]) : 0;
    },
  },
];

const results = [];
for (let run = 0; run < Number(values.runs); run++) {
  // Alternate the order between runs so neither always gets the warm page cache.
  const order = run % 2 === 0 ? contenders : contenders.slice().reverse();
  for (const c of order) {
    if (c.available && !c.available()) {
      if (run === 0) process.stderr.write(`${c.name}: not installed (${memlabBin}), skipped\n`);
      continue;
    }
    const t = timed(c.args());
    const found = t.ok ? c.found(t.stdout) : 0;
    results.push({ name: c.name, run, seconds: t.seconds, rssMiB: t.rssMiB, ok: t.ok, sessionRecordsFound: found, error: t.ok ? '' : t.stderr.split('\n').slice(-5).join(' ') });
    process.stderr.write(`${c.name}: ${t.seconds.toFixed(2)} s, ${t.rssMiB.toFixed(0)} MiB peak RSS, SessionRecord leaks found ${found}${t.ok ? '' : ' (FAILED)'}\n`);
  }
}

const best = (name, key) => Math.min(...results.filter((r) => r.name === name && r.ok).map((r) => r[key]));
const ours = { seconds: best(contenders[0].name, 'seconds'), rssMiB: best(contenders[0].name, 'rssMiB') };
const theirs = { seconds: best(contenders[1].name, 'seconds'), rssMiB: best(contenders[1].name, 'rssMiB') };
const summary = {
  node: process.version,
  cpus: os.cpus().length,
  snapshotsMB: sizes.map((s) => Number(s.toFixed(1))),
  planted: info,
  rsheapdump: ours,
  memlab: Number.isFinite(theirs.seconds) ? theirs : null,
  ratios: Number.isFinite(theirs.seconds) ? { time: Number((theirs.seconds / ours.seconds).toFixed(1)), rss: Number((theirs.rssMiB / ours.rssMiB).toFixed(1)) } : null,
  runs: results,
};
process.stdout.write(
  `\n3 snapshots of ${summary.snapshotsMB.join(' / ')} MB, Node ${process.version}, ${summary.cpus} CPUs; planted ${info.leakedPerPhase} SessionRecords per phase\n` +
    `| tool | time (s) | peak RSS (MiB) |\n|---|---:|---:|\n` +
    `| rsheapdump leaks | ${ours.seconds.toFixed(2)} | ${ours.rssMiB.toFixed(0)} |\n` +
    (summary.memlab ? `| memlab find-leaks --trace-all-objects | ${theirs.seconds.toFixed(2)} | ${theirs.rssMiB.toFixed(0)} |\n` : '') +
    (summary.ratios ? `memlab ÷ rsheapdump: time ${summary.ratios.time}×, peak RSS ${summary.ratios.rss}×\n` : ''),
);
if (values.json) fs.writeFileSync(values.json, JSON.stringify(summary, null, 2) + '\n');
