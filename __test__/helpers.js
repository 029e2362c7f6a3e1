'use strict';
// Shared by the test suites: child processes, temp dirs, and reading what a snapshot holds.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { spawn } = require('node:child_process');

const ROOT = path.join(__dirname, '..');

const made = [];
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the process exits. */
function tmpdir(prefix = 'rsheapdump-test-') {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

/**
 * Runs `source` as a CommonJS script in a child Node (same binary as the test runner unless
 * `opts.node` says otherwise). `require('rsheapdump')` resolves to this checkout.
 * Resolves to { code, signal, stdout, stderr, ms }.
 */
function runChild(source, opts = {}) {
  const dir = opts.cwd ?? tmpdir();
  const script = path.join(dir, `child-${process.pid}-${Math.random().toString(36).slice(2)}.js`);
  fs.writeFileSync(script, rewire(source));
  const cmd = opts.shell ? 'bash' : opts.node ?? process.execPath;
  const args = opts.shell ? ['-c', opts.shell.replace('$NODE', JSON.stringify(opts.node ?? process.execPath)).replace('$SCRIPT', JSON.stringify(script))] : [...(opts.execArgv ?? []), script];
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd: dir, env: { ...process.env, ...opts.env }, uid: opts.uid, gid: opts.gid, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 60_000);
    if (opts.onSpawn) opts.onSpawn(child);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, dir });
    });
  });
}

// Children require the package by name; point the name at this checkout.
function rewire(source) {
  return source.replaceAll("require('rsheapdump')", `require(${JSON.stringify(ROOT)})`);
}

/** Reads a .heapsnapshot or .heapsnapshot.gz (by magic bytes) and parses it. */
function readSnapshot(file) {
  let buf = fs.readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = zlib.gunzipSync(buf);
  return JSON.parse(buf.toString('utf8'));
}

/** Counts nodes of a given type (default 'object') whose name is `name`. */
function countNodes(snap, name, type = 'object') {
  const meta = snap.snapshot.meta;
  const n = meta.node_fields.length;
  const typeOff = meta.node_fields.indexOf('type');
  const nameOff = meta.node_fields.indexOf('name');
  const typeIdx = meta.node_types[0].indexOf(type);
  let count = 0;
  for (let i = 0; i < snap.nodes.length; i += n) {
    if (snap.nodes[i + typeOff] === typeIdx && snap.strings[snap.nodes[i + nameOff]] === name) count++;
  }
  return count;
}

/** Checks the invariants every snapshot file has; returns the node count. */
function assertValidSnapshot(assert, snap) {
  const meta = snap.snapshot.meta;
  assert.ok(Array.isArray(meta.node_fields) && meta.node_fields.length >= 6, 'meta.node_fields');
  assert.equal(snap.nodes.length, snap.snapshot.node_count * meta.node_fields.length, 'node_count matches nodes.length');
  assert.equal(snap.edges.length, snap.snapshot.edge_count * meta.edge_fields.length, 'edge_count matches edges.length');
  return snap.snapshot.node_count;
}

/** Lists files in `dir` whose names end with `.partial`. */
function partials(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.partial'));
}

module.exports = { ROOT, tmpdir, runChild, readSnapshot, countNodes, assertValidSnapshot, partials };

/** Polls `fn` every 50 ms until it returns something truthy; rejects after `ms`. */
async function waitFor(fn, ms = 20_000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts `source` like runChild, and resolves `ready` once the child printed a line containing
 * 'ready'. `done` resolves like runChild's promise.
 */
function startChild(source, opts = {}) {
  let child;
  let resolveReady;
  const ready = new Promise((r) => (resolveReady = r));
  const done = runChild(source, {
    ...opts,
    onSpawn(c) {
      child = c;
      let out = '';
      c.stdout.on('data', (d) => {
        out += d;
        if (out.includes('ready')) resolveReady(c);
      });
    },
  });
  return { ready, done, kill: (sig) => child && child.kill(sig) };
}

/** Completed heapdump-* snapshot files in `dir` (no .partial). */
function heapdumpFiles(dir) {
  return fs.readdirSync(dir).filter((f) => /^heapdump-\d+\.\d+\.heapsnapshot(\.gz)?$/.test(f)).sort();
}

/**
 * Copies the package as npm would pack it (package.json's `files`) into `dest`, with the built
 * `.node` binary unless `binary: false`: for tests that need the package somewhere else.
 */
function copyPackage(dest, { binary = true } = {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  fs.mkdirSync(dest, { recursive: true });
  const entries = ['package.json', ...pkg.files.map((f) => f.replace(/\/$/, ''))];
  if (binary) entries.push(...fs.readdirSync(ROOT).filter((f) => f.endsWith('.node')));
  for (const f of entries) fs.cpSync(path.join(ROOT, f), path.join(dest, f), { recursive: true });
  return dest;
}

module.exports.copyPackage = copyPackage;
module.exports.waitFor = waitFor;
module.exports.startChild = startChild;
module.exports.heapdumpFiles = heapdumpFiles;

/** The path of a Chromium (Debian's `chromium` first; `.ci/setup-chromium.sh` installs it), or null. */
function findChromium() {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = require('node:child_process').spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return null;
}

/**
 * A headless Chromium driven over the DevTools protocol (puppeteer-core), with a profile of its
 * own in a temp dir and nothing that reaches the network by itself. Close it with `browser.close()`.
 */
async function launchBrowser(opts = {}) {
  const puppeteer = require('puppeteer-core');
  const executablePath = findChromium();
  if (!executablePath) throw new Error('chromium is not installed: run bash .ci/setup-chromium.sh');
  return puppeteer.launch({
    executablePath,
    headless: true,
    userDataDir: tmpdir('rsheapdump-chromium-'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    defaultViewport: opts.viewport ?? { width: 1400, height: 860 },
    ...opts.launch,
  });
}

module.exports.findChromium = findChromium;
module.exports.launchBrowser = launchBrowser;

/** The share (%) of a profile's folded weight whose stack has a frame matching `re`. */
function foldedShare(file, re) {
  const { foldProfileSync } = require('../analyze');
  let total = 0;
  let hit = 0;
  for (const line of foldProfileSync(file).trim().split('\n')) {
    const i = line.lastIndexOf(' ');
    const w = Number(line.slice(i + 1));
    total += w;
    if (line.slice(0, i).split(';').some((f) => re.test(f))) hit += w;
  }
  return (100 * hit) / total;
}

module.exports.foldedShare = foldedShare;
