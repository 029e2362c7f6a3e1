'use strict';
// watchHeap: evidence on disk before an out-of-memory death, compared in a real memory cgroup
// with Node's own --heapsnapshot-near-heap-limit.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const rsheapdump = require('..');
const { runChild, tmpdir } = require('./helpers');
const { createMemoryCgroup } = require('./cgroup');

const MB = 1024 * 1024;
// heap_size_limit is the old space plus three semi-spaces: Node 24's default semi-space makes it
// 256 MB for --max-old-space-size=64 (112 MB on Node 20 and 22); a 1 MB semi-space makes it ~67 MB
// on all of them, so the thresholds below mean the same everywhere.
const SMALL_HEAP = ['--max-old-space-size=64', '--max-semi-space-size=1'];

function watchFiles(dir) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('heapwatch.'))
    .sort();
}

test('watchHeap: options are checked, a second watch is refused, stop() ends it and frees the profiler', async () => {
  assert.throws(() => rsheapdump.watchHeap({ percent: 0 }), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => rsheapdump.watchHeap({ percent: 100 }), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => rsheapdump.watchHeap({ keep: '3' }), { code: 'ERR_INVALID_ARG_TYPE', message: /options\.keep/ });
  await assert.rejects(() => rsheapdump.watchHeap({ dir: '/nonexistent/dir' }), { code: 'ENOENT' });
  const w = await rsheapdump.watchHeap({ dir: tmpdir() });
  await assert.rejects(() => rsheapdump.watchHeap(), { code: 'ERR_RSHEAPDUMP_WATCH_RUNNING' });
  await assert.rejects(() => rsheapdump.startHeapSampling(), { code: 'ERR_RSHEAPDUMP_PROFILE_RUNNING', message: /watchHeap\(\)/ });
  // The API reads the worker's state: the profile that runs is the watch's, and it says so, before
  // any file is opened (the main thread's mirror said none was running).
  const dir = tmpdir();
  await assert.rejects(() => rsheapdump.stopHeapSampling({ filename: path.join(dir, 'h.heapprofile') }), {
    code: 'ERR_RSHEAPDUMP_NO_PROFILE',
    message: /not started by startHeapSampling\(\) \(it belongs to watchHeap\(\)\)/,
  });
  assert.deepEqual(fs.readdirSync(dir), []);
  await w.stop();
  await rsheapdump.startHeapSampling();
  await rsheapdump.stopHeapSampling({ returnProfile: true });
  const again = await rsheapdump.watchHeap({ dir: tmpdir() });
  await again.stop();
});

test('a running watch never keeps the process alive', async () => {
  const r = await runChild(`require('rsheapdump').watchHeap().then(() => console.log('watching'));`, { timeout: 20_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.signal, null);
  assert.match(r.stdout, /watching/);
});

test('each crossing of the threshold writes one gzip snapshot (0600); at most `keep` files, the oldest removed', async () => {
  const out = tmpdir();
  const r = await runChild(
    `
    const rsheapdump = require('rsheapdump');
    const seen = [];
    (async () => {
      const w = await rsheapdump.watchHeap({ percent: 15, dir: ${JSON.stringify(out)}, keep: 2, checkIntervalMs: 20, onCapture: (c) => seen.push(c) });
      for (let round = 0; round < 3; round++) {
        globalThis.ballast = Array.from({ length: 400000 }, (_, i) => ({ i, round }));
        while (seen.length <= round) await new Promise((r) => setTimeout(r, 20));
        globalThis.ballast = null;
        global.gc();
        await new Promise((r) => setTimeout(r, 200));
      }
      console.log(JSON.stringify({ seen, files: w.files }));
      await w.stop();
    })();
    `,
    { execArgv: [...SMALL_HEAP, '--expose-gc'], timeout: 120_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const { seen, files } = JSON.parse(r.stdout);
  assert.equal(seen.length, 3, 'one file per crossing');
  for (const c of seen) {
    assert.equal(c.kind, 'snapshot');
    assert.equal(c.against, 'heap_size_limit');
    assert.ok(c.ratio >= 0.15);
  }
  assert.deepEqual(files, [seen[1].file, seen[2].file]);
  assert.deepEqual(watchFiles(out), files.map((f) => path.basename(f)).sort(), 'the oldest was removed');
  for (const f of files) {
    assert.match(f, /\.heapsnapshot\.gz$/);
    assert.equal(fs.statSync(f).mode & 0o777, 0o600);
    const s = await rsheapdump.analyzeSnapshot(f);
    assert.ok(s.classes.find((c) => c.name === 'Object').count >= 400000, 'the ballast is in the snapshot');
  }
});

test('NODE_HEAPDUMP_OPTIONS=watch=<percent> starts the watch at require time, writing into dir=', async () => {
  const out = tmpdir();
  const r = await runChild(
    `
    require('rsheapdump');
    globalThis.ballast = Array.from({ length: 300000 }, (_, i) => ({ i }));
    const fs = require('fs');
    const t = setInterval(() => {
      if (fs.readdirSync(${JSON.stringify(out)}).some((f) => f.startsWith('heapwatch.') && !f.endsWith('.partial'))) { clearInterval(t); console.log('written'); }
    }, 50);
    setTimeout(() => clearInterval(t), 30000);
    `,
    { execArgv: SMALL_HEAP, env: { NODE_HEAPDUMP_OPTIONS: `nosignal,watch=10,dir=${out}` }, timeout: 60_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /written/);
  assert.doesNotMatch(r.stderr, /unrecognized/);
  const [file] = watchFiles(out);
  assert.match(file, /^heapwatch\..*\.heapsnapshot\.gz$/);
});

// A server that leaks: every tick keeps 4,000 records made by leakyHandler (about 1 MB).
const LEAK = `
  const leaked = [];
  function leakyHandler(i) { return { id: i, body: 'x'.repeat(200) + i, tags: [i, i + 1] }; }
  setInterval(function leakTick() { for (let k = 0; k < 4000; k++) leaked.push(leakyHandler(k)); }, 10);
`;

function runInCgroup(cg, source, opts) {
  return runChild(`require('fs').writeFileSync(${JSON.stringify(cg.procs)}, String(process.pid));\n${source}`, opts);
}

test('a leaking app in a limited cgroup: Node\'s --heapsnapshot-near-heap-limit dies leaving a partial or empty file; watchHeap leaves a complete heap profile naming the leaking allocation site', async () => {
  const LIMIT = 600 * MB;
  const HEAP = ['--max-old-space-size=200', '--max-semi-space-size=1'];
  const cg = createMemoryCgroup();
  try {
    cg.setLimit(LIMIT);
    // Node's own: near the heap limit it starts V8's snapshot, whose graph the cgroup cannot hold.
    const nodeDir = tmpdir();
    const theirs = await runInCgroup(cg, LEAK, { cwd: nodeDir, execArgv: [...HEAP, '--heapsnapshot-near-heap-limit=1'], timeout: 120_000 });
    assert.notEqual(theirs.code, 0, 'Node\'s run dies');
    const snaps = fs.readdirSync(nodeDir).filter((f) => f.includes('heapsnapshot'));
    assert.ok(snaps.length >= 1, `Node started a snapshot file: ${fs.readdirSync(nodeDir)} (${theirs.signal} ${theirs.stderr.slice(-300)})`);
    for (const f of snaps) assert.throws(() => JSON.parse(fs.readFileSync(path.join(nodeDir, f), 'utf8')), `${f} is incomplete`);

    // Ours: the same app and limits, with the watch.
    const ourDir = tmpdir();
    const ours = await runInCgroup(
      cg,
      `require('rsheapdump').watchHeap({ percent: 60, dir: ${JSON.stringify(ourDir)}, checkIntervalMs: 100, onCapture: (c) => console.log(JSON.stringify(c)) }).then(() => { ${LEAK} });`,
      { cwd: ourDir, execArgv: HEAP, env: { NODE_HEAPDUMP_OPTIONS: 'nosignal' }, timeout: 120_000 },
    );
    assert.notEqual(ours.code, 0, 'the leak still kills it');
    const capture = JSON.parse(ours.stdout.split('\n').find((l) => l.startsWith('{')));
    assert.equal(capture.kind, 'heapprofile', 'no room for a snapshot, so the sampled profile');
    assert.ok(capture.needed > LIMIT);
    const [file] = watchFiles(ourDir);
    assert.equal(path.join(ourDir, file), capture.file);
    assert.match(file, /\.heapprofile\.gz$/);
    assert.equal(fs.statSync(capture.file).mode & 0o777, 0o600);
    JSON.parse(zlib.gunzipSync(fs.readFileSync(capture.file)).toString('utf8')); // complete
    // The live memory's allocation stacks: V8 may inline leakyHandler into leakTick (its samples
    // then name leakTick, at the line of the leak), so both count as the leaking site.
    const stacks = (await rsheapdump.foldProfile(capture.file)).trim().split('\n');
    const weight = (l) => Number(l.slice(l.lastIndexOf(' ') + 1));
    const total = stacks.reduce((s, l) => s + weight(l), 0);
    const leaking = stacks.filter((l) => /(^|;)(leakTick|leakyHandler)( |;)/.test(l)).reduce((s, l) => s + weight(l), 0);
    assert.ok(total > 50 * MB, `sampled live memory: ${total}`);
    assert.ok(leaking / total > 0.8, `the leaking site holds ${Math.round((leaking / total) * 100)}% of it:\n${stacks.slice(0, 5).join('\n')}`);
  } finally {
    await cg.remove();
  }
});
