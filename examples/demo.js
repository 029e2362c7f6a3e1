'use strict';
// A small HTTP service with a cache that only grows (the planted leak), exercised by a few
// thousand requests while rsheapdump records a CPU profile; then a gzip heap snapshot of it, its
// DevTools-style summary, a flame graph of the CPU profile, and the leak found from three
// snapshots taken around more requests.
//
//   npm run demo

const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const rsheapdump = require('..');

class SessionRecord {
  constructor(id) {
    this.id = id;
    this.createdAt = Date.now();
    this.payload = 'user-' + id + '-'.repeat(200);
  }
}

// The leak: every request adds an entry and nothing ever evicts one.
const cache = new Map();

const server = http.createServer((req, res) => {
  const id = cache.size;
  cache.set(`session:${id}`, new SessionRecord(id));
  res.end(`hello ${id}\n`);
});

function get(port) {
  return new Promise((resolve, reject) => {
    http.get({ port, path: '/' }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
}

const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;

async function main() {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  console.log(`demo service listening on 127.0.0.1:${port}`);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-demo-'));

  // 1. A CPU profile of the load, recorded and written by the capture worker.
  await rsheapdump.startCpuProfile({ intervalUs: 500 });
  for (let i = 0; i < 2000; i++) await get(port);
  const cpuFile = await rsheapdump.stopCpuProfile({ filename: path.join(outDir, 'demo.cpuprofile') });
  console.log(`served 2000 requests; the cache now holds ${cache.size} SessionRecord objects`);
  console.log(`\nCPU profile written to ${cpuFile}`);

  // 2. A heap snapshot, streamed off the main thread and gzip-compressed.
  const t0 = process.hrtime.bigint();
  const file = await rsheapdump.writeSnapshot(path.join(outDir, 'demo.heapsnapshot.gz'), { gzip: true });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const { size } = fs.statSync(file);
  const heapUsed = process.memoryUsage().heapUsed;
  console.log(`\nheap snapshot written to ${file}`);
  console.log(`  ${mb(size)} gzip (heapUsed ${mb(heapUsed)}) in ${ms.toFixed(0)} ms, mode 0${(fs.statSync(file).mode & 0o777).toString(8)}`);

  // 3. What DevTools' Memory panel would show, computed by the Rust analyzer off the event loop.
  const summary = await rsheapdump.analyzeSnapshot(file);
  console.log(`\nsummary: ${summary.nodeCount.toLocaleString('en-US')} objects, total ${mb(summary.statistics.total)}; top classes by retained size:`);
  const top = [...summary.classes].sort((a, b) => b.retainedSize - a.retainedSize).slice(0, 6);
  for (const c of top) {
    console.log(`  ${c.name.slice(0, 32).padEnd(32)} ${String(c.count).padStart(7)} objects  ${mb(c.retainedSize).padStart(10)} retained`);
  }
  const records = summary.classes.find((c) => c.name === 'SessionRecord');
  console.log(`  -> SessionRecord: ${records.count} objects, ${mb(records.retainedSize)} retained (the cache that never evicts)`);

  // 4. The CPU profile's hottest functions and a flame graph to open in a browser.
  const cpu = await rsheapdump.analyzeCpuProfile(cpuFile, { limit: 5 });
  console.log(`\nCPU profile: ${cpu.sampleCount} samples over ${(cpu.total / 1000).toFixed(0)} ms; hottest by self time:`);
  for (const f of cpu.functions) console.log(`  ${(f.name || '(anonymous)').slice(0, 40).padEnd(40)} ${(f.selfPercent ?? 0).toFixed(1).padStart(5)}%  ${f.url ? path.basename(f.url) : ''}`);
  const svgFile = path.join(outDir, 'demo-flame.svg');
  fs.writeFileSync(svgFile, await rsheapdump.flameGraph(cpuFile, { title: 'rsheapdump demo: 2000 requests' }), { mode: 0o600 });
  console.log(`flame graph written to ${svgFile} (open it in a browser)`);

  // 5. The leak: snapshots before, between and after two rounds of requests. Objects made during
  //    the first round and still alive after the second are what leaks.
  const snap = (name) => rsheapdump.writeSnapshot(path.join(outDir, `${name}.heapsnapshot.gz`));
  const base = await snap('baseline');
  for (let i = 0; i < 300; i++) await get(port);
  const target = await snap('target');
  for (let i = 0; i < 300; i++) await get(port);
  const final = await snap('final');
  const leaks = await rsheapdump.findLeaks(base, target, final, { limit: 3 });
  const leak = leaks.clusters[0];
  console.log(`\nleaks: ${leak.className} x ${leak.count}, retaining ${leak.retainedSize.toLocaleString('en-US')} bytes, held by`);
  console.log(`  ${rsheapdump.formatRetainerPath(leak.path)}`);
  console.log(`  (the same from a shell: npx rsheapdump leaks ${base} ${target} ${final})`);

  server.close();
}

main().catch((err) => {
  console.error(`demo failed: ${err.message} [${err.code}]`);
  process.exitCode = 1;
});
