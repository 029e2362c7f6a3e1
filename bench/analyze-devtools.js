'use strict';
// Runs Chrome DevTools' own heap snapshot worker headless on a file and prints its Summary in
// rsheapdump's shape: the reference our numbers are compared with, and a benchmark contender.
//
//   node bench/analyze-devtools.js app.heapsnapshot[.gz] [--json]
//
// The worker code is the bundle in __test__/fixtures (see bench/analyze-devtools-bundle.js); the
// file is streamed into DevTools' HeapSnapshotLoader in chunks, as the Memory panel does.

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const BUNDLE = path.join(__dirname, '..', '__test__', 'fixtures', 'analyze-devtools-worker.mjs');

/** Loads a snapshot with DevTools' loader and worker; resolves to { statistics, classes, version }. */
async function analyzeWithDevTools(file) {
  const { HeapSnapshotLoader, HeapSnapshot, version } = await import(BUNDLE);
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
  // DevTools warns about unreachable nodes on the console (Node 24 snapshots have some).
  const warn = console.warn;
  console.warn = () => {};
  let snapshot;
  try {
    snapshot = await loader.buildSnapshot(channel.port1);
  } finally {
    console.warn = warn;
  }
  channel.port1.close();
  channel.port2.close();
  const s = snapshot.getStatistics();
  const aggregates = snapshot.aggregatesWithFilter({});
  const classes = Object.entries(aggregates).map(([key, a]) => ({
    name: a.name,
    key,
    count: a.count,
    shallowSize: a.self,
    retainedSize: a.maxRet,
    distance: a.distance,
  }));
  return {
    version,
    statistics: {
      total: s.total,
      v8heap: s.v8heap.total,
      native: s.native.total,
      code: s.v8heap.code,
      strings: s.v8heap.strings,
      jsArrays: s.v8heap.jsArrays,
      typedArrays: s.native.typedArrays,
      system: s.v8heap.system,
    },
    classes,
    nodeCount: snapshot.nodeCount,
  };
}

async function main() {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/analyze-devtools.js <file.heapsnapshot[.gz]> [--json]\n');
    process.exitCode = 2;
    return;
  }
  const t0 = process.hrtime.bigint();
  const r = await analyzeWithDevTools(file);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(r) + '\n');
  } else {
    process.stdout.write(`DevTools ${r.version}: ${r.classes.length} classes, total ${r.statistics.total} bytes, ${ms.toFixed(0)} ms\n`);
  }
}

if (require.main === module) main();

module.exports = { analyzeWithDevTools };
