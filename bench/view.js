'use strict';
// Viewer benchmark: openSnapshot against `rsheapdump summary` on the same generated file, in the
// same run, each a process of its own under /usr/bin/time -v (wall time, peak RSS); then the
// query times of the open view (first pages while the indexes are built, and later queries).
//
//   node bench/view.js [--mb 560] [--rounds 1] [--dir /tmp/rsheapdump-bench] [--keep]
//
// The file comes from bench/gen-snapshot.js; it is deleted afterwards unless --keep (or it was
// there before).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const root = path.join(__dirname, '..');

if (process.argv[2] === '--child') {
  child(process.argv[3]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main();
}

function main() {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '560' }, rounds: { type: 'string', default: '1' }, dir: { type: 'string' }, keep: { type: 'boolean' } } });
  const dir = values.dir || path.join(os.tmpdir(), 'rsheapdump-bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `gen-${values.mb}.heapsnapshot`);
  const existed = fs.existsSync(file);
  if (!existed) {
    const g = spawnSync(process.execPath, ['--max-old-space-size=16384', path.join(__dirname, 'gen-snapshot.js'), file, values.mb], { stdio: 'inherit' });
    if (g.status !== 0) throw new Error(`generating ${file} failed`);
  }
  try {
    process.stderr.write(`${path.basename(file)}: ${(fs.statSync(file).size / 1e6).toFixed(0)} MB\n`);
    for (let round = 0; round < Number(values.rounds); round++) {
      const s = timed([process.execPath, path.join(root, 'bin', 'rsheapdump.js'), 'summary', file, '--json']);
      const v = timed([process.execPath, __filename, '--child', file]);
      const q = JSON.parse(v.stdout);
      process.stderr.write(`summary: ${s.seconds.toFixed(2)} s, ${s.rssMiB.toFixed(0)} MiB\n`);
      process.stderr.write(`view:    ${v.seconds.toFixed(2)} s in all, open ${(q.openMs / 1000).toFixed(2)} s (${(q.openMs / 1000 / s.seconds).toFixed(2)}x summary), peak ${v.rssMiB.toFixed(0)} MiB (${(v.rssMiB / s.rssMiB).toFixed(2)}x)\n`);
      process.stderr.write(`         first class page ${q.firstClassesMs.toFixed(1)} ms, first objects page ${q.firstObjectsMs.toFixed(0)} ms, indexes ready ${(q.readyMs / 1000).toFixed(2)} s after open\n`);
      process.stderr.write(`         ${q.queries} later queries: median ${q.medianMs.toFixed(2)} ms, p95 ${q.p95Ms.toFixed(2)} ms, max ${q.maxMs.toFixed(1)} ms (${q.slowest})\n`);
      console.log(JSON.stringify({ file: path.basename(file), summary: { seconds: s.seconds, rssMiB: s.rssMiB }, view: { seconds: v.seconds, rssMiB: v.rssMiB, ...q } }));
    }
  } finally {
    if (!existed && !values.keep) fs.rmSync(file, { force: true });
  }
}

function timed(args) {
  const r = spawnSync('/usr/bin/time', ['-v', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds: Number(wall[1] || 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), rssMiB: Number(rss[1]) / 1024, stdout: r.stdout };
}

async function child(file) {
  const { openSnapshot } = require(path.join(root, 'analyze.js'));
  const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
  let t = process.hrtime.bigint();
  const view = await openSnapshot(file);
  const openMs = ms(t);
  const opened = process.hrtime.bigint();
  t = process.hrtime.bigint();
  const top = await view.classes({ limit: 100 });
  const firstClassesMs = ms(t);
  t = process.hrtime.bigint();
  const objs = await view.objects(top.rows[0].index, { limit: 100 });
  const firstObjectsMs = ms(t);
  while (!view.indexesReady) await new Promise((r) => setTimeout(r, 20));
  const readyMs = ms(opened);
  // Later queries: what a user does in the page, over classes of every size.
  const times = [];
  const q = async (label, f) => {
    const s = process.hrtime.bigint();
    const r = await f();
    times.push([ms(s), label]);
    return r;
  };
  const total = view.summary().classes.length;
  for (const sort of ['index', 'name', 'distance', 'count', 'shallowSize', 'retainedSize']) {
    await q(`classes by ${sort}`, () => view.classes({ sort, limit: 100 }));
    await q(`classes by ${sort}, last page`, () => view.classes({ sort, offset: Math.max(0, total - 100), limit: 100 }));
  }
  await q('classes filtered', () => view.classes({ filter: 'a', limit: 100 }));
  const ids = objs.rows.slice(0, 5).map((o) => o.id);
  for (const r of top.rows.slice(0, 20)) {
    const page = await q(`objects of ${r.class.name}`, () => view.objects(r.index, { limit: 100 }));
    if (page.rows.length) ids.push(page.rows[page.rows.length - 1].id);
  }
  for (const id of ids) {
    await q('node', () => view.node(id));
    const rs = await q(`retainers of @${id}`, () => view.retainers(id, { limit: 50 }));
    await q(`references of @${id}`, () => view.references(id, { limit: 50 }));
    await q(`retainerPaths of @${id}`, () => view.retainerPaths(id));
    if (rs.rows[0]) await q('retainers of a retainer', () => view.retainers(rs.rows[0].node.id, { limit: 50 }));
  }
  view.close();
  const sorted = times.map((x) => x[0]).sort((a, b) => a - b);
  const slowest = times.reduce((a, b) => (b[0] > a[0] ? b : a));
  console.log(
    JSON.stringify({
      openMs,
      firstClassesMs,
      firstObjectsMs,
      readyMs,
      queries: times.length,
      medianMs: sorted[sorted.length >> 1],
      p95Ms: sorted[Math.floor(sorted.length * 0.95)],
      maxMs: sorted[sorted.length - 1],
      slowest: slowest[1],
    }),
  );
}
