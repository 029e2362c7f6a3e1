'use strict';
// `rsheapdump stalls <pid>`: stalls of a process that has nothing of ours installed, found by
// attaching to it. Targets run with --inspect-port=0, as in attach.test.js, so that suites running
// at the same time do not fight over port 9229.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { tmpdir, ROOT } = require('./helpers');

const BIN = path.join(ROOT, 'bin', 'rsheapdump.js');

const TARGET = `
function remoteCrunch(ms) { const t = Date.now(); let x = 0; while (Date.now() - t < ms) x += Math.sqrt(x + 1); return x; }
function remoteSpin() { let x = 0; for (;;) x++; }
if (process.argv[2] === 'endless') setTimeout(remoteSpin, 800);
else setTimeout(() => remoteCrunch(600), 1500);
setInterval(() => {}, 1000);
process.stdout.write('ready\\n');
`;

async function startTarget(t, mode) {
  const dir = tmpdir('rsheapdump-stall-target-');
  const script = path.join(dir, 'target.js');
  fs.writeFileSync(script, TARGET);
  const child = spawn(process.execPath, ['--inspect-port=0', script, mode], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => ((out += d), out.includes('ready\n') && resolve()));
    child.on('exit', (code) => reject(new Error(`target exited early (${code})`)));
  });
  t.after(() => child.kill('SIGKILL'));
  return { child, pid: child.pid, script };
}

function cli(args) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => c.kill('SIGKILL'), 60_000);
    c.on('error', reject);
    c.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

test('stalls <pid>: a 600 ms block in a process without rsheapdump, with its stack and profile', async (t) => {
  const target = await startTarget(t, 'once');
  const dir = tmpdir();
  const r = await cli(['stalls', String(target.pid), '--threshold', '150ms', '--duration', '4s', '--dir', dir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.pid, target.pid);
  // The remote watch measures wall time (the target's CPU clock is not visible from here), so on a
  // loaded machine a short extra stall of the starved target may show up: the block is the one
  // whose stack is remoteCrunch.
  const mine = out.stalls.filter((x) => x.stack?.[0]?.functionName === 'remoteCrunch');
  assert.equal(mine.length, 1, r.stdout);
  const [s] = mine;
  assert.ok(s.durationMs >= 450 && s.durationMs < 5000, `${s.durationMs}`);
  assert.equal(s.blockedBy, 'javascript');
  assert.equal(s.stack[0].functionName, 'remoteCrunch');
  assert.equal(s.stack[0].url, target.script);
  assert.equal(s.stack[0].line, 2);
  assert.equal(path.dirname(s.profile), dir);
  assert.equal(fs.statSync(s.profile).mode & 0o777, 0o600);
  const p = JSON.parse(fs.readFileSync(s.profile, 'utf8'));
  assert.ok(p.nodes.some((n) => n.callFrame.functionName === 'remoteCrunch'));
  assert.ok(s.top.some((f) => f.functionName === 'remoteCrunch'), JSON.stringify(s.top));
  assert.equal(target.child.exitCode, null, 'the target runs on');
});

test('stalls <pid>: an endless loop is reported while it lasts, and the command still ends', async (t) => {
  const target = await startTarget(t, 'endless');
  const r = await cli(['stalls', String(target.pid), '--threshold', '100ms', '--duration', '3s', '--interval', '500ms', '--no-profile', '--dir', tmpdir()]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const ongoing = lines.filter((l) => /so far, still blocked/.test(l));
  assert.ok(ongoing.length >= 2, r.stdout);
  for (const l of ongoing) assert.match(l, /at (Timeout\.)?remoteSpin \(.*target\.js:3:\d+\)/);
  assert.ok(!r.stdout.includes('; profile '), '--no-profile');
  assert.match(r.stderr, /1 stall of 100 ms or more/);
  // attach opened the inspector with SIGUSR1 and closed it again (verified by attach's detach).
  assert.match(r.stderr, /opened with SIGUSR1, closed when done/);
  assert.doesNotMatch(r.stderr, /could not verify/);
});

test('stalls: bad arguments are usage errors (exit 2)', async () => {
  assert.equal((await cli(['stalls'])).code, 2);
  assert.equal((await cli(['stalls', '1', '--threshold', 'soon'])).code, 2);
  assert.equal((await cli(['stalls', '1', '--threshold', '5ms'])).code, 2);
  const help = await cli(['stalls', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: rsheapdump stalls <pid>/);
});
