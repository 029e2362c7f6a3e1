'use strict';
// writeSnapshot: what the files hold, how they are written, and how failures look.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, tmpdir, runChild, readSnapshot, countNodes, assertValidSnapshot, partials, copyPackage } = require('./helpers');
const rsheapdump = require('..');

test('a snapshot holds exactly the 10,000 instances the process holds', async () => {
  const r = await runChild(`
    const rsheapdump = require('rsheapdump');
    class TenThousandThing { constructor(i) { this.i = i; } }
    globalThis.keep = Array.from({ length: 10000 }, (_, i) => new TenThousandThing(i));
    rsheapdump.writeSnapshot('ten.heapsnapshot').then((f) => console.log(f));
  `);
  assert.equal(r.code, 0, r.stderr);
  const file = r.stdout.trim();
  assert.equal(file, path.join(r.dir, 'ten.heapsnapshot'));
  const snap = readSnapshot(file);
  assertValidSnapshot(assert, snap);
  assert.equal(countNodes(snap, 'TenThousandThing'), 10000);
});

test('gzip output is a valid snapshot, smaller than a third of the plain one', async () => {
  const dir = tmpdir();
  const plain = await rsheapdump.writeSnapshot(path.join(dir, 'p.heapsnapshot'));
  const gz = await rsheapdump.writeSnapshot(path.join(dir, 'g.heapsnapshot'), { gzip: true });
  assert.equal(gz, path.join(dir, 'g.heapsnapshot.gz'), 'gzip adds .gz to the name');
  const bytes = fs.readFileSync(gz);
  assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
  assertValidSnapshot(assert, readSnapshot(gz));
  assert.ok(bytes.length < fs.statSync(plain).size / 3, `${bytes.length} vs ${fs.statSync(plain).size}`);
  const named = await rsheapdump.writeSnapshot(path.join(dir, 'n.heapsnapshot.gz'));
  assert.deepEqual([...fs.readFileSync(named).subarray(0, 2)], [0x1f, 0x8b], 'a .gz name without the option is gzip');
  const level9 = await rsheapdump.writeSnapshot(path.join(dir, 'nine.heapsnapshot'), { gzip: 9 });
  assertValidSnapshot(assert, readSnapshot(level9));
});

test('files are mode 0600 and no .partial file outlives the call', async () => {
  const dir = tmpdir();
  const file = path.join(dir, 'm.heapsnapshot');
  const p = rsheapdump.writeSnapshot(file);
  assert.deepEqual(partials(dir), ['m.heapsnapshot.partial'], 'written under the partial name first');
  assert.equal(fs.existsSync(file), false, 'the final name appears only when complete');
  await p;
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(partials(dir), []);
});

test('the callback gets (null, filename) and the promise resolves to the same name', async () => {
  const dir = tmpdir();
  const file = path.join(dir, 'cb.heapsnapshot');
  const got = await new Promise((resolve) => {
    const p = rsheapdump.writeSnapshot(file, (err, name) => resolve({ err, name, p }));
  });
  assert.equal(got.err, null);
  assert.equal(got.name, file);
  assert.equal(await got.p, file);
});

test('a missing directory fails at once with ENOENT, before any snapshot is taken', async () => {
  const dir = tmpdir();
  const t0 = process.hrtime.bigint();
  await assert.rejects(rsheapdump.writeSnapshot(path.join(dir, 'no', 'such', 'x.heapsnapshot')), (err) => {
    assert.equal(err.code, 'ENOENT');
    assert.equal(err.syscall, 'open');
    assert.equal(err.path, path.join(dir, 'no', 'such', 'x.heapsnapshot'));
    assert.match(err.message, /no such file or directory/);
    return true;
  });
  const failMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const t1 = process.hrtime.bigint();
  await rsheapdump.writeSnapshot(path.join(dir, 'ok.heapsnapshot'));
  const okMs = Number(process.hrtime.bigint() - t1) / 1e6;
  assert.ok(failMs * 5 < okMs, `failure took ${failMs} ms, a snapshot ${okMs} ms`);
  assert.deepEqual(fs.readdirSync(dir), ['ok.heapsnapshot']);
});

test('a directory as the filename is EISDIR and leaves nothing behind', async () => {
  const dir = tmpdir();
  fs.mkdirSync(path.join(dir, 'd'));
  await assert.rejects(rsheapdump.writeSnapshot(path.join(dir, 'd')), { code: 'EISDIR', syscall: 'open' });
  assert.deepEqual(fs.readdirSync(dir), ['d']);
});

test('a read-only directory is EACCES', async () => {
  const dir = tmpdir();
  const ro = path.join(dir, 'ro');
  fs.mkdirSync(ro, { mode: 0o555 });
  fs.chmodSync(dir, 0o755);
  // root may write anywhere: run the check as an unprivileged user when we are root. That user
  // may not be able to read the checkout (a clone under a 0700 directory), so it gets a copy.
  const asRoot = process.getuid() === 0;
  let pkg = ROOT;
  if (asRoot) {
    pkg = path.join(dir, 'pkg');
    fs.mkdirSync(pkg, { mode: 0o755 });
    copyPackage(pkg);
    // Copies keep their source's mode; make them readable whatever the umask was at clone time.
    const open = (p) => {
      const st = fs.statSync(p);
      fs.chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
      if (st.isDirectory()) for (const e of fs.readdirSync(p)) open(path.join(p, e));
    };
    open(pkg);
  }
  // The node binary too must be reachable by that user (the Node matrix keeps its binaries
  // inside the checkout).
  let node = process.execPath;
  const reachable = (p) => {
    for (let d = p; ; d = path.dirname(d)) {
      if ((fs.statSync(d).mode & 0o001) === 0) return false;
      if (d === path.dirname(d)) return true;
    }
  };
  if (asRoot && !reachable(node)) {
    node = path.join(dir, 'node');
    fs.copyFileSync(process.execPath, node);
    fs.chmodSync(node, 0o755);
  }
  const r = await runChild(
    `require(${JSON.stringify(pkg)}).writeSnapshot(${JSON.stringify(path.join(ro, 'x.heapsnapshot'))})
       .then(() => console.log('no error'), (e) => console.log(JSON.stringify({ code: e.code, syscall: e.syscall, path: e.path })));`,
    { cwd: dir, node, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { code: 'EACCES', syscall: 'open', path: path.join(ro, 'x.heapsnapshot') });
  assert.deepEqual(fs.readdirSync(ro), []);
});

test('a full disk (file size limit) is a clean error: no file left, the process keeps running', async () => {
  const r = await runChild(
    `const rsheapdump = require('rsheapdump');
     globalThis.keep = Array.from({ length: 50000 }, (_, i) => ({ i, s: 'x' + i }));
     rsheapdump.writeSnapshot('full.heapsnapshot').then(
       () => console.log(JSON.stringify({ ok: true })),
       (e) => console.log(JSON.stringify({ code: e.code, syscall: e.syscall, files: require('fs').readdirSync('.').filter((f) => f.startsWith('full')) })));
     setTimeout(() => console.log('alive'), 50);`,
    { shell: 'ulimit -f 512 && exec $NODE $SCRIPT' },
  );
  assert.equal(r.code, 0, r.stderr);
  const [result, alive] = r.stdout.trim().split('\n').sort().reverse();
  assert.equal(alive, 'alive');
  assert.deepEqual(JSON.parse(result), { code: 'EFBIG', syscall: 'write', files: [] });
});

test('wrong option types are TypeErrors naming the option', () => {
  assert.throws(() => rsheapdump.writeSnapshot('x', { gzip: 'yes' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"options\.gzip"/ });
  assert.throws(() => rsheapdump.writeSnapshot('x', { gzip: 10 }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE', message: /"options\.gzip"/ });
  assert.throws(() => rsheapdump.writeSnapshot('x', { captureNumericValue: 1 }), { code: 'ERR_INVALID_ARG_TYPE', message: /"options\.captureNumericValue"/ });
  assert.throws(() => rsheapdump.writeSnapshot('x', { exposeInternals: 'no' }), { code: 'ERR_INVALID_ARG_TYPE', message: /"options\.exposeInternals"/ });
  assert.throws(() => rsheapdump.writeSnapshot('x', 5), { code: 'ERR_INVALID_ARG_TYPE', message: /"options"/ });
  assert.throws(() => rsheapdump.writeSnapshot('x.gz', { gzip: false }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.equal(fs.existsSync('x.partial'), false);
});

test('five concurrent calls give five valid, distinct files', async () => {
  const dir = tmpdir();
  const names = await Promise.all([1, 2, 3, 4, 5].map((i) => rsheapdump.writeSnapshot(path.join(dir, `c${i}.heapsnapshot`), { gzip: i % 2 === 0 })));
  assert.equal(new Set(names).size, 5);
  for (const f of names) assert.ok(assertValidSnapshot(assert, readSnapshot(f)) > 1000);
  assert.deepEqual(partials(dir), []);
});

test('the process exits by itself after a snapshot, and after a bare require', async () => {
  const after = await runChild(`require('rsheapdump').writeSnapshot('e.heapsnapshot').then((f) => console.log('done'));`, { timeout: 20_000 });
  assert.equal(after.signal, null, 'not killed by the timeout');
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stdout.trim(), 'done');
  const bare = await runChild(`require('rsheapdump');`, { timeout: 20_000 });
  assert.equal(bare.signal, null);
  assert.equal(bare.code, 0, bare.stderr);
});

test('the default name is heapdump-<ms>.<ns>.heapsnapshot in the cwd', async () => {
  const r = await runChild(`require('rsheapdump').writeSnapshot().then((f) => console.log(f));`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(path.basename(r.stdout.trim()), /^heapdump-\d+\.\d+\.heapsnapshot$/);
  assert.equal(path.dirname(r.stdout.trim()), fs.realpathSync(r.dir));
});

test('process.exit() after a snapshot prints nothing (no inspector session is left connected)', async () => {
  const r = await runChild(`require('rsheapdump').writeSnapshot('x.heapsnapshot').then(() => process.exit(0));`, { timeout: 20_000 });
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '', 'no "Waiting for the debugger to disconnect..."');
  const bare = await runChild(`require('rsheapdump'); setTimeout(() => process.exit(0), 200);`, { timeout: 20_000 });
  assert.equal(bare.stderr, '');
});

test("heapdump's call shape (no callback, no await) never crashes the app: a failure is one warning with its code", async () => {
  // A bad directory (fails at open) and a full disk (fails while writing), neither awaited.
  const r = await runChild(
    `const rsheapdump = require('rsheapdump');
     globalThis.keep = Array.from({ length: 50000 }, (_, i) => ({ i, s: 'x' + i }));
     rsheapdump.writeSnapshot('/nonexistent/x.heapsnapshot');
     rsheapdump.writeSnapshot('full.heapsnapshot');
     setTimeout(() => console.log('alive'), 1500);`,
    { shell: 'ulimit -f 512 && exec $NODE $SCRIPT' },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'alive');
  const warnings = r.stderr.split('\n').filter((l) => l.includes('Warning'));
  assert.equal(warnings.length, 2, r.stderr);
  assert.match(warnings.find((w) => w.includes('nonexistent')) ?? '', /\[ENOENT\].*nonexistent\/x\.heapsnapshot/);
  assert.match(warnings.find((w) => w.includes('full')) ?? '', /\[EFBIG\]/);
});

test('an awaited or caught failure is the caller\'s alone: no warning, no unhandled rejection', async () => {
  const r = await runChild(
    `const rsheapdump = require('rsheapdump');
     process.on('unhandledRejection', () => console.log('unhandled'));
     (async () => {
       try { await rsheapdump.writeSnapshot('/nonexistent/a.heapsnapshot'); } catch (e) { console.log('awaited', e.code); }
       rsheapdump.writeSnapshot('/nonexistent/b.heapsnapshot').catch((e) => console.log('caught', e.code));
       const p = rsheapdump.writeSnapshot('/nonexistent/c.heapsnapshot');
       await null;
       p.then(null, (e) => console.log('late', e.code));
     })();`,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['awaited ENOENT', 'caught ENOENT', 'late ENOENT']);
  assert.equal(r.stderr, '');
});

test('calls with the same file name each write a complete file under their own .partial; the later one wins the name', async () => {
  // setInterval(() => writeSnapshot('latest.heapsnapshot.gz'), ...) with a snapshot slower than the interval.
  const dir = tmpdir();
  const file = path.join(dir, 'latest.heapsnapshot.gz');
  const calls = [1, 2, 3].map(() => rsheapdump.writeSnapshot(file));
  assert.deepEqual(await Promise.all(calls), [file, file, file]);
  assertValidSnapshot(assert, readSnapshot(file));
  assert.deepEqual(fs.readdirSync(dir), ['latest.heapsnapshot.gz']);
});

test('writeSnapshot(); process.exit(): the file is complete on disk when the process is gone (a crash handler)', { timeout: 400_000 }, async () => {
  for (const name of ['crash.heapsnapshot', 'crash.heapsnapshot.gz']) {
    const r = await runChild(
      `const rsheapdump = require('rsheapdump');
       class CrashMarker { constructor(i) { this.i = i; this.s = 'v' + i; } }
       globalThis.keep = Array.from({ length: 50000 }, (_, i) => new CrashMarker(i));
       setTimeout(() => { rsheapdump.writeSnapshot(${JSON.stringify(name)}); process.exit(3); }, 100);`,
      // A loaded machine (the Node matrix runs beside other jobs) can take tens of seconds here.
      { timeout: 180_000 },
    );
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stderr, '');
    const files = fs.readdirSync(r.dir).filter((f) => f.startsWith('crash'));
    assert.deepEqual(files, [name]);
    const snap = readSnapshot(path.join(r.dir, name));
    assertValidSnapshot(assert, snap);
    assert.equal(countNodes(snap, 'CrashMarker'), 50000);
  }
});
