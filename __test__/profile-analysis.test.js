'use strict';
// Profile analysis end to end: profiles recorded by `node --cpu-prof` / `--heap-prof` (and by our
// own stopCpuProfile) from a workload with known hot functions, read through the JS API and the
// CLI; bad inputs; and a screenshot of the flame graph in headless Chromium.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const zlib = require('node:zlib');
const { spawnSync } = require('node:child_process');
const { XMLValidator } = require('fast-xml-parser');
const rsheapdump = require('..');

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'rsheapdump.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-profile-analysis-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

// The workload: rsheapdumpHotSpin burns about four times the CPU of rsheapdumpColdSpin, and
// rsheapdumpAllocator allocates nearly all of the memory that stays alive until exit (the heap
// profile is written at exit and holds live allocations only).
const WORKLOAD = `
function rsheapdumpHotSpin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) for (let i = 0; i < 200; i++) x += Math.sqrt(i + x) % 7;
  return x;
}
function rsheapdumpColdSpin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) for (let i = 0; i < 200; i++) x += (i * x) % 3;
  return x;
}
function rsheapdumpAllocator(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(new Array(64).fill(i));
  return out;
}
globalThis.rsheapdumpKeep = [];
const end = Date.now() + 500;
while (Date.now() < end) {
  rsheapdumpHotSpin(8);
  rsheapdumpColdSpin(2);
  globalThis.rsheapdumpKeep.push(rsheapdumpAllocator(300));
}
`;

const workload = path.join(dir, 'profile-workload.js');
fs.writeFileSync(workload, WORKLOAD);
const cpuFile = path.join(dir, 'profile-app.cpuprofile');
const heapFile = path.join(dir, 'profile-app.heapprofile');
const rec = spawnSync(
  process.execPath,
  [
    '--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-name=profile-app.cpuprofile', '--cpu-prof-interval=500',
    '--heap-prof', `--heap-prof-dir=${dir}`, '--heap-prof-name=profile-app.heapprofile', '--heap-prof-interval=16384',
    workload,
  ],
  { encoding: 'utf8' },
);
assert.equal(rec.status, 0, `recording the workload failed: ${rec.stderr}`);
const cpuJson = JSON.parse(fs.readFileSync(cpuFile, 'utf8'));
const heapJson = JSON.parse(fs.readFileSync(heapFile, 'utf8'));

/** DevTools' self times computed here independently, in JS, keyed like the analyzer's rows. */
function referenceSelf(p) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const per = (p.endTime - p.startTime) / p.samples.length;
  const self = new Map();
  for (const id of p.samples) {
    const cf = byId.get(id).callFrame;
    const key = `${cf.functionName || '(anonymous)'}|${cf.url}|${cf.lineNumber + 1}|${cf.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + per);
  }
  return self;
}

const keyOf = (r) => `${r.name}|${r.url}|${r.line}|${r.column}`;

function cli(args, opts = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir, ...opts });
}

test('the hottest function by self time is the known hot one', async () => {
  const a = await rsheapdump.analyzeCpuProfile(cpuFile);
  assert.equal(a.kind, 'cpu');
  assert.equal(a.unit, 'us');
  const hot = a.functions[0];
  assert.equal(hot.name, 'rsheapdumpHotSpin');
  assert.equal(hot.url, `file://${workload}`);
  assert.equal(hot.line, 2, '1-based line of the function');
  assert.equal(hot.category, 'js');
  const cold = a.functions.find((f) => f.name === 'rsheapdumpColdSpin');
  assert.ok(cold, 'the cold function is listed');
  // About 4x by design; wall-clock spins on a loaded machine drift, so only a clear margin is asserted.
  assert.ok(hot.self > 1.5 * cold.self, `hot ${hot.self} µs vs cold ${cold.self} µs`);
  assert.ok(hot.selfPercent > 40, `hot holds ${hot.selfPercent.toFixed(1)}%`);
  assert.ok(!a.functions.some((f) => f.name === '(root)'), '(root) is not a function row');
});

test("self times follow DevTools' rule and add up to the recording", async () => {
  const a = await rsheapdump.analyzeCpuProfile(cpuFile);
  assert.equal(a.sampleCount, cpuJson.samples.length);
  assert.equal(a.startTime, cpuJson.startTime);
  assert.equal(a.endTime, cpuJson.endTime);
  const ref = referenceSelf(cpuJson);
  for (const f of a.functions) {
    assert.ok(Math.abs(f.self - (ref.get(keyOf(f)) ?? 0)) < 1e-6, `${keyOf(f)}: ${f.self} vs ${ref.get(keyOf(f))}`);
    assert.ok(f.total >= f.self - 1e-9, `${f.name}: total ${f.total} >= self ${f.self}`);
    assert.ok(f.totalCount <= a.sampleCount);
  }
  const selfSum = a.functions.reduce((s, f) => s + f.self, 0);
  assert.ok(Math.abs(selfSum - (cpuJson.endTime - cpuJson.startTime)) < 1e-3, `${selfSum} vs ${cpuJson.endTime - cpuJson.startTime}`);
  assert.ok(Math.abs(a.total - selfSum) < 1e-3);
  assert.equal(a.functions.reduce((s, f) => s + f.selfCount, 0), a.sampleCount);
  // V8's pseudo-frames are kept and labelled.
  for (const f of a.functions.filter((x) => x.name === '(program)' || x.name === '(garbage collector)' || x.name === '(idle)')) {
    assert.notEqual(f.category, 'js', f.name);
  }
  // The caller of the hot function includes it in its total.
  const top = a.functions.find((f) => f.name === '(anonymous)' && f.url === `file://${workload}`);
  assert.ok(top.total >= a.functions[0].total);
});

test('the sync twin agrees; limit and timeDeltas timing', () => {
  const sync = rsheapdump.analyzeCpuProfileSync(cpuFile, { limit: 3 });
  assert.equal(sync.functions.length, 3);
  assert.ok(sync.functionCount > 3);
  assert.equal(sync.functions[0].name, 'rsheapdumpHotSpin');
  const deltas = rsheapdump.analyzeCpuProfileSync(cpuFile, { timing: 'deltas' });
  // Each sample lasts until the next one; the last one until endTime.
  const t0 = cpuJson.startTime + cpuJson.timeDeltas[0];
  assert.ok(Math.abs(deltas.total - (cpuJson.endTime - t0)) < 1e-3, `${deltas.total} vs ${cpuJson.endTime - t0}`);
  assert.equal(deltas.functions[0].name, 'rsheapdumpHotSpin');
  assert.throws(() => rsheapdump.analyzeCpuProfileSync(cpuFile, { timing: 'wallclock' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
});

test('top-down tree: every total is self plus the children', async () => {
  const a = await rsheapdump.analyzeCpuProfile(cpuFile, { tree: true });
  assert.ok(a.tree.length > 5);
  const kids = new Map();
  a.tree.forEach((r, i) => {
    assert.ok(r.parent < i, 'parents come before children');
    if (r.parent >= 0) assert.equal(r.depth, a.tree[r.parent].depth + 1);
    kids.set(r.parent, (kids.get(r.parent) ?? 0) + r.total);
  });
  a.tree.forEach((r, i) => assert.ok(Math.abs(r.total - r.self - (kids.get(i) ?? 0)) < 1e-6, `row ${i} ${r.name}`));
  assert.ok(Math.abs(kids.get(-1) - a.total) < 1e-3, 'top-level totals add up to the profile');
  const hot = a.tree.filter((r) => r.name === 'rsheapdumpHotSpin');
  assert.ok(hot.length >= 1);
  assert.equal(a.tree[hot[0].parent].name, '(anonymous)', 'called from the module body');
  const shallow = await rsheapdump.analyzeCpuProfile(cpuFile, { tree: true, maxDepth: 1, minPercent: 5 });
  assert.ok(shallow.tree.every((r) => r.depth <= 1 && r.totalPercent >= 5));
});

test('folded stacks: one line per stack, weights sum to the sample count', async () => {
  const text = await rsheapdump.foldProfile(cpuFile);
  const lines = text.trimEnd().split('\n');
  let sum = 0;
  const seen = new Set();
  for (const line of lines) {
    const m = /^(.+) (\d+)$/.exec(line);
    assert.ok(m, `line shape: ${line}`);
    assert.ok(!seen.has(m[1]), `stack listed once: ${m[1]}`);
    seen.add(m[1]);
    assert.ok(!m[1].split(';').includes('(root)'), '(root) is left out');
    sum += Number(m[2]);
  }
  assert.equal(sum, cpuJson.samples.length);
  const heaviest = lines.map((l) => [l, Number(l.slice(l.lastIndexOf(' ') + 1))]).sort((x, y) => y[1] - x[1])[0][0];
  const frames = heaviest.slice(0, heaviest.lastIndexOf(' ')).split(';');
  assert.match(frames.at(-1), /^rsheapdumpHotSpin file:\/\/.*profile-workload\.js:2:\d+$/, 'leaf is last');
  // By time instead: about the recording's duration (each stack is rounded to whole µs).
  const timed = (await rsheapdump.foldProfile(cpuFile, { weight: 'time' })).trimEnd().split('\n');
  const micros = timed.reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  assert.ok(Math.abs(micros - (cpuJson.endTime - cpuJson.startTime)) <= timed.length, `${micros} µs`);
  assert.equal(rsheapdump.foldProfileSync(cpuFile), text);
  await assert.rejects(rsheapdump.foldProfile(cpuFile, { weight: 'bytes' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
});

test('the flame graph is valid XML with the hot function, hover titles and a script that compiles', async () => {
  const svg = await rsheapdump.flameGraph(cpuFile, { title: 'Workload <cpu>' });
  assert.equal(XMLValidator.validate(svg), true);
  assert.match(svg, /<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.includes('Workload &lt;cpu&gt;'));
  assert.match(svg, /<title>rsheapdumpHotSpin file:\/\/[^<]*&#10;\([\d,]+ samples, \d+\.\d\d%\)<\/title>/);
  // The interactive part must at least be valid JavaScript with the handlers the SVG names.
  const script = /<!\[CDATA\[([\s\S]*?)\]\]>/.exec(svg)[1];
  const ctx = vm.createContext({});
  new vm.Script(script).runInContext(ctx);
  for (const fn of ['init', 'zoom', 'unzoom']) assert.equal(typeof ctx[fn], 'function', fn);
  // From a folded file too, and the same bytes from the sync twin.
  const folded = path.join(dir, 'profile-app.folded');
  fs.writeFileSync(folded, await rsheapdump.foldProfile(cpuFile));
  const fromFolded = rsheapdump.flameGraphSync(folded);
  assert.equal(XMLValidator.validate(fromFolded), true);
  assert.ok(fromFolded.includes('rsheapdumpHotSpin'));
  assert.equal(rsheapdump.flameGraphSync(cpuFile, { title: 'Workload <cpu>' }), svg);
});

test('gzip profiles are read by their magic bytes, whatever the name', async () => {
  const gz = path.join(dir, 'profile-gzip.json');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(cpuFile)));
  const a = await rsheapdump.analyzeCpuProfile(gz);
  const b = await rsheapdump.analyzeCpuProfile(cpuFile);
  assert.deepEqual(a, b);
});

test('heap profile: allocation sites by bytes', async () => {
  const a = await rsheapdump.analyzeHeapProfile(heapFile);
  assert.equal(a.kind, 'heap');
  assert.equal(a.unit, 'bytes');
  assert.equal(a.functions[0].name, 'rsheapdumpAllocator');
  // The tree's selfSize values are the bytes.
  let bytes = 0;
  const stack = [heapJson.head];
  while (stack.length) {
    const n = stack.pop();
    bytes += n.selfSize;
    stack.push(...n.children);
  }
  assert.equal(a.total, bytes);
  assert.ok(a.functions[0].selfPercent > 50, `${a.functions[0].selfPercent}%`);
  assert.ok(a.sampleCount > 0 && a.sampleCount <= heapJson.samples.length);
  const folded = await rsheapdump.foldProfile(heapFile);
  const sum = folded.trimEnd().split('\n').reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  assert.equal(sum, bytes, 'heap stacks are weighed in bytes');
  const svg = await rsheapdump.flameGraph(heapFile);
  assert.equal(XMLValidator.validate(svg), true);
  assert.ok(svg.includes('rsheapdumpAllocator') && svg.includes(' bytes, '));
  await assert.rejects(rsheapdump.analyzeCpuProfile(heapFile), { code: 'ERR_RSHEAPDUMP_NOT_A_PROFILE', message: /heap profile/ });
});

test('bad input: a heap snapshot, a truncated file, a sample naming a missing node, wrong arguments', async () => {
  const snap = require('node:v8').writeHeapSnapshot(path.join(dir, 'profile-not.heapsnapshot'));
  await assert.rejects(rsheapdump.analyzeCpuProfile(snap), (err) => {
    assert.equal(err.code, 'ERR_RSHEAPDUMP_NOT_A_PROFILE');
    assert.match(err.message, /heap snapshot/);
    assert.equal(err.path, snap);
    return true;
  });
  const text = fs.readFileSync(cpuFile, 'utf8');
  const truncated = path.join(dir, 'profile-truncated.cpuprofile');
  fs.writeFileSync(truncated, text.slice(0, Math.floor(text.length * 0.6)));
  await assert.rejects(rsheapdump.analyzeCpuProfile(truncated), (err) => {
    assert.equal(err.code, 'ERR_RSHEAPDUMP_PARSE');
    assert.match(err.message, /truncated/);
    assert.equal(typeof err.offset, 'number');
    assert.ok(err.offset <= text.length * 0.6);
    return true;
  });
  const broken = JSON.parse(text);
  broken.samples[5] = 987654321;
  const missing = path.join(dir, 'profile-missing-node.cpuprofile');
  fs.writeFileSync(missing, JSON.stringify(broken));
  await assert.rejects(rsheapdump.analyzeCpuProfile(missing), { code: 'ERR_RSHEAPDUMP_INVALID_PROFILE', message: /sample 5 names node 987654321/ });
  assert.throws(() => rsheapdump.foldProfileSync(missing), { code: 'ERR_RSHEAPDUMP_INVALID_PROFILE' });
  await assert.rejects(rsheapdump.analyzeCpuProfile(path.join(dir, 'nope.cpuprofile')), { code: 'ENOENT', syscall: 'open' });
  assert.throws(() => rsheapdump.analyzeCpuProfile(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => rsheapdump.flameGraph(), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('CLI: top, top --tree, top --json, fold, flame, heap top, errors and exit codes', () => {
  let r = cli(['top', cpuFile]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^CPU profile profile-app\.cpuprofile: [\d,]+ samples over [\d.]+ ms/);
  assert.match(lines[2], /Self ms\s+Self%\s+Total ms\s+Total%\s+Function\s+Location/);
  assert.match(lines[3], /^\s*[\d.]+\s+[\d.]+%\s+[\d.]+\s+[\d.]+%\s+rsheapdumpHotSpin\s+profile-workload\.js:2:\d+$/, 'file URLs under cwd print as relative paths');

  r = cli(['top', cpuFile, '--tree', '--min-percent', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Total ms\s+Total%\s+Self ms\s+Function/);
  assert.match(r.stdout, /\n\s*[\d.]+\s+[\d.]+%\s+[\d.]+ {3,}rsheapdumpHotSpin /, 'indented below its caller');

  r = cli(['top', cpuFile, '--json', '-n', '2']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.functions.length, 2);
  assert.equal(j.functions[0].name, 'rsheapdumpHotSpin');

  r = cli(['fold', cpuFile]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, rsheapdump.foldProfileSync(cpuFile));

  const svgOut = path.join(dir, 'profile-cli.svg');
  r = cli(['flame', cpuFile, '-o', svgOut, '--title', 'CLI graph']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /wrote .*profile-cli\.svg/);
  assert.ok(fs.readFileSync(svgOut, 'utf8').includes('CLI graph'));
  r = cli(['flame', cpuFile]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(fs.existsSync(path.join(dir, 'profile-app.svg')), 'default output next to the input');

  r = cli(['top', heapFile]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Heap profile profile-app\.heapprofile: [\d,]+ bytes sampled/);
  assert.match(r.stdout.split('\n')[3], /rsheapdumpAllocator/);
  assert.match(r.stdout, /Self bytes\s+Self%\s+Total bytes/);

  r = cli(['top', path.join(dir, 'profile-truncated.cpuprofile')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\[ERR_RSHEAPDUMP_PARSE\]/);
  // Issue 20: a weight beyond 2^53 wrapped the total and gave an SVG with data-total="0", exit 0.
  const huge = path.join(dir, 'profile-huge.folded');
  fs.writeFileSync(huge, 'a 1e20\nb 1\n');
  r = cli(['flame', huge, '-o', path.join(dir, 'profile-huge.svg')]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /beyond 2\^53 at byte 0.*\[ERR_RSHEAPDUMP_PARSE\]/);
  assert.ok(!fs.existsSync(path.join(dir, 'profile-huge.svg')));
  r = cli(['top']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /missing the profile file/);
  r = cli(['fold', cpuFile, '--time', '--samples']);
  assert.equal(r.status, 2);
  r = cli(['top', cpuFile, '--bogus']);
  assert.equal(r.status, 2);
  for (const cmd of ['top', 'fold', 'flame']) {
    r = cli([cmd, '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^Usage: rsheapdump ${cmd} `));
  }
  r = cli(['--help']);
  for (const cmd of ['top', 'fold', 'flame']) assert.match(r.stdout, new RegExp(`\\n  ${cmd} +\\S`));
});

test('a 100,000-deep profile goes through the addon and the CLI without overflowing a stack', async () => {
  const depth = 100000;
  const nodes = [];
  for (let id = 1; id <= depth; id++) {
    nodes.push({ id, callFrame: { functionName: id === 1 ? '(root)' : `deep${id % 10}`, scriptId: '1', url: 'file:///deep.js', lineNumber: id % 10, columnNumber: 0 }, hitCount: 0, children: id < depth ? [id + 1] : [] });
  }
  const deep = path.join(dir, 'profile-deep.cpuprofile');
  fs.writeFileSync(deep, JSON.stringify({ nodes, startTime: 0, endTime: 2000, samples: [depth, depth, 2], timeDeltas: [1000, 500, 500] }));
  const a = await rsheapdump.analyzeCpuProfile(deep, { tree: true });
  assert.equal(a.tree.length, depth - 1);
  assert.equal(a.tree.at(-1).depth, depth - 2);
  assert.equal(a.functions.reduce((s, f) => s + f.selfCount, 0), 3);
  assert.ok(a.functions.every((f) => f.totalCount <= 3), 'recursion counted once per sample');
  const folded = await rsheapdump.foldProfile(deep);
  assert.equal(folded.trimEnd().split('\n').length, 2);
  assert.equal(XMLValidator.validate(await rsheapdump.flameGraph(deep)), true);
  const r = cli(['top', deep, '--tree', '--min-percent', '0'], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\[99998\] deep0 /, 'deep rows show their depth instead of ever more indentation');
});

test('a profile from our own stopCpuProfile analyzes the same way', { skip: typeof rsheapdump.stopCpuProfile !== 'function' && 'stopCpuProfile is not available' }, async () => {
  function rsheapdumpOwnHot(ms) {
    const end = Date.now() + ms;
    let x = 0;
    while (Date.now() < end) for (let i = 0; i < 500; i++) x += Math.sqrt(i + x) % 5;
    return x;
  }
  const file = path.join(dir, 'profile-own.cpuprofile');
  await rsheapdump.startCpuProfile({ samplingIntervalUs: 500 });
  rsheapdumpOwnHot(300);
  assert.equal(await rsheapdump.stopCpuProfile({ filename: file }), file);
  const a = await rsheapdump.analyzeCpuProfile(file);
  assert.equal(a.functions[0].name, 'rsheapdumpOwnHot');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const folded = await rsheapdump.foldProfile(file);
  const sum = folded.trimEnd().split('\n').reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  assert.equal(sum, json.samples.length);
});

/** Pixels of an 8-bit RGB/RGBA, non-interlaced PNG, decoded with node:zlib and PNG's filters. */
function decodePng(buf) {
  assert.deepEqual([...buf.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  let pos = 8;
  let ihdr;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') ihdr = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], color: data[9], interlace: data[12] };
    if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  assert.equal(ihdr.depth, 8);
  assert.equal(ihdr.interlace, 0);
  const bpp = { 2: 3, 6: 4 }[ihdr.color];
  assert.ok(bpp, `colour type ${ihdr.color}`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = ihdr.width * bpp;
  const px = Buffer.alloc(stride * ihdr.height);
  for (let y = 0; y < ihdr.height; y++) {
    const f = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp] : 0;
      let v = src[x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + x] = v & 0xff;
    }
  }
  return { ...ihdr, bpp, px };
}

function findChromium() {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return null;
}

const chromium = findChromium();

test('the flame graph renders in headless Chromium', { skip: !chromium && 'chromium is not installed (.ci/setup-chromium.sh installs it)', timeout: 60000 }, () => {
  const svgFile = path.join(dir, 'profile-render.svg');
  fs.writeFileSync(svgFile, rsheapdump.flameGraphSync(cpuFile, { width: 1000 }));
  const height = Number(/<svg [^>]*height="(\d+(?:\.\d+)?)"/.exec(fs.readFileSync(svgFile, 'utf8'))[1]);
  const W = 1000;
  const H = Math.ceil(height);
  const png = path.join(dir, 'profile-render.png');
  const profileDir = fs.mkdtempSync(path.join(dir, 'chromium-'));
  const r = spawnSync(
    chromium,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profileDir}`,
      `--screenshot=${png}`, `--window-size=${W},${H}`, `file://${svgFile}`,
    ],
    { encoding: 'utf8', timeout: 45000 },
  );
  assert.ok(fs.existsSync(png), `no screenshot; chromium exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const img = decodePng(fs.readFileSync(png));
  assert.equal(img.width, W);
  assert.equal(img.height, H);
  // Not blank: many colours, and the warm frame colours cover a good part of the picture.
  const colours = new Set();
  let warm = 0;
  for (let i = 0; i < img.px.length; i += img.bpp) {
    const [red, green, blue] = [img.px[i], img.px[i + 1], img.px[i + 2]];
    colours.add((red << 16) | (green << 8) | blue);
    if (red >= 200 && blue <= 100 && green < 240) warm++;
  }
  assert.ok(colours.size > 100, `${colours.size} distinct colours`);
  const share = warm / (img.width * img.height);
  assert.ok(share > 0.05, `frames cover ${(share * 100).toFixed(1)}% of the image`);
});

test('the flame graph shows details on hover and zooms on click in Chromium', { skip: !chromium && 'chromium is not installed (.ci/setup-chromium.sh installs it)', timeout: 60000 }, () => {
  const svgFile = path.join(dir, 'profile-zoom.svg');
  fs.writeFileSync(svgFile, rsheapdump.flameGraphSync(cpuFile));
  // A page that loads the SVG, hovers and clicks the hot function's frame as a user would, and
  // writes what the SVG's own script did into the DOM, which --dump-dom prints.
  const page = path.join(dir, 'profile-zoom.html');
  fs.writeFileSync(
    page,
    `<html><body><iframe id="f" src="profile-zoom.svg" width="1200" height="800"></iframe><pre id="out">not run</pre><script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument, gs = d.querySelectorAll('#frames > g'), r = {};
  var g = [].filter.call(gs, function (x) { return x.querySelector('title').textContent.indexOf('rsheapdumpHotSpin ') === 0; })
    .sort(function (a, b) { return b.getAttribute('data-w') - a.getAttribute('data-w'); })[0];
  g.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
  r.details = d.getElementById('details').textContent;
  r.before = +g.querySelector('rect').getAttribute('width');
  g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  r.x = +g.querySelector('rect').getAttribute('x');
  r.after = +g.querySelector('rect').getAttribute('width');
  r.hidden = d.querySelectorAll('#frames > g.hide').length;
  r.total = gs.length;
  r.unzoomShown = !d.getElementById('unzoom').classList.contains('hide');
  d.getElementById('unzoom').dispatchEvent(new MouseEvent('click', { bubbles: true }));
  r.reset = +g.querySelector('rect').getAttribute('width');
  r.hiddenAfterReset = d.querySelectorAll('#frames > g.hide').length;
  document.getElementById('out').textContent = JSON.stringify(r);
};
</script></body></html>`,
  );
  const r = spawnSync(
    chromium,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--allow-file-access-from-files', '--virtual-time-budget=5000',
      `--user-data-dir=${fs.mkdtempSync(path.join(dir, 'chromium-'))}`, '--dump-dom', `file://${page}`,
    ],
    { encoding: 'utf8', timeout: 45000 },
  );
  const m = /<pre id="out">(.*?)<\/pre>/s.exec(r.stdout);
  assert.ok(m && m[1] !== 'not run', `the page script did not run; chromium exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const res = JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
  assert.match(res.details, /^Function: rsheapdumpHotSpin file:\/\/.* \([\d,]+ samples, \d+\.\d\d%\)$/);
  assert.equal(res.x, 10, 'the zoomed frame starts at the left edge');
  assert.equal(res.after, 1180, 'and fills the width');
  assert.ok(res.before < res.after);
  assert.ok(res.hidden > 0 && res.hidden < res.total, `${res.hidden} of ${res.total} frames hidden`);
  assert.equal(res.unzoomShown, true);
  assert.ok(Math.abs(res.reset - res.before) < 0.01, 'Reset Zoom restores the width');
  assert.equal(res.hiddenAfterReset, 0);
});

test('wrong options are TypeErrors/RangeErrors naming the option, from every profile function', async () => {
  const file = path.join(dir, 'profile-app.cpuprofile');
  const cases = [
    [{ limit: 'x' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', /"options\.limit"/],
    [{ limit: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE', /"options\.limit"/],
    [{ limit: 1.5 }, 'RangeError', 'ERR_OUT_OF_RANGE', /"options\.limit"/],
    [{ width: 'wide' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', /"options\.width"/],
    [{ width: 0 }, 'RangeError', 'ERR_OUT_OF_RANGE', /"options\.width"/],
    [{ timing: 'bad' }, 'TypeError', 'ERR_INVALID_ARG_VALUE', /"options\.timing"/],
    [{ timing: 5 }, 'TypeError', 'ERR_INVALID_ARG_TYPE', /"options\.timing"/],
    [{ weight: 'kg' }, 'TypeError', 'ERR_INVALID_ARG_VALUE', /"options\.weight"/],
    [{ tree: 'yes' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', /"options\.tree"/],
    [{ minPercent: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE', /"options\.minPercent"/],
    [{ maxDepth: 'deep' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', /"options\.maxDepth"/],
    [{ title: 7 }, 'TypeError', 'ERR_INVALID_ARG_TYPE', /"options\.title"/],
    ['fast', 'TypeError', 'ERR_INVALID_ARG_TYPE', /"options"/],
  ];
  const fns = ['analyzeCpuProfile', 'analyzeHeapProfile', 'foldProfile', 'flameGraph'];
  for (const fn of [...fns, ...fns.map((f) => `${f}Sync`)]) {
    for (const [options, name, code, message] of cases) {
      assert.throws(() => rsheapdump[fn](file, options), { name, code, message }, `${fn}(${JSON.stringify(options)})`);
    }
  }
  // Good options still work.
  assert.ok((await rsheapdump.analyzeCpuProfile(file, { limit: 3, timing: 'deltas' })).functions.length <= 3);
  assert.match(await rsheapdump.flameGraph(file, { width: 800, title: 't' }), /^<\?xml|^<svg/);
});
