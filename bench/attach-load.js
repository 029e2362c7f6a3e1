'use strict';
// An Express app under autocannon load, snapshotted and profiled by pid while it serves.
//
//   node bench/attach-load.js [--node path/to/node] [--connections 10] [--rate 1000] [--seconds 12] [--mb 10]
//
// The app (a plain node script: express, no rsheapdump) listens on 127.0.0.1. autocannon drives
// it with a bounded number of connections and requests per second, twice for the same time: once alone (the baseline),
// once while this process attaches by pid and takes a heap snapshot (gzip), a 2 s CPU profile, a
// 1 s heap profile and a stack, as the CLI does. Prints requests, errors, timeouts, non-2xx,
// latency, and checks that afterwards the app listens only on its own port (inspector closed).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const { attach } = require('..');
const proc = require('../lib/attach/proc');

const { values } = parseArgs({
  options: { node: { type: 'string' }, connections: { type: 'string', default: '10' }, rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '12' }, mb: { type: 'string', default: '10' } },
});
const node = values.node ?? process.execPath;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-bench-load-'));

const APP = `
const express = require(${JSON.stringify(require.resolve('express'))});
class CacheEntry { constructor(i) { this.key = 'k' + i; this.value = { n: i, s: 'v'.repeat(32) }; } }
const cache = [];
while (process.memoryUsage().heapUsed < ${Number(values.mb)} * 1e6) for (let i = 0; i < 10000; i++) cache.push(new CacheEntry(cache.length));
const app = express();
app.get('/', (req, res) => {
  let x = 0;
  for (let i = 0; i < 2000; i++) x += Math.sqrt(i);
  res.json({ n: cache.length, x });
});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

const errorKinds = {};
function load(port, seconds) {
  const inst = autocannon({ url: `http://127.0.0.1:${port}/`, connections: Number(values.connections), overallRate: Number(values.rate), duration: seconds, timeout: 10 }, () => {});
  inst.on('reqError', (err) => (errorKinds[err.code ?? err.message] = (errorKinds[err.code ?? err.message] ?? 0) + 1));
  return new Promise((resolve, reject) => {
    inst.on('done', resolve);
    inst.on('error', reject);
  });
}

async function main() {
  const script = path.join(dir, 'app.js');
  fs.writeFileSync(script, APP);
  const app = spawn(node, ['--inspect-port=0', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const port = Number(await new Promise((r) => app.stdout.once('data', (d) => r(String(d).trim()))));
    const seconds = Number(values.seconds);
    const base = await load(port, seconds);
    const during = load(port, seconds);
    await new Promise((r) => setTimeout(r, 1000));
    const t = await attach(app.pid);
    const work = {};
    try {
      const s = await t.writeSnapshot(path.join(dir, 'app.heapsnapshot'), { gzip: true });
      work.snapshot = { mb: +(s.bytes / 1e6).toFixed(1), pauseMs: Math.round(s.pauseMs), method: s.method };
      await t.cpuProfile({ durationMs: 2000, filename: path.join(dir, 'app.cpuprofile') });
      await t.heapProfile({ durationMs: 1000, filename: path.join(dir, 'app.heapprofile') });
      work.stackFrames = (await t.stack()).frames.length;
    } finally {
      work.detach = await t.detach();
    }
    const under = await during;
    const listening = proc.ownListeners(app.pid).map((l) => l.port);
    const row = (name, r) => ({
      run: name,
      requests: r.requests.total,
      reqPerSec: Math.round(r.requests.average),
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
      p99ms: r.latency.p99,
      maxMs: r.latency.max,
    });
    console.log(`Node ${await version()}, ${values.connections} connections, at most ${values.rate} requests/s, ${seconds} s per run, heap ~${values.mb} MB`);
    console.table([row('alone', base), row('attached: snapshot + profiles + stack', under)]);
    console.log('attach work:', JSON.stringify(work));
    console.log(`listening afterwards: [${listening.join(', ')}] (the app's port is ${port}: ${listening.length === 1 && listening[0] === port ? 'inspector closed' : 'INSPECTOR STILL OPEN'})`);
    const failed = under.errors + under.timeouts + under.non2xx;
    console.log(`failed requests while attached: ${failed}${failed ? ` ${JSON.stringify(errorKinds)}` : ''}`);
    if (failed || listening.length !== 1) process.exitCode = 1;
  } finally {
    app.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function version() {
  return new Promise((r) => {
    const c = spawn(node, ['--version']);
    let v = '';
    c.stdout.on('data', (d) => (v += d));
    c.on('close', () => r(v.trim()));
  });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
