'use strict';
// The snapshot analyzer on real V8 snapshots: known instance counts, invariants, gzip, DevTools'
// own numbers (its worker run headless), a real program, bad input, and the CLI.

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { spawnSync } = require('node:child_process');

const rsheapdump = require('..');
const { analyzeWithDevTools } = require('../bench/analyze-devtools');
const { differences } = require('../bench/analyze-compare');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-analyze-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const PROBES = 3217;

/**
 * Runs `body` in a child Node that then writes a snapshot to `file` with v8.writeHeapSnapshot
 * (at the end, or where the body calls SNAPSHOT()).
 */
function snapshotOf(file, body) {
  const write = `const SNAPSHOT = () => require('v8').writeHeapSnapshot(${JSON.stringify(file)});`;
  const code = `${write}\n${body}\n${body.includes('SNAPSHOT()') ? '' : 'SNAPSHOT();'}`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: path.join(__dirname, '..'), encoding: 'utf8', timeout: 120000 });
  assert.strictEqual(r.status, 0, r.stderr);
  return file;
}

// A heap with a known number of instances and a bit of everything DevTools treats specially:
// Maps, a WeakMap (ephemeron edges), closures, typed arrays, concatenated and sliced strings,
// plain objects with shared shapes (interface names), and garbage that must not count.
const richHeap = `
class AnalyzeProbe { constructor(i) { this.i = i; this.payload = new Array(8).fill(i); this.tag = 'p' + i; } }
globalThis.probes = [];
for (let i = 0; i < ${PROBES}; i++) probes.push(new AnalyzeProbe(i));
for (let i = 0; i < 500; i++) new AnalyzeProbe(-i); // garbage: collected before the snapshot
globalThis.map = new Map(probes.slice(0, 100).map((p, i) => ['k' + i, p]));
globalThis.weak = new WeakMap();
globalThis.keys = [];
for (let i = 0; i < 50; i++) { const k = {}; keys.push(k); weak.set(k, { value: i, big: new Float64Array(64) }); }
globalThis.pairs = Array.from({ length: 300 }, (_, i) => ({ left: probes[i], right: probes[i + 1] }));
globalThis.closures = Array.from({ length: 40 }, (_, i) => () => i + probes.length);
globalThis.buffers = [new ArrayBuffer(1 << 16), new Uint8Array(1 << 12), Buffer.alloc(5000)];
globalThis.text = Array.from({ length: 200 }, (_, i) => 'line ' + i + ' ' + 'x'.repeat(i)).join('\\n');
globalThis.slice = text.slice(100, 5000);
globalThis.cons = text + ' and more ' + i18nLike();
function i18nLike() { return String(Date.now()); }
`;

const rich = snapshotOf(path.join(dir, 'rich.heapsnapshot'), richHeap);

function byName(result, name) {
  return result.classes.filter((c) => c.name === name);
}

test('counts the instances of a class held by the program', async () => {
  const r = await rsheapdump.analyzeSnapshot(rich);
  const probes = byName(r, 'AnalyzeProbe');
  assert.ok(probes.length >= 1, 'AnalyzeProbe listed');
  assert.strictEqual(probes.reduce((n, c) => n + c.count, 0), PROBES);
  for (const c of probes) {
    assert.ok(c.key.endsWith(',AnalyzeProbe'), c.key);
    assert.ok(c.shallowSize >= c.count * 16, 'every instance has a size');
    assert.ok(c.retainedSize >= c.shallowSize);
    assert.ok(c.distance > 1 && c.distance < 100, `distance ${c.distance}`);
  }
  // 300 objects of the same shape get DevTools' interface name.
  assert.ok(byName(r, '{left, right}').some((c) => c.count >= 300), 'interface-named class {left, right}');
  assert.ok(byName(r, 'Function')[0].count >= 40);
  assert.ok(r.nodeCount > 10000 && r.edgeCount > r.nodeCount);
});

test('total is the root retained size: every node once, so the sum of all shallow sizes', async () => {
  const r = await rsheapdump.analyzeSnapshot(rich);
  const sum = r.classes.reduce((n, c) => n + c.shallowSize, 0);
  assert.strictEqual(r.statistics.total, sum);
  const s = r.statistics;
  assert.strictEqual(s.v8heap + s.native, s.total);
  assert.ok(s.typedArrays >= 1 << 16, 'ArrayBuffer backing store counted');
  assert.ok(s.strings > 0 && s.code > 0 && s.jsArrays > 0 && s.system > 0);
  for (const c of r.classes) assert.ok(c.retainedSize <= s.total, c.name);
});

test('a gzip file gives exactly the plain file\'s result', async () => {
  const gz = path.join(dir, 'rich.heapsnapshot.gz');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(rich), { level: 1 }));
  // Named .json on purpose: gzip is detected by content, not by name.
  const renamed = path.join(dir, 'rich-gz.json');
  fs.copyFileSync(gz, renamed);
  const [plain, zipped, other] = await Promise.all([rich, gz, renamed].map((f) => rsheapdump.analyzeSnapshot(f)));
  assert.deepStrictEqual(zipped, plain);
  assert.deepStrictEqual(other, plain);
});

test('every number equals what DevTools computes (its worker, run headless)', async () => {
  const [ours, theirs] = [await rsheapdump.analyzeSnapshot(rich), await analyzeWithDevTools(rich)];
  assert.deepStrictEqual(differences(ours, theirs), []);
  assert.strictEqual(ours.classes.length, theirs.classes.length);
});

test('a real program (typescript loaded, express serving requests) matches DevTools', async () => {
  const file = snapshotOf(
    path.join(dir, 'express.heapsnapshot'),
    `
    // Line ends for every script first, or Node 20's snapshot takes ~20 s with typescript loaded.
    const inspector = require('node:inspector');
    const ts = require('typescript');
    const express = require('express');
    const source = ts.transpileModule('const a: number = 1; export default a;', {}).outputText;
    const app = express();
    const seen = [];
    app.get('/item/:id', (req, res) => { seen.push({ id: req.params.id, at: Date.now() }); res.json({ ok: true, n: seen.length }); });
    const server = app.listen(0);
    (async () => {
      const port = server.address().port;
      for (let i = 0; i < 20; i++) await (await fetch('http://127.0.0.1:' + port + '/item/' + i)).json();
      const s = new inspector.Session(); s.connect();
      await new Promise((r) => s.post('Debugger.enable', () => s.post('Debugger.disable', r)));
      s.disconnect();
      globalThis.keep = [source, seen];
      SNAPSHOT();
      server.close();
    })();
    `,
  );
  const ours = await rsheapdump.analyzeSnapshot(file);
  assert.ok(ours.nodeCount > 100000, `a real heap (${ours.nodeCount} nodes)`);
  const theirs = await analyzeWithDevTools(file);
  assert.deepStrictEqual(differences(ours, theirs), []);
});

test('bad input rejects with ERR_RSHEAPDUMP_PARSE, the byte offset and a hint', async () => {
  const text = fs.readFileSync(rich);
  const cases = {
    'empty.heapsnapshot': Buffer.alloc(0),
    'truncated.heapsnapshot': text.subarray(0, Math.floor(text.length / 3)),
    'truncated.heapsnapshot.gz': zlib.gzipSync(text).subarray(0, 5000),
    'profile.cpuprofile': Buffer.from(JSON.stringify({ nodes: [{ id: 1, callFrame: {}, children: [] }], startTime: 0, endTime: 1, samples: [], timeDeltas: [] })),
    'random.bin': Buffer.from(Array.from({ length: 10000 }, (_, i) => (i * 2654435761) >>> 24)),
    'wrong-types.heapsnapshot': Buffer.from(text.toString('latin1').replace('"nodes":[', '"nodes":["9",'), 'latin1'),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    await assert.rejects(rsheapdump.analyzeSnapshot(f), (err) => {
      assert.strictEqual(err.code, 'ERR_RSHEAPDUMP_PARSE', `${name}: ${err.message}`);
      assert.strictEqual(typeof err.offset, 'number', name);
      assert.match(err.message, /at byte \d+\. [A-Z]/, name);
      return true;
    });
    assert.throws(() => rsheapdump.analyzeSnapshotSync(f), { code: 'ERR_RSHEAPDUMP_PARSE' });
  }
  await assert.rejects(rsheapdump.analyzeSnapshot(path.join(dir, 'missing.heapsnapshot')), { code: 'ENOENT', syscall: 'open' });
  assert.throws(() => rsheapdump.analyzeSnapshot(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => rsheapdump.analyzeSnapshotSync(rich, 'no'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('the sync twin reports progress by phase and returns the same result', async () => {
  const phases = [];
  const r = rsheapdump.analyzeSnapshotSync(rich, (phase, fraction) => {
    assert.ok(fraction >= 0 && fraction <= 1);
    if (phases.at(-1) !== phase) phases.push(phase);
  });
  assert.deepStrictEqual(phases, ['parsing', 'graph', 'dominators']);
  assert.deepStrictEqual(r, await rsheapdump.analyzeSnapshot(rich));
});

function cli(...args) {
  return spawnSync(process.execPath, [path.join(__dirname, '..', 'bin', 'rsheapdump.js'), ...args], { encoding: 'utf8' });
}

test('rsheapdump summary: table, JSON, --top, --sort and exit codes', () => {
  const table = cli('summary', rich, '--top', '5');
  assert.strictEqual(table.status, 0, table.stderr);
  const lines = table.stdout.split('\n');
  assert.match(lines[0], /^Total [\d,]+ bytes/);
  assert.match(lines[2], /^Constructor\s+Distance\s+Objects\s+Shallow\s+Retained$/);
  assert.strictEqual(lines.filter((l) => /\d%$/.test(l)).length, 5);

  const json = cli('summary', rich, '--json', '--sort', 'count');
  assert.strictEqual(json.status, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  const counts = out.classes.map((c) => c.count);
  assert.deepStrictEqual(counts, counts.slice().sort((a, b) => b - a));
  assert.strictEqual(out.classes.filter((c) => c.name === 'AnalyzeProbe').reduce((n, c) => n + c.count, 0), PROBES);
  assert.strictEqual(out.statistics.total, out.classes.reduce((n, c) => n + c.shallowSize, 0));

  const byName = JSON.parse(cli('summary', rich, '--json', '--sort', 'name', '--top', '3').stdout);
  assert.strictEqual(byName.classes.length, 3);

  assert.strictEqual(cli('summary').status, 2);
  assert.strictEqual(cli('summary', rich, '--sort', 'size').status, 2);
  assert.strictEqual(cli('summary', rich, '--top', 'x').status, 2);
  const help = cli('summary', '--help');
  assert.strictEqual(help.status, 0);
  assert.match(help.stdout, /--sort KEY/);
  const bad = cli('summary', path.join(dir, 'missing.heapsnapshot'));
  assert.strictEqual(bad.status, 1);
  assert.match(bad.stderr, /ENOENT/);
});
