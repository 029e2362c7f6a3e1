'use strict';
// Before and after (issue 18): two real `node --cpu-prof` profiles of one fixed workload, before
// and after an optimization that makes one function 4x cheaper and leaves another unchanged, and
// a `node --heap-prof` pair likewise; compared through diffProfiles, the CLI's `diff` and its
// regression check; and inputs that cannot be compared.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { XMLValidator } = require('fast-xml-parser');
const { ROOT, tmpdir, launchBrowser, foldedShare } = require('./helpers');
const rsheapdump = require('../analyze');

const CLI = path.join(ROOT, 'bin', 'rsheapdump.js');
const dir = tmpdir('rsheapdump-profile-diff-');

// A fixed amount of work (iterations, not time): WORK=4 is "before", WORK=1 "after" the
// optimization of rsheapdumpOptimized; rsheapdumpUnchanged does the same work in both. The
// script prints the CPU time its main thread used (Linux: /proc, in clock ticks of 10 ms).
const CPU_WORKLOAD = `
const WORK = Number(process.env.WORK);
const fs = require('node:fs');
const cpuMs = () => {
  const f = fs.readFileSync('/proc/self/task/' + process.pid + '/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
function rsheapdumpOptimized(n) { let x = 0; for (let i = 0; i < n * WORK; i++) x += Math.sqrt(i + x) % 7; return x; }
function rsheapdumpUnchanged(n) { let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i * 3 + x) % 5; return x; }
let s = 0;
for (let r = 0; r < 12; r++) { s += rsheapdumpOptimized(250000); s += rsheapdumpUnchanged(500000); }
console.log(JSON.stringify({ s, cpuMs: cpuMs() }));
`;

const HEAP_WORKLOAD = `
const WORK = Number(process.env.WORK);
globalThis.rsheapdumpKeep = [];
function rsheapdumpShrunkAllocator(n) { const out = []; for (let i = 0; i < n * WORK; i++) out.push(new Array(32).fill(i)); return out; }
function rsheapdumpSteadyAllocator(n) { const out = []; for (let i = 0; i < n; i++) out.push({ a: i, b: String(i) }); return out; }
for (let r = 0; r < 20; r++) { rsheapdumpKeep.push(rsheapdumpShrunkAllocator(2000)); rsheapdumpKeep.push(rsheapdumpSteadyAllocator(8000)); }
`;

fs.writeFileSync(path.join(dir, 'cpu-work.js'), CPU_WORKLOAD);
const lineOf = (name) => CPU_WORKLOAD.split('\n').findIndex((l) => l.includes(`function ${name}(`)) + 1;
fs.writeFileSync(path.join(dir, 'heap-work.js'), HEAP_WORKLOAD);

/**
 * Records one CPU profile; returns [file, the share of the main thread's CPU time its samples
 * cover]. The profiler counts a sample when its signal reaches the running thread; on a loaded
 * machine its own thread is sometimes starved and fewer samples are taken.
 */
function recordCpu(name, work) {
  const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`, '--cpu-prof-interval=500', 'cpu-work.js'], {
    cwd: dir,
    env: { ...process.env, WORK: String(work) },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const file = path.join(dir, name);
  const p = JSON.parse(fs.readFileSync(file, 'utf8'));
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const busy = p.samples.filter((id) => !idle.has(id)).length;
  return [file, (busy * 0.5) / JSON.parse(r.stdout).cpuMs];
}

// A pair is recorded again (up to 6 times) until both profiles' samples cover at least 80% of
// their main thread's CPU time: a check of the profiler's recording, not of the diff.
let before;
let after;
for (let attempt = 0; attempt < 6; attempt++) {
  const [b, cb] = recordCpu('before.cpuprofile', 4);
  const [a, ca] = recordCpu('after.cpuprofile', 1);
  [before, after] = [b, a];
  if (cb >= 0.8 && ca >= 0.8) break;
}
for (const [name, work] of [['before.heapprofile', 4], ['after.heapprofile', 1]]) {
  const r = spawnSync(process.execPath, ['--heap-prof', `--heap-prof-dir=${dir}`, `--heap-prof-name=${name}`, '--heap-prof-interval=8192', 'heap-work.js'], {
    cwd: dir,
    env: { ...process.env, WORK: String(work) },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
}
const heapBefore = path.join(dir, 'before.heapprofile');
const heapAfter = path.join(dir, 'after.heapprofile');

function cli(args) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
}

const named = (d, name) => d.functions.find((f) => f.name === name);

test("with 'time' the optimized function is the largest drop (about -75%) and the unchanged one about 0", async () => {
  const d = await rsheapdump.diffProfiles(before, after);
  assert.equal(d.kind, 'cpu');
  assert.equal(d.normalize, 'time');
  assert.equal(d.unit, 'us');
  assert.equal(d.functions[0].name, 'rsheapdumpOptimized', JSON.stringify(d.functions.slice(0, 3)));
  const opt = named(d, 'rsheapdumpOptimized');
  assert.ok(opt.selfChange > -88 && opt.selfChange < -60, `optimized: ${opt.selfChange}%`);
  assert.equal(opt.selfDelta, opt.afterSelf - opt.beforeSelf);
  assert.equal(opt.line, lineOf('rsheapdumpOptimized'));
  assert.ok(opt.beforeCount > 3 * opt.afterCount, `${opt.beforeCount} → ${opt.afterCount} samples`);
  const same = named(d, 'rsheapdumpUnchanged');
  assert.ok(Math.abs(same.selfChange) < 25, `unchanged: ${same.selfChange}%`);
  assert.ok(d.totalChange < -30, `total: ${d.totalChange}%`);
  assert.ok(d.beforeSampleCount > d.afterSampleCount);
  // Sorted by the size of the change of self time.
  for (let i = 1; i < d.functions.length; i++) assert.ok(Math.abs(d.functions[i - 1].selfDelta) >= Math.abs(d.functions[i].selfDelta));
  assert.deepEqual(d.regressions, []);
  // The sync twin agrees.
  assert.deepEqual(rsheapdump.diffProfilesSync(before, after), d);
});

test("with 'share' the values are percentages of each profile and add up to 100", () => {
  const d = rsheapdump.diffProfilesSync(before, after, { normalize: 'share' });
  assert.equal(d.normalize, 'share');
  assert.equal(d.unit, 'percent');
  for (const side of ['beforeSelf', 'afterSelf']) {
    const sum = d.functions.reduce((n, f) => n + f[side], 0);
    assert.ok(Math.abs(sum - 100) < 1e-6, `${side} adds up to ${sum}`);
  }
  // After the optimization the unchanged function is a larger share of a smaller whole.
  assert.ok(named(d, 'rsheapdumpUnchanged').selfDelta > 0);
  assert.ok(named(d, 'rsheapdumpOptimized').selfDelta < 0);
});

test('--fail-on-regression 10 exits 0 for the optimization and 1 the other way round, naming what grew', () => {
  let r = cli(['diff', before, after, '--fail-on-regression', '10']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^CPU profiles before\.cpuprofile \u2192 after\.cpuprofile, normalized by time /);
  assert.match(r.stdout, /Total CPU \(idle excluded\): [\d.]+ \u2192 [\d.]+ ms \(\u2212\d+\.\d%\)/);
  assert.match(r.stdout.split('\n')[4], /^\s*[\d.]+\s+[\d.]+\s+\u2212[\d.]+\s+\u2212\d+\.\d%.*rsheapdumpOptimized\s+cpu-work\.js:\d+:\d+$/);
  assert.match(r.stdout, /No regression: nothing grew beyond 10% \(time; functions checked from 1% of the total\)/);

  r = cli(['diff', after, before, '--fail-on-regression', '10']);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /^Regression \(growth above 10% \(time\); functions below 1% of the total, and growth within 3 standard deviations of the sampling noise, are noise\):/);
  assert.match(r.stderr, /total CPU time \(idle excluded\): [\d.]+ ms \u2192 [\d.]+ ms \(\+\d+\.\d%\)/);
  assert.match(r.stderr, /rsheapdumpOptimized file:\/\/.*cpu-work\.js:\d+:\d+: [\d.]+ ms \u2192 [\d.]+ ms \(\+\d+\.\d%\)/);
  assert.doesNotMatch(r.stderr, /rsheapdumpUnchanged/, 'the unchanged function did not grow by 10%');

  r = cli(['diff', before, after, '--normalize', 'share', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.normalize, 'share');
  assert.equal(j.functions.length, rsheapdump.diffProfilesSync(before, after).functions.length, '--json lists all');
  r = cli(['diff', before, after, '--normalize', 'share', '--top', '3']);
  assert.match(r.stdout, /normalized by share \(percent of each profile's samples: for runs of different length\)/);
  assert.match(r.stdout, /\d+\.\d\d%\s+\d+\.\d\d%\s+[+\u2212]\d+\.\d\d%/);
  assert.match(r.stdout, /\u2026 \d+ more \(--top 0 for all\)/);
});

test('heap profiles: the shrunk allocation site is the largest drop, the steady one about 0', () => {
  const d = rsheapdump.diffProfilesSync(heapBefore, heapAfter);
  assert.equal(d.kind, 'heap');
  assert.equal(d.unit, 'bytes');
  assert.equal(d.functions[0].name, 'rsheapdumpShrunkAllocator');
  const shrunk = named(d, 'rsheapdumpShrunkAllocator');
  assert.ok(shrunk.selfChange > -88 && shrunk.selfChange < -60, `shrunk: ${shrunk.selfChange}%`);
  const steady = named(d, 'rsheapdumpSteadyAllocator');
  assert.ok(Math.abs(steady.selfChange) < 25, `steady: ${steady.selfChange}%`);
  // Sites of 1-5% of the bytes hold a few hundred samples: sampling noise of 10% and more, so
  // the check looks at sites from 5% up.
  let r = cli(['diff', heapBefore, heapAfter, '--top', '2', '--fail-on-regression', '10', '--noise-floor', '5']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Heap profiles before\.heapprofile \u2192 after\.heapprofile/);
  assert.match(r.stdout, /Total sampled bytes: [\d,]+ \u2192 [\d,]+ bytes/);
  r = cli(['diff', heapAfter, heapBefore, '--fail-on-regression', '10', '--noise-floor', '5']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /functions below 5% of the total, and growth within/);
  assert.match(r.stderr, /total sampled bytes: [\d,]+ bytes \u2192 [\d,]+ bytes/);
  assert.match(r.stderr, /rsheapdumpShrunkAllocator/);
});

test('inputs that cannot be compared give coded errors', async () => {
  await assert.rejects(rsheapdump.diffProfiles(before, heapAfter), (err) => {
    assert.equal(err.code, 'ERR_RSHEAPDUMP_MISMATCHED_INPUTS');
    assert.match(err.message, /is a CPU profile and .* a heap profile/);
    return true;
  });
  const snap = require('node:v8').writeHeapSnapshot(path.join(dir, 'one.heapsnapshot'));
  await assert.rejects(rsheapdump.diffProfiles(snap, after), { code: 'ERR_RSHEAPDUMP_MISMATCHED_INPUTS', message: /one\.heapsnapshot is a heap snapshot/ });
  assert.throws(() => rsheapdump.diffProfilesSync(snap, snap), { code: 'ERR_RSHEAPDUMP_NOT_A_PROFILE', message: /diffSnapshots/ });
  let r = cli(['diff', after, snap]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\[ERR_RSHEAPDUMP_MISMATCHED_INPUTS\]/);
  // Two snapshots still get DevTools' Comparison.
  r = cli(['diff', snap, snap, '--top', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ids in both/);
  r = cli(['diff', snap, snap, '--normalize', 'share']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--normalize applies to profiles/);

  const truncated = path.join(dir, 'truncated.cpuprofile');
  fs.writeFileSync(truncated, fs.readFileSync(after, 'utf8').slice(0, 500));
  await assert.rejects(rsheapdump.diffProfiles(before, truncated), (err) => err.code === 'ERR_RSHEAPDUMP_PARSE' && typeof err.offset === 'number' && err.path === truncated);
  await assert.rejects(rsheapdump.diffProfiles(before, path.join(dir, 'nope.cpuprofile')), { code: 'ENOENT' });
  r = cli(['diff', before, after, '--fail-on-regression', 'lots']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--fail-on-regression needs a number >= 0/);
  r = cli(['diff', before, after, '--normalize', 'samples']);
  assert.equal(r.status, 2);
  r = cli(['diff', before]);
  assert.equal(r.status, 2);
});

test('diffProfiles reports progress over both files, stops on abort, and checks its arguments', async () => {
  const seen = [];
  await rsheapdump.diffProfiles(before, after, { onProgress: (l, f) => seen.push([l, f]) });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual([...new Set(seen.map(([l]) => l))], ['reading', 'parsing', 'analyzing']);
  const reading = seen.filter(([l]) => l === 'reading').map(([, f]) => f);
  assert.ok(reading.some((f) => f === 0.5) && reading.at(-1) === 1, reading.join());
  assert.deepEqual(reading, [...reading].sort((a, b) => a - b));
  await assert.rejects(rsheapdump.diffProfiles(before, after, { signal: AbortSignal.abort() }), { name: 'AbortError', code: 'ABORT_ERR' });
  // A 20 MB profile is read in 1 MiB steps: an abort from the first progress report lands in it.
  const big = path.join(dir, 'big.cpuprofile');
  const nodes = [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [2] }];
  nodes.push({ id: 2, callFrame: { functionName: 'f', scriptId: '1', url: 'file:///f.js', lineNumber: 1, columnNumber: 0 }, hitCount: 0, children: [] });
  const n = 2_000_000;
  fs.writeFileSync(big, JSON.stringify({ nodes, startTime: 0, endTime: n, samples: Array.from({ length: n }, () => 2), timeDeltas: Array.from({ length: n }, () => 1) }));
  const ac = new AbortController();
  await assert.rejects(rsheapdump.diffProfiles(big, big, { signal: ac.signal, onProgress: () => ac.abort() }), { name: 'AbortError' });
  assert.throws(() => rsheapdump.diffProfiles(before), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"after"/ });
  assert.throws(() => rsheapdump.diffProfiles(before, after, { normalize: 'samples' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: /options\.normalize/ });
  assert.throws(() => rsheapdump.diffProfilesSync(before, after, { failOnRegression: -1 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', message: /options\.failOnRegression/ });
  assert.throws(() => rsheapdump.diffProfilesSync(before, after, { noiseFloor: 101 }), { name: 'RangeError' });
  assert.throws(() => rsheapdump.diffProfiles(before, after, { signal: 'x' }), { name: 'TypeError', message: /options\.signal/ });
});

/** The frames of a flame graph SVG: `{ name, fill }` from each box's title and rect. */
function boxes(svg) {
  return [...svg.matchAll(/<g data-x="\d+" data-w="\d+" data-d="[1-9]\d*"><title>([^<]*)<\/title><rect [^>]*fill="([^"]+)"/g)].map((m) => ({
    name: m[1].split(/&#10;| /)[0],
    fill: m[2],
  }));
}

/** How red (positive) or blue (negative) a fill is: 255 minus the other channels, signed. */
function redness(fill) {
  const [r, g, b] = /rgb\((\d+),(\d+),(\d+)\)/.exec(fill).slice(1).map(Number);
  if (r === 255 && g === b && g < 235) return 255 - g;
  if (b === 255 && r === g && r < 235) return -(255 - r);
  return 0;
}

test('flame --diff: the SVG parses, the reddest frame is the slowed function when reversed, --negate swaps', () => {
  const rev = path.join(dir, 'reversed.svg');
  let r = cli(['flame', '--diff', after, before, '-o', rev]);
  assert.equal(r.status, 0, r.stderr);
  const svg = fs.readFileSync(rev, 'utf8');
  assert.equal(XMLValidator.validate(svg), true);
  assert.match(svg, /CPU Differential Flame Graph \(red: grew, blue: shrank; normalized by time\)/);
  const frames = boxes(svg);
  const reddest = frames.reduce((a, b) => (redness(b.fill) > redness(a.fill) ? b : a));
  assert.equal(reddest.name, 'rsheapdumpOptimized');
  assert.equal(reddest.fill, 'rgb(255,0,0)', 'the largest change is fully saturated');
  assert.match(svg, /rsheapdumpOptimized [^<]*; self [\d,]+ \u2192 [\d,]+ samples, \+\d+\.\d%\)<\/title>/);

  // The optimization read forwards: the function's widest frame is blue, and red with --negate.
  // (Not necessarily the bluest frame: V8 sometimes runs the top-level loop in optimized code
  // that holds samples of its own in one run and not the other, a path-level change.)
  const widest = (svg) => {
    const m = [...svg.matchAll(/<g data-x="\d+" data-w="(\d+)" data-d="\d+"><title>rsheapdumpOptimized [^<]*<\/title><rect [^>]*fill="([^"]+)"/g)];
    return m.reduce((a, b) => (Number(b[1]) > Number(a[1]) ? b : a))[2];
  };
  r = cli(['flame', '--diff', before, after, '-o', '-']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(redness(widest(r.stdout)) < 0, widest(r.stdout));
  r = cli(['flame', '--diff', before, after, '--negate', '-o', '-']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /blue: grew, red: shrank; normalized by time/);
  assert.ok(redness(widest(r.stdout)) > 0, widest(r.stdout));
  r = cli(['flame', '--diff', before, after, '--normalize', 'share', '-o', '-']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /normalized by share/);

  // A heap pair likewise; mismatched inputs and usage errors.
  r = cli(['flame', '--diff', heapAfter, heapBefore, '-o', '-']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Allocation Differential Flame Graph/);
  assert.equal(boxes(r.stdout).reduce((a, b) => (redness(b.fill) > redness(a.fill) ? b : a)).name, 'rsheapdumpShrunkAllocator');
  r = cli(['flame', '--diff', before, heapAfter, '-o', '-']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\[ERR_RSHEAPDUMP_MISMATCHED_INPUTS\]/);
  assert.equal(cli(['flame', '--diff', before]).status, 2);
  assert.equal(cli(['flame', before, '--negate']).status, 2);
  assert.equal(cli(['flame', '--diff', before, after, '--time']).status, 2);
  assert.throws(() => rsheapdump.flameGraphSync(after, { baseline: 42 }), { name: 'TypeError', message: /options\.baseline/ });
  assert.throws(() => rsheapdump.flameGraphSync(after, { baseline: before, normalize: 'x' }), { code: 'ERR_INVALID_ARG_VALUE' });
});

test('search in a differential flame graph, in headless Chromium: matches turn magenta, the share is the folded stacks\' share', { timeout: 90000 }, async () => {
  const file = path.join(dir, 'search-diff.svg');
  fs.writeFileSync(file, await rsheapdump.flameGraph(after, { baseline: before }));
  const browser = await launchBrowser({ viewport: { width: 1200, height: 700 } });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => d.accept('rsheapdumpOptimized'));
    await page.goto(`file://${file}`);
    await page.click('#search');
    const s = await page.evaluate(() => ({
      matched: document.getElementById('matched').textContent,
      hits: [...document.querySelectorAll('#frames > g.match')].map((g) => g.querySelector('title').textContent.split('\n')[0].split(' ')[0]),
      fill: getComputedStyle(document.querySelector('#frames > g.match > rect')).fill,
      other: getComputedStyle(document.querySelector('#frames > g:not(.match)[data-d="1"] > rect')).fill,
    }));
    assert.deepEqual(errors, []);
    assert.ok(s.hits.length > 0 && s.hits.every((h) => h === 'rsheapdumpOptimized'), JSON.stringify(s.hits));
    assert.equal(s.fill, 'rgb(230, 0, 230)');
    assert.notEqual(s.other, 'rgb(230, 0, 230)');
    const shown = Number(/Matched: ([\d.]+)%/.exec(s.matched)[1]);
    assert.ok(Math.abs(shown - foldedShare(after, /^rsheapdumpOptimized /)) < 0.01, `${s.matched} vs ${foldedShare(after, /^rsheapdumpOptimized /)}`);
  } finally {
    await browser.close();
  }
});
