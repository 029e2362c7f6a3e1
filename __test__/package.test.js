'use strict';
// The package's shape: what loading it costs and what it exposes.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, tmpdir, runChild } = require('./helpers');

// Threads of this process, by /proc (Linux only: the count is what the kernel sees).
const THREADS = `() => require('node:fs').readdirSync('/proc/self/task').length`;

test('require with NODE_HEAPDUMP_OPTIONS=nosignal starts no thread', { skip: process.platform !== 'linux' && '/proc is Linux-only' }, async () => {
  const r = await runChild(
    `const threads = ${THREADS};
     const before = threads();
     require('rsheapdump');
     setTimeout(() => console.log(JSON.stringify({ before, after: threads() })), 100);`,
    { env: { NODE_HEAPDUMP_OPTIONS: 'nosignal' } },
  );
  assert.equal(r.code, 0, r.stderr);
  const { before, after } = JSON.parse(r.stdout);
  assert.equal(after, before, 'loading the addon must not start threads nothing uses');
});

// A directory where `rsheapdump` resolves by name to this checkout, through its exports map.
function installedDir() {
  const dir = tmpdir();
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'rsheapdump'), 'dir');
  return dir;
}

test('the ESM entries export exactly the CommonJS entries\' names, from the same module instance', async () => {
  for (const [esm, cjs] of [['index.mjs', 'index.js'], ['analyze.mjs', 'analyze.js']]) {
    const m = await import(path.join(ROOT, esm));
    const c = require(path.join(ROOT, cjs));
    assert.deepEqual(Object.keys(m).filter((k) => k !== 'default').sort(), Object.keys(c).sort(), esm);
    assert.equal(m.default, c, `${esm}'s default export is the CommonJS module`);
    for (const k of Object.keys(c)) assert.equal(m[k], c[k], `${esm}: ${k}`);
  }
});

test('rsheapdump/analyze starts no thread, no worker and no signal handler, and analyzes', { skip: process.platform !== 'linux' && '/proc is Linux-only' }, async () => {
  const cwd = installedDir();
  const file = path.join(cwd, 'a.heapsnapshot');
  spawnSync(process.execPath, ['-e', `require('v8').writeHeapSnapshot(${JSON.stringify(file)})`]);
  const r = await runChild(
    `const threads = ${THREADS};
     const before = threads();
     const analyze = require('rsheapdump/analyze');
     const s = analyze.analyzeSnapshotSync(${JSON.stringify(file)});
     console.log(JSON.stringify({ before, after: threads(), classes: s.classes.length, writeSnapshot: typeof analyze.writeSnapshot }));
     // No handler of ours: SIGUSR2's default action ends the process.
     process.kill(process.pid, 'SIGUSR2');
     setTimeout(() => console.log('survived'), 2000);`,
    { cwd },
  );
  assert.equal(r.signal, 'SIGUSR2', r.stderr);
  const out = JSON.parse(r.stdout.split('\n')[0]);
  assert.equal(out.after, out.before, 'threads');
  assert.ok(out.classes > 10, 'the summary has classes');
  assert.equal(out.writeSnapshot, 'undefined', 'no capture API in rsheapdump/analyze');
});

test('rsheapdump/analyze is importable as ESM, and internal paths are not exported', async () => {
  const cwd = installedDir();
  const r = await runChild(
    `import('rsheapdump/analyze').then((m) => {
       console.log(typeof m.analyzeSnapshot, typeof m.default.flameGraph, m.codes.PARSE);
       for (const p of ['rsheapdump/lib/snapshot', 'rsheapdump/lib/worker/session.js', 'rsheapdump/binding.js']) {
         try { require(p); console.log('exported', p); } catch (e) { console.log(e.code); }
       }
       console.log(require('rsheapdump/package.json').name);
     });`,
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    'function function ERR_RSHEAPDUMP_PARSE',
    'ERR_PACKAGE_PATH_NOT_EXPORTED',
    'ERR_PACKAGE_PATH_NOT_EXPORTED',
    'ERR_PACKAGE_PATH_NOT_EXPORTED',
    'rsheapdump',
  ]);
});

test('every error code made in lib/ or src/ is in rsheapdump.codes, and README lists exactly those', () => {
  const { codes } = require(ROOT);
  const listed = new Set(Object.values(codes));
  const made = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|rs)$/.test(e.name)) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/\b(ERR_RSHEAPDUMP_[A-Z0-9_]+|ERR_INVALID_ARG_(?:TYPE|VALUE)|ERR_OUT_OF_RANGE|ABORT_ERR)\b/g)) made.add(m[1]);
        for (const m of text.matchAll(/rsError\(\s*'([A-Z0-9_]+)'/g)) made.add(`ERR_RSHEAPDUMP_${m[1]}`);
      }
    }
  };
  walk(path.join(ROOT, 'lib'));
  walk(path.join(ROOT, 'src'));
  for (const c of made) assert.ok(listed.has(c), `${c} is made in the code but missing from lib/codes.js`);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('### Errors'), readme.indexOf('## CLI'));
  const documented = new Set([...table.matchAll(/`(ERR_[A-Z0-9_]+|ABORT_ERR)`/g)].map((m) => m[1]));
  assert.deepEqual([...documented].sort(), [...listed].sort(), "README's error table lists exactly rsheapdump.codes");
  const dts = fs.readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8');
  const declared = dts.slice(dts.indexOf('export declare const codes'));
  const typed = Object.fromEntries([...declared.slice(0, declared.indexOf('}')).matchAll(/readonly (\w+): '(\w+)'/g)].map((m) => [m[1], m[2]]));
  assert.deepEqual(typed, { ...codes }, 'index.d.ts declares exactly rsheapdump.codes');
});

test("the shipped binding.d.ts declares no internal function (the capture worker's sinks and signal plumbing)", () => {
  const dts = fs.readFileSync(path.join(ROOT, 'binding.d.ts'), 'utf8');
  const declared = [...dts.matchAll(/export declare function (\w+)/g)].map((m) => m[1]);
  const internal = declared.filter((f) => /^sink|Signal|^stall/.test(f));
  assert.deepEqual(internal, []);
  assert.ok(declared.includes('analyzeSnapshot'), 'the public functions are declared');
});
