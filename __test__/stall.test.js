'use strict';
// watchEventLoop and NODE_HEAPDUMP_OPTIONS=stall=<ms>: stalls caught while they last, with the
// stuck thread's stack and profile; nothing reported for a healthy loop; clean exits.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { spawn } = require('node:child_process');
const { ROOT, tmpdir, runChild, startChild, waitFor } = require('./helpers');

// crunch(ms) blocks for \`ms\` of the main thread's CPU time, not wall time: on a loaded machine
// the watch counts what the loop did, not the time it waited for a CPU (see src/stall/detector.rs).
// The probe may catch it inside cpuMs() (a few % of the time): see crunchFrame().
const CRUNCH = `
const { readFileSync } = require('fs');
function cpuMs() {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
}
function crunch(ms) {
  const end = cpuMs() + ms;
  let x = 0;
  do for (let i = 0; i < 1e6; i++) x += Math.sqrt(x + i); while (cpuMs() < end);
  return x;
}
const SRC = require('fs').readFileSync(__filename, 'utf8').split('\\n');
const CRUNCH_LINES = [SRC.findIndex((l) => l.startsWith('function crunch')) + 1, SRC.findIndex((l) => l.startsWith('  return x;')) + 1];
`;

/** The stack's innermost frame of the child's own file that is not cpuMs (crunch's helper). */
function crunchFrame(stack, file) {
  return stack.filter((f) => f.url === file && f.functionName !== 'cpuMs')[0];
}

function readProfile(file) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.ok(Array.isArray(p.nodes) && p.nodes.length > 0 && Array.isArray(p.samples), 'a .cpuprofile');
  return p;
}

test('a route that blocks 500 ms in crunch(): one stall, ≈500 ms, crunch on top of the stack and of the profile', async () => {
  const dir = tmpdir();
  const r = await runChild(
    `${CRUNCH}
    const http = require('http');
    const rs = require('rsheapdump');
    const reports = [];
    const watch = rs.watchEventLoop({ dir: ${JSON.stringify(dir)}, onStall: (r) => reports.push(r) });
    const server = http.createServer((req, res) => {
      if (req.url === '/slow') crunch(500);
      res.end('ok');
    }).listen(0, '127.0.0.1', async () => {
      await watch.ready;
      const get = (p) => new Promise((resolve) => http.get({ host: '127.0.0.1', port: server.address().port, path: p }, (res) => res.resume().on('end', resolve)));
      for (let i = 0; i < 20; i++) await get('/fast');
      await get('/slow');
      for (let i = 0; i < 20; i++) await get('/fast');
      await new Promise((r) => setTimeout(r, 1500));
      await watch.stop();
      server.close();
      console.log(JSON.stringify({ reports, file: __filename, lines: CRUNCH_LINES }));
    });`,
    { timeout: 60_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'onStall given: nothing on stderr');
  const { reports, file, lines } = JSON.parse(r.stdout);
  assert.equal(reports.length, 1, JSON.stringify(reports));
  const [s] = reports;
  assert.ok(s.durationMs >= 490 && s.durationMs < 5000, `duration ${s.durationMs}`);
  assert.ok(Math.abs(s.startedAt - Date.now()) < 60_000, 'startedAt is a wall-clock time');
  assert.equal(s.blockedBy, 'javascript');
  // The innermost frame is crunch, or (caught inside it) fs or cpuMs called by crunch.
  assert.ok(['crunch', 'cpuMs'].includes(s.stack[0].functionName) || s.stack[0].url.startsWith('node:'), JSON.stringify(s.stack[0]));
  const top = crunchFrame(s.stack, file);
  assert.equal(top.functionName, 'crunch', JSON.stringify(s.stack));
  assert.ok(top.line >= lines[0] && top.line <= lines[1], `line ${top.line} in crunch ${lines}`);
  assert.ok(top.column > 0);
  assert.ok(s.stack.some((f) => f.url === file && f.functionName !== 'crunch'), 'the route handler below crunch');
  assert.equal(s.top[0].functionName, 'crunch');
  assert.equal(s.top[0].url, file);
  assert.ok(s.top[0].selfPercent > 40, `crunch ${s.top[0].selfPercent}%`);
  assert.equal(path.dirname(s.profile), dir);
  assert.match(path.basename(s.profile), new RegExp(`^CPU\\.\\d{8}\\.\\d{6}\\.\\d+\\.0\\.\\d{3}\\.cpuprofile$`));
  assert.equal(fs.statSync(s.profile).mode & 0o777, 0o600);
  const p = readProfile(s.profile);
  assert.ok(p.nodes.some((n) => n.callFrame.functionName === 'crunch'));
});

test('while (true) is reported while it lasts, with its stack and a capped profile', async () => {
  const dir = tmpdir();
  const c = startChild(
    `const rs = require('rsheapdump');
    const watch = rs.watchEventLoop({ dir: ${JSON.stringify(dir)}, intervalMs: 500, profileMaxMs: 1000 });
    function spin() { let x = 0; for (;;) x++; }
    watch.ready.then(() => { console.log('ready'); setTimeout(spin, 50); });`,
  );
  let stderr = '';
  const child = await c.ready;
  child.stderr.on('data', (d) => (stderr += d));
  await waitFor(() => (stderr.match(/still blocked/g) ?? []).length >= 3, 30_000, 'three reports of the endless stall');
  c.kill('SIGKILL');
  await c.done;
  const lines = stderr.trim().split('\n');
  assert.ok(lines.length >= 3, stderr);
  for (const l of lines) assert.match(l, /^rsheapdump: event loop blocked for [\d,]+ ms so far, still blocked \(?.*at Timeout\.spin \(.*child-[^)]*\.js:3:\d+\) < listOnTimeout/);
  const ms = lines.map((l) => Number(/for ([\d,]+) ms/.exec(l)[1].replaceAll(',', '')));
  for (let i = 1; i < ms.length; i++) assert.ok(ms[i] > ms[i - 1], `growing: ${ms}`);
  // The profile stops at profileMaxMs and is named in the reports after it.
  const withProfile = lines.find((l) => l.includes('; profile '));
  assert.ok(withProfile, stderr);
  const file = /; profile (\S+)$/.exec(withProfile)[1];
  assert.match(withProfile, /top spin \d+%/);
  const p = readProfile(file);
  assert.ok(p.endTime - p.startTime < 3_000_000, 'capped');
});

test('a long GC pause is reported as GC', async () => {
  const r = await runChild(
    `const rs = require('rsheapdump');
    const live = (globalThis.live = []);
    for (let i = 0; i < 3e6; i++) live.push({ i, s: 'x' + (i % 1000), o: { i } });
    const reports = [];
    // A 50 ms threshold: on Node 22 and 24 with free cores this GC can take under 200 ms.
    const watch = rs.watchEventLoop({ thresholdMs: 50, profile: false, onStall: (r) => reports.push(r) });
    let gcMs;
    watch.ready.then(() => setTimeout(() => {
      // One full GC over 9 million live objects: 0.2-1.7 s here.
      const t = performance.now();
      global.gc();
      gcMs = performance.now() - t;
      setTimeout(async () => {
        await watch.stop();
        console.log(JSON.stringify({ reports, gcMs }));
      }, 1000);
    }, 50));`,
    { execArgv: ['--expose-gc'], timeout: 60_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const { reports, gcMs } = JSON.parse(r.stdout);
  // V8's own major GCs over this heap may be reported too (they are real GC stalls, ≈0.1-0.4 s on
  // Node 24 here): every report is GC, and the longest is the forced one.
  assert.ok(reports.length >= 1, JSON.stringify(reports));
  for (const x of reports) assert.equal(x.blockedBy, 'gc', JSON.stringify(x));
  const s = reports.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
  assert.ok(s.gcMs >= s.durationMs / 2 && s.gcMs <= s.durationMs + 50, `${s.gcMs} of ${s.durationMs}`);
  assert.ok(s.durationMs >= gcMs * 0.8, `${s.durationMs} ms reported for a ${gcMs} ms gc()`);
  assert.equal(s.profile, undefined);
});

test('a blocking native call is reported as native, with the JavaScript that called it', async () => {
  const r = await runChild(
    `const rs = require('rsheapdump');
    const reports = [];
    const watch = rs.watchEventLoop({ profile: false, onStall: (r) => reports.push(r) });
    function callsSleep() { require('child_process').execSync('sleep 0.4'); return 1; }
    watch.ready.then(() => setTimeout(() => {
      callsSleep();
      setTimeout(async () => { await watch.stop(); console.log(JSON.stringify(reports)); }, 800);
    }, 50));`,
    { timeout: 60_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const reports = JSON.parse(r.stdout);
  assert.equal(reports.length, 1, r.stdout);
  assert.equal(reports[0].blockedBy, 'native');
  assert.ok(reports[0].durationMs >= 390, `${reports[0].durationMs}`);
  // V8 serves the stack probe as the call returns: the caller is on it.
  assert.ok(reports[0].stack.some((f) => f.functionName === 'callsSleep'), JSON.stringify(reports[0].stack));
});

test('a healthy server under load on a loaded machine reports nothing at the default threshold', async () => {
  // Two CPU hogs, so this machine's cores are contended while the server runs.
  const hogs = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  try {
    let out = '';
    let child;
    const done = runChild(
      `const http = require('http');
      const rs = require('rsheapdump');
      const reports = [];
      const watch = rs.watchEventLoop({ onStall: (r) => reports.push(r) });
      const server = http.createServer((req, res) => {
        let x = 0;
        for (let i = 0; i < 2e4; i++) x += i;
        res.end(String(x));
      }).listen(0, '127.0.0.1', async () => {
        await watch.ready;
        console.log('ready ' + server.address().port);
      });
      process.on('SIGTERM', async () => { await watch.stop(); console.log('REPORTS ' + JSON.stringify(reports)); server.close(); process.exit(0); });`,
      { onSpawn: (c) => ((child = c), c.stdout.on('data', (d) => (out += d))) },
    );
    await waitFor(() => /ready \d+/.test(out), 20_000, 'the port');
    const port = Number(/ready (\d+)/.exec(out)[1]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const until = Date.now() + 4000;
    let n = 0;
    const worker = async () => {
      while (Date.now() < until) {
        await new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port, agent }, (res) => res.resume().on('end', resolve)).on('error', reject));
        n++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    agent.destroy();
    child.kill('SIGTERM');
    const r = await done;
    assert.ok(n > 100, `${n} requests`);
    const reports = JSON.parse(/REPORTS (.*)/.exec(r.stdout)[1]);
    assert.deepEqual(reports, [], `${n} requests; ${JSON.stringify(reports)}`);
  } finally {
    for (const h of hogs) h.kill('SIGKILL');
  }
});

test('wrong options throw naming the option; a second watch throws; stop() is idempotent', async () => {
  const r = await runChild(
    `const rs = require('rsheapdump');
    const { Worker } = require('worker_threads');
    const out = {};
    const code = (fn) => { try { fn(); return 'none'; } catch (e) { return e.name + ' ' + e.code + ' ' + e.message; } };
    out.type = code(() => rs.watchEventLoop({ thresholdMs: '100' }));
    out.range = code(() => rs.watchEventLoop({ thresholdMs: 5 }));
    out.frac = code(() => rs.watchEventLoop({ thresholdMs: 100.5 }));
    out.onStall = code(() => rs.watchEventLoop({ onStall: 1 }));
    out.profile = code(() => rs.watchEventLoop({ profile: 'yes' }));
    out.dir = code(() => rs.watchEventLoop({ dir: '/nonexistent/x' }));
    out.opts = code(() => rs.watchEventLoop(42));
    const w = rs.watchEventLoop({ thresholdMs: 200 });
    out.threshold = w.thresholdMs;
    out.second = code(() => rs.watchEventLoop());
    (async () => {
      await w.ready;
      const p1 = w.stop();
      out.same = p1 === w.stop();
      await p1;
      const w2 = rs.watchEventLoop();
      await w2.ready;
      await w2.stop();
      out.again = true;
      out.worker = await new Promise((resolve) => {
        const wk = new Worker(\`const rs = require(${JSON.stringify(JSON.stringify(ROOT)).slice(1, -1)}); try { rs.watchEventLoop(); require('worker_threads').parentPort.postMessage('none'); } catch (e) { require('worker_threads').parentPort.postMessage(e.code); }\`, { eval: true });
        wk.once('message', (m) => { resolve(m); wk.terminate(); });
      });
      console.log(JSON.stringify(out));
    })();`,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.match(out.type, /^TypeError ERR_INVALID_ARG_TYPE The "options\.thresholdMs" argument/);
  assert.match(out.range, /^RangeError ERR_OUT_OF_RANGE The value of "options\.thresholdMs" is out of range/);
  assert.match(out.frac, /^RangeError ERR_OUT_OF_RANGE/);
  assert.match(out.onStall, /^TypeError ERR_INVALID_ARG_TYPE The "options\.onStall"/);
  assert.match(out.profile, /^TypeError ERR_INVALID_ARG_TYPE The "options\.profile"/);
  assert.match(out.dir, /^TypeError ERR_INVALID_ARG_VALUE The "options\.dir" argument must be a writable directory/);
  assert.match(out.opts, /^TypeError ERR_INVALID_ARG_TYPE The "options" argument/);
  assert.equal(out.threshold, 200);
  assert.match(out.second, /^Error ERR_RSHEAPDUMP_WATCH_RUNNING /);
  assert.equal(out.same, true);
  assert.equal(out.again, true);
  assert.equal(out.worker, 'ERR_WORKER_UNSUPPORTED_OPERATION');
});

test('exiting with the watch on neither hangs nor prints, also in the middle of a stall', async () => {
  const plain = await runChild(`require('rsheapdump').watchEventLoop(); console.log('bye');`, { timeout: 20_000 });
  assert.equal(plain.code, 0);
  assert.equal(plain.stdout, 'bye\n');
  assert.equal(plain.stderr, '');
  assert.ok(plain.ms < 10_000, `${plain.ms} ms`);
  const env = await runChild(`require('rsheapdump'); setTimeout(() => {}, 300);`, { env: { NODE_HEAPDUMP_OPTIONS: 'stall=100' }, timeout: 20_000 });
  assert.equal(env.code, 0);
  assert.equal(env.stderr, '');
  const mid = await runChild(
    `${CRUNCH}
    const w = require('rsheapdump').watchEventLoop({ stderr: false });
    w.ready.then(() => setTimeout(() => { crunch(400); process.exit(3); }, 20));`,
    { timeout: 20_000 },
  );
  assert.equal(mid.code, 3);
  assert.equal(mid.stderr, '');
});

test('NODE_HEAPDUMP_OPTIONS=stall=<ms>: one line on stderr per stall, the profile in dir=', async () => {
  const dir = tmpdir();
  const r = await runChild(
    `${CRUNCH}
    require('rsheapdump');
    setTimeout(() => crunch(400), 500);
    setTimeout(() => {}, 2000);`,
    { env: { NODE_HEAPDUMP_OPTIONS: `stall=150,dir=${dir}` }, timeout: 30_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  // crunch among the first frames printed (the probe may catch it inside cpuMs and fs).
  assert.match(lines[0], /^rsheapdump: event loop blocked [\d,]+ ms \(javascript\) at (?:[^;]*? < )?crunch \(.*child-[^)]*\.js:\d+:\d+\) < .*; top crunch \d+%.*; profile \S+\.cpuprofile$/);
  const file = /; profile (\S+)$/.exec(lines[0])[1];
  assert.equal(path.dirname(file), dir);
  readProfile(file);
  const bad = await runChild(`require('rsheapdump');`, { env: { NODE_HEAPDUMP_OPTIONS: 'stall=abc' } });
  assert.match(bad.stderr, /^node-heapdump: unrecognized option: stall=abc$/m);
});

test('two stalls back to back each get their own profile', async () => {
  const dir = tmpdir();
  const r = await runChild(
    `${CRUNCH}
    const rs = require('rsheapdump');
    const reports = [];
    const watch = rs.watchEventLoop({ dir: ${JSON.stringify(dir)}, onStall: (r) => reports.push(r) });
    watch.ready.then(() => setTimeout(() => {
      crunch(300);
      setImmediate(() => crunch(300));
      setTimeout(async () => { await watch.stop(); console.log(JSON.stringify(reports)); }, 2500);
    }, 50));`,
    { timeout: 60_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const reports = JSON.parse(r.stdout);
  assert.equal(reports.length, 2, r.stdout);
  for (const s of reports) {
    assert.equal(s.profileError, undefined, JSON.stringify(s));
    assert.ok(s.profile && fs.existsSync(s.profile), JSON.stringify(s));
  }
  assert.notEqual(reports[0].profile, reports[1].profile);
});
