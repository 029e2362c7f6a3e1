'use strict';
// SIGUSR2 and NODE_HEAPDUMP_OPTIONS: heapdump's behaviour, plus serving a main thread stuck in a loop.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, tmpdir, runChild, startChild, waitFor, heapdumpFiles, readSnapshot, assertValidSnapshot, countNodes } = require('./helpers');

const IDLE = `require('rsheapdump'); console.log('ready'); setTimeout(() => {}, 30000);`;

test('SIGUSR2 writes a snapshot with the default name in the cwd', async () => {
  const c = startChild(IDLE);
  const child = await c.ready;
  child.kill('SIGUSR2');
  const cwd = path.dirname(child.spawnargs.at(-1));
  const [file] = await waitFor(() => heapdumpFiles(cwd).length && heapdumpFiles(cwd), 20_000, 'the snapshot');
  assertValidSnapshot(assert, readSnapshot(path.join(cwd, file)));
  assert.equal(fs.statSync(path.join(cwd, file)).mode & 0o777, 0o600);
  c.kill('SIGTERM');
});

test('NODE_HEAPDUMP_OPTIONS=nosignal: SIGUSR2 keeps its default action and no snapshot is taken', async () => {
  const c = startChild(IDLE, { env: { NODE_HEAPDUMP_OPTIONS: 'nosignal' } });
  const child = await c.ready;
  child.kill('SIGUSR2');
  const r = await c.done;
  assert.equal(r.signal, 'SIGUSR2', 'killed by the signal, as without rsheapdump');
  assert.deepEqual(heapdumpFiles(r.dir), []);
});

test('an unknown option prints heapdump\'s warning and is ignored; gzip and dir= are honoured', async () => {
  const out = tmpdir();
  const c = startChild(IDLE, { env: { NODE_HEAPDUMP_OPTIONS: `bogus, gzip,dir=${out}` } });
  const child = await c.ready;
  child.kill('SIGUSR2');
  const [file] = await waitFor(() => heapdumpFiles(out).length && heapdumpFiles(out), 20_000, 'the snapshot');
  assert.match(file, /\.heapsnapshot\.gz$/);
  assertValidSnapshot(assert, readSnapshot(path.join(out, file)));
  c.kill('SIGTERM');
  const r = await c.done;
  assert.match(r.stderr, /^node-heapdump: unrecognized option: bogus$/m);
});

test('SIGUSR2 is served while the main thread is stuck in while (true) {}', async () => {
  const c = startChild(`
    require('rsheapdump');
    class StuckMarker {}
    globalThis.marker = [new StuckMarker(), new StuckMarker(), new StuckMarker()];
    console.log('ready');
    function spin() { let x = 0; for (let i = 0; i < 1e6; i++) x += i; return x; }
    while (true) spin();
  `);
  const child = await c.ready;
  await new Promise((r) => setTimeout(r, 300)); // well inside the loop by now
  child.kill('SIGUSR2');
  const cwd = path.dirname(child.spawnargs.at(-1));
  const [file] = await waitFor(() => heapdumpFiles(cwd).length && heapdumpFiles(cwd), 30_000, 'the snapshot');
  const snap = readSnapshot(path.join(cwd, file));
  assertValidSnapshot(assert, snap);
  assert.equal(countNodes(snap, 'StuckMarker'), 3);
  assert.equal(child.exitCode, null, 'still looping');
  c.kill('SIGKILL');
});

test("the app's own SIGUSR2 listeners still run, added before or after require, and after one is removed", async () => {
  const c = startChild(`
    process.on('SIGUSR2', () => console.log('listener before'));
    require('rsheapdump');
    const after = () => console.log('listener after');
    const removed = () => console.log('removed listener');
    process.on('SIGUSR2', after);
    process.on('SIGUSR2', removed);
    process.off('SIGUSR2', removed);
    console.log('ready');
    setTimeout(() => {}, 30000);
  `);
  const child = await c.ready;
  child.kill('SIGUSR2');
  const cwd = path.dirname(child.spawnargs.at(-1));
  await waitFor(() => heapdumpFiles(cwd).length === 1, 20_000, 'the snapshot');
  await new Promise((r) => setTimeout(r, 200));
  c.kill('SIGTERM');
  const r = await c.done;
  assert.deepEqual(r.stdout.trim().split('\n').sort(), ['listener after', 'listener before', 'ready']);
});

test('the app runs on only once the signal snapshot is complete under its final name (heapdump: a timer due during the write finds the file)', async () => {
  const r = await runChild(`
    const fs = require('fs');
    require('rsheapdump');
    // Enough heap that the write pauses the main thread for a while.
    globalThis.keep = Array.from({ length: 200000 }, (_, i) => ({ i, s: 'v' + i }));
    const files = () => fs.readdirSync('.').filter((f) => /^heapdump-.*\\.heapsnapshot$/.test(f));
    const misses = []; // start times of the ticks that did not see the file
    const tick = setInterval(() => {
      const t = Date.now();
      // Signalled from the first tick, so that the app's timers already run when it comes
      // (the pause may then begin anywhere, even inside this tick).
      if (misses.length === 0) {
        misses.push(t);
        return void process.kill(process.pid, 'SIGUSR2');
      }
      const found = files();
      if (found.length === 0) return void misses.push(t);
      clearInterval(tick);
      // The file's last write ends the main thread's pause: a tick that began after it and did
      // not see the file is app code that ran before the file was there.
      const written = fs.statSync(found[0]).mtimeMs;
      const partial = fs.readdirSync('.').filter((f) => f.endsWith('.partial'));
      console.log(JSON.stringify({ late: misses.filter((m) => m > written), partial }));
    }, 1);
  `);
  assert.equal(r.code, 0, r.stderr);
  const { late, partial } = JSON.parse(r.stdout);
  assert.deepEqual(late, [], 'ticks ran after the write and before the rename');
  assert.deepEqual(partial, []);
  const [file] = heapdumpFiles(r.dir);
  assertValidSnapshot(assert, readSnapshot(path.join(r.dir, file)));
});

test('two signals in a row give two valid files, queued rather than interleaved', async () => {
  const c = startChild(IDLE);
  const child = await c.ready;
  child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGUSR2');
  const cwd = path.dirname(child.spawnargs.at(-1));
  const files = await waitFor(() => heapdumpFiles(cwd).length === 2 && heapdumpFiles(cwd), 30_000, 'two snapshots');
  for (const f of files) assertValidSnapshot(assert, readSnapshot(path.join(cwd, f)));
  c.kill('SIGTERM');
});

test('a process with rsheapdump loaded still exits by itself after a signal snapshot', async () => {
  const c = startChild(`require('rsheapdump'); console.log('ready'); setTimeout(() => {}, 800);`);
  const child = await c.ready;
  child.kill('SIGUSR2');
  const r = await c.done;
  assert.equal(r.signal, null);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(heapdumpFiles(r.dir).length, 1, 'the snapshot was completed before exit');
});

test('NODE_HEAPDUMP_OPTIONS=cpuprofile=1: SIGURG records a 1 s CPU profile of a stuck main thread; spin dominates', async () => {
  const c = startChild(
    `require('rsheapdump');
     console.log('ready');
     function spin() { let x = 0; for (let i = 0; i < 1e6; i++) x += Math.sqrt(i); return x; }
     while (true) spin();`,
    { env: { NODE_HEAPDUMP_OPTIONS: 'cpuprofile=1' } },
  );
  const child = await c.ready;
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  child.kill('SIGURG');
  const cwd = path.dirname(child.spawnargs.at(-1));
  const profiles = () => fs.readdirSync(cwd).filter((f) => /^CPU\.\d{8}\.\d{6}\.\d+\.0\.\d{3}\.cpuprofile$/.test(f));
  const [file] = await waitFor(() => profiles().length && profiles(), 30_000, 'the CPU profile');
  assert.ok(Date.now() - t0 >= 1000, 'recorded for the asked-for second');
  const profile = JSON.parse(fs.readFileSync(path.join(cwd, file), 'utf8'));
  assert.equal(profile.samples.length, profile.timeDeltas.length);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const spinSamples = profile.samples.filter((id) => byId.get(id).callFrame.functionName === 'spin').length;
  assert.ok(spinSamples > profile.samples.length * 0.8, `spin holds ${spinSamples} of ${profile.samples.length} samples`);
  assert.equal(fs.statSync(path.join(cwd, file)).mode & 0o777, 0o600);
  assert.equal(child.exitCode, null, 'still looping');
  c.kill('SIGKILL');
});

test('without cpuprofile, SIGURG keeps its default (ignored) and nothing is written', async () => {
  const c = startChild(IDLE);
  const child = await c.ready;
  child.kill('SIGURG');
  await new Promise((r) => setTimeout(r, 1500));
  const cwd = path.dirname(child.spawnargs.at(-1));
  assert.deepEqual(fs.readdirSync(cwd).filter((f) => f.endsWith('.cpuprofile')), []);
  assert.equal(child.exitCode, null);
  c.kill('SIGTERM');
});

test('on Windows (no SIGUSR2) setting up signals is a documented no-op, not an error from require', async () => {
  const r = await runChild(
    `const { setup } = require(${JSON.stringify(path.join(ROOT, 'lib', 'signal.js'))});
     const before = process.listenerCount('newListener');
     const opts = setup({ NODE_HEAPDUMP_OPTIONS: 'gzip' }, 'win32');
     console.log(opts.signal, opts.gzip, process.listenerCount('newListener') - before);`,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'false true 0');
});

test('a SIGUSR2 the process sends itself after API use gives a snapshot, and so do later signals', { timeout: 60_000 }, async () => {
  // Node runs its at-exit hooks (which detach the inspector from the main context) before
  // process.kill(process.pid, sig) when no JavaScript listener exists for sig.
  const c = startChild(`
    const fs = require('fs');
    const rsheapdump = require('rsheapdump');
    const files = () => fs.readdirSync('.').filter((f) => /^heapdump-.*\\.heapsnapshot$/.test(f)).length;
    const until = (n) => new Promise((resolve) => { const t = setInterval(() => files() >= n && (clearInterval(t), resolve()), 20); });
    (async () => {
      await rsheapdump.writeSnapshot('api.heapsnapshot');
      process.kill(process.pid, 'SIGUSR2');
      await until(1);
      process.kill(process.pid, 'SIGUSR2');
      await until(2);
      console.log('ready');
      await until(3);
      console.log('done');
    })();
  `);
  const child = await c.ready;
  child.kill('SIGUSR2');
  const r = await c.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'no "Waiting for the debugger to disconnect...", no failure');
  const files = heapdumpFiles(r.dir);
  assert.equal(files.length, 3);
  for (const f of files) assertValidSnapshot(assert, readSnapshot(path.join(r.dir, f)));
});

test('signal snapshots work without process.getBuiltinModule (Node 20.0-20.15, 22.0-22.2)', { timeout: 60_000 }, async () => {
  // Removed here so that every Node shows what those versions do; the suite also runs on them.
  const c = startChild(`delete process.getBuiltinModule; ${IDLE}`);
  const child = await c.ready;
  child.kill('SIGUSR2');
  const cwd = path.dirname(child.spawnargs.at(-1));
  const [file] = await waitFor(() => heapdumpFiles(cwd).length && heapdumpFiles(cwd), 20_000, 'the snapshot');
  assertValidSnapshot(assert, readSnapshot(path.join(cwd, file)));
  c.kill('SIGTERM');
  const r = await c.done;
  assert.doesNotMatch(r.stderr, /failed/);
});

test('a failed signal snapshot prints one line on stderr, and the next signal works', { timeout: 60_000 }, async () => {
  // V8's writer failing (here made to throw, with a multi-line stack) must not print a stack trace.
  const c = startChild(`
    const v8 = require('v8');
    const real = v8.writeHeapSnapshot;
    let failures = 1;
    v8.writeHeapSnapshot = (...a) => { if (failures-- > 0) throw new Error('disk on fire'); return real(...a); };
    ${IDLE}`);
  const child = await c.ready;
  child.kill('SIGUSR2');
  const cwd = path.dirname(child.spawnargs.at(-1));
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGUSR2');
  const [file] = await waitFor(() => heapdumpFiles(cwd).length && heapdumpFiles(cwd), 20_000, 'the second snapshot');
  assertValidSnapshot(assert, readSnapshot(path.join(cwd, file)));
  c.kill('SIGTERM');
  const r = await c.done;
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^rsheapdump: the snapshot asked for by signal failed: .*disk on fire.*\[ERR_RSHEAPDUMP_SNAPSHOT\]$/);
  assert.deepEqual(fs.readdirSync(cwd).filter((f) => f.endsWith('.partial')), []);
});
