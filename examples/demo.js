'use strict';
// A small HTTP service with a cache that only grows (the planted leak), exercised by a few
// hundred requests; then rsheapdump takes a gzip heap snapshot of it without blocking on the write.
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

async function main() {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  console.log(`demo service listening on 127.0.0.1:${port}`);
  for (let i = 0; i < 2000; i++) await get(port);
  console.log(`served 2000 requests; the cache now holds ${cache.size} SessionRecord objects`);

  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-demo-'));
  const t0 = process.hrtime.bigint();
  const file = await rsheapdump.writeSnapshot(path.join(outDir, 'demo.heapsnapshot.gz'), { gzip: true });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const { size } = fs.statSync(file);
  const heapUsed = process.memoryUsage().heapUsed;
  console.log(`heap snapshot written to ${file}`);
  console.log(`  ${(size / 1e6).toFixed(2)} MB gzip (heapUsed ${(heapUsed / 1e6).toFixed(1)} MB) in ${ms.toFixed(0)} ms, mode 0${(fs.statSync(file).mode & 0o777).toString(8)}`);
  server.close();
}

main().catch((err) => {
  console.error(`demo failed: ${err.message} [${err.code}]`);
  process.exitCode = 1;
});
