'use strict';
// Attaching to a running process by pid: `rsheapdump ps|snapshot|profile|heap-profile|stack <pid>`
// and rsheapdump.attach. The targets are plain node scripts that never load rsheapdump. After each
// test the target must still run and its inspector be closed (unless it was open before).
//
// Targets run with --inspect-port=0 (SIGUSR1 then opens the inspector on a free port) so that
// suites running at the same time on one machine do not fight over 9229; the first test uses the
// default port, as a user's process would.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { tmpdir, readSnapshot, countNodes, ROOT } = require('./helpers');
const proc = require('../lib/attach/proc');
const cdp = require('../lib/attach/cdp');
const rsheapdump = require('..');

const BIN = path.join(ROOT, 'bin', 'rsheapdump.js');
const IS_ROOT = process.getuid() === 0;

const TARGET = `
class AttachTargetThing { constructor(i) { this.i = i; } }
globalThis.keep = Array.from({ length: 777 }, (_, i) => new AttachTargetThing(i));
const extra = Number(process.env.EXTRA_OBJECTS || 0);
globalThis.ballast = Array.from({ length: extra }, (_, i) => ({ i, s: 'ballast-' + i }));
function attachBusyWork() { let x = 0; for (let i = 0; i < 2e5; i++) x += Math.sqrt(i) * Math.sin(i); return x; }
function attachAllocate() { const a = []; for (let i = 0; i < 2000; i++) a.push({ i, j: i * 2, k: [i, i] }); return a.length; }
const mode = process.argv[2];
if (mode === 'stuck') setTimeout(function attachStuckLoop() { for (;;) attachBusyWork(); }, 10);
else if (mode === 'alloc') setInterval(() => { globalThis.last = attachAllocate(); }, 1);
else if (mode === 'idle') setInterval(() => {}, 1000);
else if (mode === 'usr1') { process.on('SIGUSR1', () => process.stdout.write('app got SIGUSR1\\n')); setInterval(() => {}, 1000); }
else if (mode === 'open') { require('node:inspector').open(0, '127.0.0.1'); process.stdout.write(require('node:inspector').url() + '\\n'); setInterval(() => {}, 1000); }
else setInterval(attachBusyWork, 1);
process.stdout.write('ready\\n');
`;

/** Starts a target (`node [execArgv] target.js mode`), resolves once it is ready. */
async function startTarget(t, mode = 'busy', { execArgv = ['--inspect-port=0'], env = {}, command, uid, gid } = {}) {
  const dir = tmpdir('rsheapdump-target-');
  if (uid !== undefined) fs.chmodSync(dir, 0o755);
  const script = path.join(dir, 'target.js');
  fs.writeFileSync(script, TARGET);
  const [cmd, args] = command ? command(script) : [process.execPath, [...execArgv, script, mode]];
  const child = spawn(cmd, command ? [...args, mode] : args, { cwd: dir, env: { ...process.env, ...env }, uid, gid, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('ready\n')) resolve();
    });
    child.on('exit', (code, signal) => reject(new Error(`target exited early (${code ?? signal}): ${stderr}`)));
  });
  t.after(() => child.kill('SIGKILL'));
  return { child, pid: child.pid, dir, out: () => stdout, err: () => stderr };
}

/** Runs the CLI; resolves to { code, stdout, stderr }. */
function cli(args, { onSpawn, cwd, uid, gid } = {}) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: cwd ?? tmpdir(), uid, gid, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    if (onSpawn) onSpawn(c, () => stderr);
    const timer = setTimeout(() => c.kill('SIGKILL'), 120_000);
    c.on('error', reject);
    c.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The target runs and listens on nothing (its inspector is closed). */
function assertAliveAndClosed(target) {
  assert.equal(target.child.exitCode, null, 'the target still runs');
  assert.equal(target.child.signalCode, null, 'the target was not killed');
  assert.deepEqual(proc.ownListeners(target.pid), [], 'the target listens on no port: its inspector is closed');
}

function filesIn(dir) {
  return fs.readdirSync(dir).sort();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('snapshot <pid>: a gzip file with the class only the target allocates, 0600; the target runs on with its inspector closed', async (t) => {
  // The default port, as a user's process has it, unless another program holds 9229 right now.
  const free = !proc.listeners(process.pid).some((l) => l.port === 9229);
  const target = await startTarget(t, 'busy', { execArgv: free ? [] : ['--inspect-port=0'] });
  const out = tmpdir();
  const r = await cli(['snapshot', String(target.pid), '-o', path.join(out, 'target.heapsnapshot'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.path, path.join(out, 'target.heapsnapshot.gz'));
  assert.equal(res.pid, target.pid);
  assert.equal(res.nodeVersion, process.version);
  assert.ok(res.pauseMs > 0 && res.bytes > 0 && res.rawBytes > res.bytes, JSON.stringify(res));
  assert.equal(fs.statSync(res.path).mode & 0o777, 0o600);
  assert.deepEqual(filesIn(out), ['target.heapsnapshot.gz'], 'no .partial file is left');
  assert.equal(countNodes(readSnapshot(res.path), 'AttachTargetThing'), 777);
  assert.match(target.err(), free ? /Debugger listening on ws:\/\/127\.0\.0\.1:9229\// : /Debugger listening on ws:\/\/127\.0\.0\.1:\d+\//);
  assertAliveAndClosed(target);
  // The plain output names the file, its size and the pause.
  const r2 = await cli(['snapshot', String(target.pid), '-o', path.join(out, 'again.heapsnapshot.gz')], { cwd: out });
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stdout, /^again\.heapsnapshot\.gz {2}[\d.]+ [KM]B \([\d.]+ [KM]B uncompressed\), process \d+ paused \d+ ms\n$/);
  assert.match(r2.stderr, /inspector on 127\.0\.0\.1:\d+ \(opened with SIGUSR1, closed when done\)/);
  assertAliveAndClosed(target);
});

test('snapshot <pid> --no-gzip of a main thread stuck in a loop', async (t) => {
  const target = await startTarget(t, 'stuck');
  const out = tmpdir();
  const r = await cli(['snapshot', String(target.pid), '--no-gzip', '--json'], { cwd: out });
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.method, 'interrupt');
  assert.match(path.basename(res.path), new RegExp(`^Heap\\.\\d{8}\\.\\d{6}\\.${target.pid}\\.0\\.\\d{3}\\.heapsnapshot$`), 'Node\'s naming, with the target\'s pid');
  assert.equal(path.dirname(res.path), fs.realpathSync(out));
  assert.equal(fs.readFileSync(res.path, 'utf8', { length: 1 })[0], '{', 'plain JSON');
  assert.equal(countNodes(readSnapshot(res.path), 'AttachTargetThing'), 777);
  assert.deepEqual(filesIn(out), [path.basename(res.path)]);
  assertAliveAndClosed(target);
  // Nothing of the private copy V8 wrote is left in the temp directory.
  assert.deepEqual(
    fs.readdirSync(require('node:os').tmpdir()).filter((f) => f.startsWith('rsheapdump-') && fs.existsSync(path.join(require('node:os').tmpdir(), f, 'snapshot.heapsnapshot'))),
    [],
  );
});

test('profile <pid>: the hottest function is the target\'s busy function; the file is a .cpuprofile; --flame writes the SVG', async (t) => {
  const target = await startTarget(t, 'busy');
  const out = tmpdir();
  const r = await cli(['profile', String(target.pid), '-d', '1500ms', '--interval', '500us', '--flame', path.join(out, 'f.svg'), '--json'], { cwd: out });
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.functions[0].name, 'attachBusyWork', JSON.stringify(res.functions.slice(0, 3)));
  assert.ok(res.durationMs >= 1400, `recorded ${res.durationMs} ms`);
  assert.match(path.basename(res.path), new RegExp(`^CPU\\.\\d{8}\\.\\d{6}\\.${target.pid}\\.0\\.\\d{3}\\.cpuprofile$`));
  const profile = JSON.parse(fs.readFileSync(res.path, 'utf8'));
  assert.ok(Array.isArray(profile.nodes) && profile.samples.length > 100 && profile.endTime > profile.startTime);
  assert.match(fs.readFileSync(path.join(out, 'f.svg'), 'utf8'), /attachBusyWork/);
  assert.equal(fs.statSync(res.path).mode & 0o777, 0o600);
  assertAliveAndClosed(target);
});

test('profile <pid> of a stuck main thread, and its plain output', async (t) => {
  const target = await startTarget(t, 'stuck');
  const out = tmpdir();
  const r = await cli(['profile', String(target.pid), '-d', '1s', '-o', path.join(out, 'p.cpuprofile'), '-n', '3'], { cwd: out });
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n');
  const head = rows.findIndex((l) => l.startsWith('Self ms'));
  assert.ok(head > 0, r.stdout);
  assert.match(rows[head + 1], /attachBusyWork/, 'the first row is the looping work');
  assertAliveAndClosed(target);
});

test('heap-profile <pid>: the target\'s allocating function is among the top allocation sites', async (t) => {
  const target = await startTarget(t, 'alloc');
  const out = tmpdir();
  const r = await cli(['heap-profile', String(target.pid), '-d', '1s', '--interval', '4k', '--json'], { cwd: out });
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  // Among the top sites with a large share: V8 12+ puts part of the samples of an inlined
  // function on its caller (listOnTimeout here), however the profile is started.
  const site = res.functions.slice(0, 3).find((f) => f.name === 'attachAllocate');
  assert.ok(site && site.selfPercent >= 20, JSON.stringify(res.functions.slice(0, 3)));
  assert.match(path.basename(res.path), new RegExp(`^Heap\\.\\d{8}\\.\\d{6}\\.${target.pid}\\.0\\.\\d{3}\\.heapprofile$`));
  const profile = JSON.parse(fs.readFileSync(res.path, 'utf8'));
  assert.ok(profile.head && Array.isArray(profile.samples) && profile.samples.length > 0);
  assertAliveAndClosed(target);
});

test('stack <pid> of a stuck main thread names the looping function; an idle one is reported idle', async (t) => {
  const stuck = await startTarget(t, 'stuck');
  const r = await cli(['stack', String(stuck.pid)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^process \d+: main thread, innermost frame first\n {4}at attachBusyWork \(.*target\.js:\d+:\d+\)\n {4}at .*attachStuckLoop.* \(.*target\.js:\d+:\d+\)\n/);
  const j = await cli(['stack', String(stuck.pid), '--json']);
  assert.equal(j.code, 0, j.stderr);
  const frames = JSON.parse(j.stdout).frames;
  assert.deepEqual(frames.slice(0, 2).map((f) => f.functionName), ['attachBusyWork', 'attachStuckLoop']);
  assert.ok(frames.every((f) => f.url !== 'rsheapdump-stack.js'), 'none of our own frames');
  assertAliveAndClosed(stuck);
  const idle = await startTarget(t, 'idle');
  const r2 = await cli(['stack', String(idle.pid)]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stdout, /main thread idle/);
  assertAliveAndClosed(idle);
});

test('ps lists the target, and an inspector the app opened on a port of its own; attach uses it and leaves it open', async (t) => {
  const plain = await startTarget(t, 'idle');
  const opened = await startTarget(t, 'open', { execArgv: [] });
  const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\//.exec(opened.out())[1]);
  const r = await cli(['ps', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout);
  const a = list.find((p) => p.pid === plain.pid);
  const b = list.find((p) => p.pid === opened.pid);
  assert.ok(a && b, 'both targets are listed');
  assert.equal(a.nodeVersion, process.version);
  assert.equal(a.inspector, null);
  assert.ok(a.rssBytes > 1e6 && a.uptimeSeconds >= 0 && a.command.includes('target.js'));
  assert.deepEqual(b.inspector, { host: '127.0.0.1', port, address: '127.0.0.1' });
  const text = await cli(['ps']);
  // (the command is cut at 80 columns: a long node path may hide the script's name)
  assert.match(text.stdout, new RegExp(`^ *${opened.pid} +${process.version.replace(/\./g, '\\.')} .* 127\\.0\\.0\\.1:${port} +\\S*node`, 'm'));
  const s = await cli(['stack', String(opened.pid)]);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stderr, new RegExp(`inspector on 127\\.0\\.0\\.1:${port} \\(already open, left open\\)`));
  assert.deepEqual(
    proc.ownListeners(opened.pid).map((l) => l.port),
    [port],
    'the app\'s inspector is still open',
  );
  assertAliveAndClosed(plain);
});

test('a target with a debugger already attached (--inspect): used alongside it and left open', async (t) => {
  const target = await startTarget(t, 'busy', { execArgv: ['--inspect=127.0.0.1:0'] });
  const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\//.exec(target.err())[1]);
  const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const debuggerClient = await cdp.connect(list[0].webSocketDebuggerUrl);
  t.after(() => debuggerClient.close());
  await debuggerClient.post('Debugger.enable');
  const out = tmpdir();
  const r = await cli(['snapshot', String(target.pid), '--method', 'inspector', '-o', path.join(out, 's.heapsnapshot.gz'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).method, 'inspector');
  assert.equal(countNodes(readSnapshot(JSON.parse(r.stdout).path), 'AttachTargetThing'), 777);
  const { result } = await debuggerClient.post('Runtime.evaluate', { expression: '6 * 7', returnByValue: true });
  assert.equal(result.value, 42, 'the other debugger still works');
  assert.deepEqual(
    proc.ownListeners(target.pid).map((l) => l.port),
    [port],
  );
  assert.equal(target.child.exitCode, null);
});

test('a pid that does not exist, and bad arguments', async () => {
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  const r = await cli(['snapshot', String(gone)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`there is no process ${gone} .*\\[ERR_RSHEAPDUMP_NO_SUCH_PROCESS\\]`));
  const bad = await cli(['stack', 'abc']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /the pid must be a positive whole number/);
  const none = await cli(['profile']);
  assert.equal(none.code, 2);
  await assert.rejects(rsheapdump.attach('1'), { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(rsheapdump.attach(process.pid), { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(rsheapdump.attach(gone), { code: 'ERR_RSHEAPDUMP_NO_SUCH_PROCESS' });
});

test('a process that is not Node, or whose SIGUSR1 would kill it, is refused and never signalled', async (t) => {
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(() => sleeper.kill('SIGKILL'));
  const r = await cli(['snapshot', String(sleeper.pid)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /is not a Node\.js process; it was not signalled \[ERR_RSHEAPDUMP_NOT_NODE\]/);
  // A program named node whose SIGUSR1 has the default action (as Node with --disable-sigusr1):
  // signalling it would kill it.
  const dir = tmpdir();
  const fake = path.join(dir, 'node');
  fs.copyFileSync(fs.realpathSync(spawnSync('sh', ['-c', 'command -v sleep']).stdout.toString().trim()), fake);
  fs.chmodSync(fake, 0o755);
  const fakeNode = spawn(fake, ['60'], { stdio: 'ignore' });
  t.after(() => fakeNode.kill('SIGKILL'));
  await sleep(100);
  const r2 = await cli(['stack', String(fakeNode.pid)]);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /does not handle SIGUSR1 .*it was not signalled\. Fix: .*\[ERR_RSHEAPDUMP_SIGUSR1_DISABLED\]/);
  await sleep(100);
  assert.equal(sleeper.exitCode ?? sleeper.signalCode, null, 'the non-Node process still runs');
  assert.equal(fakeNode.exitCode ?? fakeNode.signalCode, null, 'the fake node still runs');
  if (process.allowedNodeEnvironmentFlags.has('--disable-sigusr1')) {
    const target = await startTarget(t, 'busy', { execArgv: ['--disable-sigusr1'] });
    const r3 = await cli(['snapshot', String(target.pid)]);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /--disable-sigusr1.*\[ERR_RSHEAPDUMP_SIGUSR1_DISABLED\]/);
    assertAliveAndClosed(target);
  }
});

test('an app that handles SIGUSR1 itself: the wait times out with the cause and the fix', async (t) => {
  const target = await startTarget(t, 'usr1');
  const r = await cli(['stack', String(target.pid), '--timeout', '1s']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /did not open its inspector within 1000 ms of SIGUSR1\. Either the app handles SIGUSR1 itself .*Fix: .*\[ERR_RSHEAPDUMP_INSPECTOR_TIMEOUT\]/);
  assert.match(target.out(), /app got SIGUSR1/);
  assertAliveAndClosed(target);
});

test('the inspector port taken by another process: refused before any signal', async (t) => {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.after(() => server.close());
  const { port } = server.address();
  const target = await startTarget(t, 'busy', { execArgv: [`--inspect-port=${port}`] });
  const r = await cli(['snapshot', String(target.pid)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`port ${port}, .* is taken by process ${process.pid} .*it was not signalled\\. Fix: .*\\[ERR_RSHEAPDUMP_PORT_TAKEN\\]`));
  await sleep(200);
  assert.doesNotMatch(target.err(), /Debugger|inspector/i, 'the target was not signalled');
  assertAliveAndClosed(target);
});

test('two attaches to one pid at once: the second is refused (BUSY), the first goes on', async (t) => {
  const target = await startTarget(t, 'busy');
  const first = await rsheapdump.attach(target.pid);
  try {
    const r = await cli(['stack', String(target.pid)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`another rsheapdump \\(pid ${process.pid}\\) is attached to process ${target.pid}.*\\[ERR_RSHEAPDUMP_BUSY\\]`));
    assert.ok((await first.stack()).frames.length >= 0, 'the first session still works');
  } finally {
    assert.deepEqual(await first.detach(), { inspectorClosed: true });
  }
  const again = await cli(['stack', String(target.pid)]);
  assert.equal(again.code, 0, again.stderr);
  assertAliveAndClosed(target);
});

test('the target exits during a snapshot: TARGET_EXITED, no file, no .partial file', async (t) => {
  const target = await startTarget(t, 'idle', { env: { EXTRA_OBJECTS: '100000' } });
  const out = tmpdir();
  const session = await rsheapdump.attach(target.pid);
  let killed = false;
  await assert.rejects(
    session.writeSnapshot(path.join(out, 'x.heapsnapshot'), {
      method: 'inspector',
      onProgress: () => {
        if (!killed) target.child.kill('SIGKILL');
        killed = true;
      },
    }),
    { code: 'ERR_RSHEAPDUMP_TARGET_EXITED', message: new RegExp(`process ${target.pid} exited during the heap snapshot; nothing was written`) },
  );
  assert.ok(killed);
  assert.deepEqual(filesIn(out), []);
  assert.deepEqual(await session.detach(), { inspectorClosed: true });
});

for (const [sig, method] of [
  ['SIGINT', 'auto'],
  ['SIGTERM', 'inspector'],
]) {
  test(`${sig} during a snapshot (--method ${method}): exit 1 with ABORTED, no file or directory left, the inspector closed`, async (t) => {
    const target = await startTarget(t, 'idle', { env: { EXTRA_OBJECTS: '150000' } });
    const out = tmpdir();
    let sent = false;
    const r = await cli(['snapshot', String(target.pid), '--method', method, '-o', path.join(out, 'x.heapsnapshot')], {
      onSpawn: (child) => {
        // The .partial file (and for auto, V8's private directory) exists once the snapshot began.
        const poll = setInterval(() => {
          if (filesIn(out).some((f) => f.endsWith('.partial'))) {
            clearInterval(poll);
            child.kill(sig);
            sent = true;
          }
        }, 5);
        child.on('close', () => clearInterval(poll));
      },
    });
    assert.ok(sent, `${sig} was sent while the snapshot was being taken`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the heap snapshot was interrupted; nothing was written \[ERR_RSHEAPDUMP_ABORTED\]/);
    assert.deepEqual(filesIn(out), []);
    assertAliveAndClosed(target);
  });
}

test('disk full: ENOSPC, no file left, the target unharmed', { skip: !IS_ROOT && 'mounting a small tmpfs needs root' }, async (t) => {
  const target = await startTarget(t, 'busy');
  const full = tmpdir();
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', full]);
  assert.equal(m.status, 0, String(m.stderr));
  // Lazy: the target may still hold the file V8 failed to write until it is killed.
  t.after(() => spawnSync('umount', ['-l', full]));
  const r = await cli(['snapshot', String(target.pid), '--no-gzip', '-o', path.join(full, 'x.heapsnapshot')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[ENOSPC\]/);
  assert.deepEqual(filesIn(full), []);
  assertAliveAndClosed(target);
});

test('containers: another network namespace is refused with the fix; another pid namespace works', { skip: !IS_ROOT && 'unshare needs root' }, async (t) => {
  const netns = await startTarget(t, 'busy', { command: (script) => ['unshare', ['-n', process.execPath, '--inspect-port=0', script]] });
  // unshare execs node: same pid.
  const r = await cli(['snapshot', String(netns.pid)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`another network namespace .*nsenter -t ${netns.pid} -n .*\\[ERR_RSHEAPDUMP_NAMESPACE\\]`));
  assert.equal(netns.child.exitCode, null);
  // unshare -p forks: the node process is unshare's child, pid 1 inside its namespace.
  const pidns = await startTarget(t, 'busy', { command: (script) => ['unshare', ['-p', '-f', '--kill-child', '--mount-proc', process.execPath, '--inspect-port=0', script]] });
  const inner = Number(fs.readFileSync(`/proc/${pidns.pid}/task/${pidns.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  assert.ok(inner > 0 && proc.innerPid(proc.status(inner), inner) === 1, 'the target is pid 1 in its namespace');
  const out = tmpdir();
  const s = await cli(['snapshot', String(inner), '-o', path.join(out, 'ns.heapsnapshot.gz'), '--json']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(countNodes(readSnapshot(JSON.parse(s.stdout).path), 'AttachTargetThing'), 777);
  assert.deepEqual(proc.ownListeners(inner), []);
});

test('not permitted: another user\'s process', { skip: !IS_ROOT && 'running the CLI as another user needs root' }, async (t) => {
  const target = await startTarget(t, 'busy');
  const r = await cli(['stack', String(target.pid)], { uid: 65534, gid: 65534, cwd: '/tmp' });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /not permitted to inspect process \d+: it belongs to another user.*\[ERR_RSHEAPDUMP_NOT_PERMITTED\]/);
  assertAliveAndClosed(target);
});

test('a target that cannot write where the snapshot goes: auto falls back to the protocol stream', { skip: !IS_ROOT && 'running the target as another user needs root' }, async (t) => {
  const target = await startTarget(t, 'busy', { uid: 65534, gid: 65534 });
  const out = tmpdir(); // 0700, root's: the target (nobody) cannot create its file in there
  const r = await cli(['snapshot', String(target.pid), '-o', path.join(out, 'fb.heapsnapshot.gz'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.method, 'inspector');
  assert.equal(countNodes(readSnapshot(res.path), 'AttachTargetThing'), 777);
  assert.deepEqual(filesIn(out), ['fb.heapsnapshot.gz']);
  assertAliveAndClosed(target);
});

test('Ctrl-C during profile <pid>: recording stops early and the profile is still written', async (t) => {
  const target = await startTarget(t, 'busy');
  const out = tmpdir();
  const t0 = Date.now();
  const r = await cli(['profile', String(target.pid), '-d', '60s', '-o', path.join(out, 'early.cpuprofile'), '--json'], {
    onSpawn: (child) => {
      // The output's .partial file is opened just before the recording starts.
      const poll = setInterval(() => {
        if (filesIn(out).length) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGINT'), 1000);
        }
      }, 10);
      child.on('close', () => clearInterval(poll));
    },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Date.now() - t0 < 30_000, 'stopped long before the 60 s');
  const res = JSON.parse(r.stdout);
  assert.ok(res.durationMs >= 900 && res.durationMs < 30_000, `recorded ${res.durationMs} ms`);
  const profile = JSON.parse(fs.readFileSync(res.path, 'utf8'));
  assert.ok(profile.samples.length > 50);
  assertAliveAndClosed(target);
});

test('the inspector endpoint SIGUSR1 opens, from the command line and NODE_OPTIONS', () => {
  const { configuredEndpoint } = require('../lib/attach/inspector');
  assert.deepEqual(configuredEndpoint(['node', 'app.js']), { host: '127.0.0.1', port: 9229 });
  assert.deepEqual(configuredEndpoint(['node', '--inspect-port=9333', 'app.js']), { host: '127.0.0.1', port: 9333 });
  assert.deepEqual(configuredEndpoint(['node', '--inspect-port', '0', 'app.js']), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(configuredEndpoint(['node', '--inspect=0.0.0.0:9230', 'app.js']), { host: '0.0.0.0', port: 9230 });
  // The program's own arguments are not Node's.
  assert.deepEqual(configuredEndpoint(['node', 'app.js', '--inspect-port=1']), { host: '127.0.0.1', port: 9229 });
  assert.deepEqual(configuredEndpoint(['node', '-r', 'x', 'app.js', '--inspect=1']), { host: '127.0.0.1', port: 9229 });
  assert.deepEqual(configuredEndpoint(['node', 'app.js'], '--max-old-space-size=100 --inspect-port=127.0.0.1:9444'), { host: '127.0.0.1', port: 9444 });
  // The command line wins over NODE_OPTIONS.
  assert.deepEqual(configuredEndpoint(['node', '--inspect-port=9555', 'app.js'], '--inspect-port=9444'), { host: '127.0.0.1', port: 9555 });
});

test('a target whose --inspect-port names another host is refused before any signal', async (t) => {
  const target = await startTarget(t, 'busy', { execArgv: ['--inspect-port=0.0.0.0:0'] });
  const r = await cli(['stack', String(target.pid)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /would open its inspector on 0\.0\.0\.0:0 .*reachable from other machines; it was not signalled\. Fix: .*\[ERR_RSHEAPDUMP_NOT_LOOPBACK\]/);
  await sleep(200);
  assert.doesNotMatch(target.err(), /Debugger/);
  assertAliveAndClosed(target);
});

test('Ctrl-C while waiting for the inspector to open: exit 1 with ABORTED at once', async (t) => {
  const target = await startTarget(t, 'usr1');
  const t0 = Date.now();
  const r = await cli(['stack', String(target.pid), '--timeout', '30s'], {
    onSpawn: (child) => {
      const poll = setInterval(() => {
        if (target.out().includes('app got SIGUSR1')) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 10);
      child.on('close', () => clearInterval(poll));
    },
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /interrupted while waiting for the inspector to open \[ERR_RSHEAPDUMP_ABORTED\]/);
  assert.ok(Date.now() - t0 < 20_000, 'did not wait for the 30 s timeout');
  assertAliveAndClosed(target);
});
