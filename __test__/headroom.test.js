'use strict';
// The headroom rule: a snapshot that would not fit in the memory the process may still use is
// refused (ERR_RSHEAPDUMP_NO_HEADROOM) instead of getting the process OOM-killed. Proven in real
// memory cgroups (root; v1 or v2, whichever the machine has): refused and alive, killed when
// forced, written when it fits.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const rsheapdump = require('..');
const { checkHeadroom, estimateSnapshotBytes, forcedByEnv } = require('../lib/headroom');
const { startChild, runChild, tmpdir, heapdumpFiles, waitFor } = require('./helpers');
const { createMemoryCgroup } = require('./cgroup');

const MB = 1024 * 1024;

test('memoryHeadroom reads this machine: a positive number and the bound that gave it', () => {
  const room = rsheapdump.memoryHeadroom();
  assert.ok(room.available > 0);
  assert.ok(['cgroup v2', 'cgroup v1', 'MemAvailable'].includes(room.bound), room.bound);
  assert.ok(room.memAvailable > 0);
  assert.ok(room.available <= room.memAvailable);
});

test('the estimate grows with the heap: 20 bytes per byte of small objects, large objects once', () => {
  const spaces = [
    { space_name: 'old_space', space_used_size: 10 * MB },
    { space_name: 'new_space', space_used_size: 1 * MB },
    { space_name: 'large_object_space', space_used_size: 100 * MB },
    { space_name: 'code_large_object_space', space_used_size: 1 * MB },
  ];
  assert.equal(estimateSnapshotBytes(spaces), 20 * 11 * MB + 101 * MB + 32 * MB);
  const now = rsheapdump.estimateSnapshotBytes();
  globalThis.ballast = Array.from({ length: 100000 }, (_, i) => ({ i }));
  assert.ok(rsheapdump.estimateSnapshotBytes() > now + 20 * 2 * MB, 'more small objects, a larger estimate');
  delete globalThis.ballast;
});

test('checkHeadroom: refuses what does not fit, naming needed, available, the bound and the overrides', () => {
  const needed = 1e15;
  assert.throws(
    () => checkHeadroom({ needed }),
    (err) => {
      assert.equal(err.code, 'ERR_RSHEAPDUMP_NO_HEADROOM');
      assert.equal(err.needed, needed);
      // MemAvailable moves between two reads on a busy machine: the same order of magnitude.
      assert.ok(err.available > 0 && err.available < 2 * rsheapdump.memoryHeadroom().available, String(err.available));
      assert.ok(['cgroup v2', 'cgroup v1', 'MemAvailable'].includes(err.bound));
      assert.match(err.message, /\{ force: true \}/);
      assert.match(err.message, /NODE_HEAPDUMP_OPTIONS=force/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    },
  );
  assert.equal(checkHeadroom({ needed, force: true }), null);
  assert.equal(checkHeadroom({ needed, env: { NODE_HEAPDUMP_OPTIONS: 'gzip, force' } }), null);
  assert.equal(checkHeadroom({ needed: 1 }).needed, 1);
  assert.equal(forcedByEnv({ NODE_HEAPDUMP_OPTIONS: 'forced' }), false);
});

test('writeSnapshot({ force }) must be a boolean', () => {
  assert.throws(() => rsheapdump.writeSnapshot({ force: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE', message: /options\.force/ });
});

// A child that joins the cgroup before allocating, builds a session cache (~30 MB of heap, a
// snapshot graph of several hundred MB), then gives itself a limit of its usage plus `ROOM`.
const CGROUP = path.join(__dirname, 'cgroup.js');
const PRELUDE = `
  const fs = require('fs');
  fs.writeFileSync(process.env.CG_PROCS, String(process.pid));
  const rsheapdump = require('rsheapdump');
  const { openMemoryCgroup } = require(${JSON.stringify(CGROUP)});
  const cg = openMemoryCgroup(process.env.CG_DIR, Number(process.env.CG_VERSION));
  globalThis.cache = new Map();
  for (let i = 0; i < 100000; i++) globalThis.cache.set('sess:' + i, { id: i, user: 'u' + (i % 500), roles: ['r' + (i % 7)], data: { n: i } });
  const needed = rsheapdump.estimateSnapshotBytes();
  const room = process.env.ROOM === 'fits' ? needed + 64 * 1024 * 1024 : Number(process.env.ROOM);
  cg.setLimit(cg.usage() + room);
  const out = (o) => console.log(JSON.stringify(o));
`;

async function inCgroup(source, env, run = runChild) {
  const cg = createMemoryCgroup();
  try {
    const res = run(PRELUDE + source, { env: { CG_PROCS: cg.procs, CG_DIR: cg.dir, CG_VERSION: String(cg.version), ...env }, timeout: 120_000 });
    return { res, cg };
  } catch (err) {
    await cg.remove();
    throw err;
  }
}

test('in a cgroup too small for V8\'s graph: writeSnapshot rejects with NO_HEADROOM, the HTTP route answers 507, SIGUSR2 prints one line; nothing is written and the process lives on', async () => {
  const out = tmpdir();
  const { res, cg } = await inCgroup(
    `
    const http = require('http');
    (async () => {
      try {
        await rsheapdump.writeSnapshot(${JSON.stringify(path.join(out, 'x.heapsnapshot'))});
        out({ written: true });
      } catch (err) {
        out({ code: err.code, needed: err.needed, available: err.available, bound: err.bound, message: err.message, expectedNeeded: needed });
      }
      const token = 'a'.repeat(32);
      const server = http.createServer(rsheapdump.createDebugHandler({ token, dir: ${JSON.stringify(out)} }));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const reply = await fetch('http://127.0.0.1:' + server.address().port + '/debug/heap', { method: 'POST', headers: { authorization: 'Bearer ' + token } });
      out({ status: reply.status, body: await reply.json() });
      server.close();
      process.on('SIGTERM', () => { out({ alive: true }); process.exit(0); });
      console.log('ready');
      setTimeout(() => {}, 60000);
    })();
    `,
    { ROOM: String(100 * MB), NODE_HEAPDUMP_OPTIONS: `dir=${out}` },
    startChild,
  );
  try {
    const child = await Promise.race([res.ready, res.done.then((r) => assert.fail(`the child ended before it was ready: ${r.signal ?? r.code} ${r.stdout} ${r.stderr}`))]);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.kill('SIGUSR2');
    await waitFor(() => /NO_HEADROOM/.test(stderr), 30_000, 'the signal snapshot\'s refusal');
    child.kill('SIGTERM');
    const r = await res.done;
    const lines = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const [rejected, http, alive] = lines;
    assert.equal(rejected.code, 'ERR_RSHEAPDUMP_NO_HEADROOM', r.stdout + r.stderr);
    assert.equal(rejected.bound, `cgroup v${cg.version}`);
    assert.ok(rejected.needed >= rejected.expectedNeeded && rejected.needed > rejected.available, JSON.stringify(rejected));
    assert.ok(rejected.available < 120 * MB, JSON.stringify(rejected));
    assert.equal(http.status, 507);
    assert.equal(http.body.code, 'ERR_RSHEAPDUMP_NO_HEADROOM');
    assert.ok(http.body.needed > http.body.available);
    assert.deepEqual(alive, { alive: true });
    assert.equal(r.code, 0, r.stderr);
    const signalLines = r.stderr.split('\n').filter((l) => l.includes('rsheapdump'));
    assert.equal(signalLines.length, 1, r.stderr);
    assert.match(signalLines[0], /^rsheapdump: the snapshot asked for by signal failed: not enough memory for a heap snapshot: .* \[ERR_RSHEAPDUMP_NO_HEADROOM\]$/);
    assert.deepEqual(fs.readdirSync(out), [], 'no file, no partial file');
    assert.deepEqual(heapdumpFiles(r.dir), []);
  } finally {
    await cg.remove();
  }
});

test('the same cgroup with { force: true }: V8\'s graph does not fit and the kernel kills the process (a throwaway child)', async () => {
  const out = tmpdir();
  const { res, cg } = await inCgroup(
    `
    rsheapdump.writeSnapshot(${JSON.stringify(path.join(out, 'x.heapsnapshot'))}, { force: true }).then(() => out({ written: true }), (err) => out({ code: err.code }));
    `,
    { ROOM: String(100 * MB) },
  );
  try {
    const r = await res;
    assert.equal(r.signal, 'SIGKILL', `expected the OOM killer; got code ${r.code} ${r.stdout} ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.ok(!fs.existsSync(path.join(out, 'x.heapsnapshot')), 'no complete file');
  } finally {
    await cg.remove();
  }
});

test('with room for the estimate, the snapshot is written in the cgroup and parses', async () => {
  const out = tmpdir();
  const file = path.join(out, 'fits.heapsnapshot.gz');
  const { res, cg } = await inCgroup(
    `
    rsheapdump.writeSnapshot(${JSON.stringify(file)}).then((f) => out({ file: f, needed }), (err) => out({ code: err.code, message: err.message }));
    `,
    { ROOM: 'fits' },
  );
  try {
    const r = await res;
    assert.equal(r.code, 0, `${r.signal} ${r.stdout} ${r.stderr}`);
    const result = JSON.parse(r.stdout.trim());
    assert.equal(result.file, file, r.stdout);
    const summary = await rsheapdump.analyzeSnapshot(file);
    const sessions = summary.classes.find((c) => c.name === 'Object');
    assert.ok(sessions && sessions.count >= 100000, 'the session objects are in the file');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  } finally {
    await cg.remove();
  }
});
