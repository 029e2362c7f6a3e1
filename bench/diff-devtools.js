'use strict';
// Runs Chrome DevTools' own Comparison (its heap snapshot worker, headless) on two snapshots and
// prints it in the shape of rsheapdump's diffSnapshots: the reference the diff test compares
// with. The worker bundle is the analyzer's (see bench/analyze-devtools-bundle.js).
//
//   node bench/diff-devtools.js before.heapsnapshot after.heapsnapshot [--json]

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const BUNDLE = path.join(__dirname, '..', '__test__', 'fixtures', 'analyze-devtools-worker.mjs');

/** Loads one snapshot into DevTools' worker model, as the Memory panel does. */
async function load(file) {
  const { HeapSnapshotLoader, HeapSnapshot } = await import(BUNDLE);
  const loader = new HeapSnapshotLoader(undefined);
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(2);
  fs.readSync(fd, magic, 0, 2, 0);
  fs.closeSync(fd);
  let stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  if (magic[0] === 0x1f && magic[1] === 0x8b) stream = stream.pipe(zlib.createGunzip());
  stream.setEncoding('utf8');
  for await (const chunk of stream) loader.write(chunk);
  loader.close();
  const channel = new MessageChannel();
  new HeapSnapshot.SecondaryInitManager(channel.port2);
  const snapshot = await loader.buildSnapshot(channel.port1);
  channel.port1.close();
  channel.port2.close();
  return snapshot;
}

/** DevTools' Comparison of `after` against `before`: `{ classes }` like diffSnapshots. */
async function diffWithDevTools(before, after) {
  const base = await load(before);
  const target = await load(after);
  // What HeapSnapshotView does: the base is named with the target's interface definitions.
  const baseAggregates = base.aggregatesForDiff(target.interfaceDefinitions());
  const diff = target.calculateSnapshotDiff(1, baseAggregates);
  const classes = Object.entries(diff).map(([key, d]) => ({
    name: d.name,
    key,
    newCount: d.addedCount,
    deletedCount: d.removedCount,
    countDelta: d.countDelta,
    allocSize: d.addedSize,
    freedSize: d.removedSize,
    sizeDelta: d.sizeDelta,
  }));
  return { classes };
}

async function main() {
  const [a, b] = process.argv.slice(2).filter((x) => !x.startsWith('--'));
  if (!a || !b) {
    process.stderr.write('usage: node bench/diff-devtools.js <before> <after> [--json]\n');
    process.exitCode = 2;
    return;
  }
  const r = await diffWithDevTools(a, b);
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(r) + '\n');
  else for (const c of r.classes.sort((x, y) => y.sizeDelta - x.sizeDelta).slice(0, 25)) process.stdout.write(`${c.name}\t${c.newCount}\t${c.deletedCount}\t${c.sizeDelta}\n`);
}

if (require.main === module) main();

module.exports = { diffWithDevTools };
