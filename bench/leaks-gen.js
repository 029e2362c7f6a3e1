'use strict';
// Writes three real V8 heap snapshots of one process for the leak benchmark: baseline, target
// and final, each about the requested size. The program is deterministic (no I/O, no clock):
// an application heap of class instances, plain objects, strings, arrays, Maps and closures;
// between the snapshots it leaks `SessionRecord` objects into a Map that only grows and
// listener closures on an EventEmitter, and makes garbage that is gone by the final snapshot.
// Real snapshots rather than bench/gen-snapshot.js's synthetic one, because a leak needs three
// snapshots whose object ids agree, which only V8 itself produces.
//
//   node bench/leaks-gen.js <dir> <megabytes per snapshot>

const path = require('node:path');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

// Measured on Node 20: bytes of snapshot per unit of `units` below, and an empty program's size.
const BYTES_PER_UNIT = 893;
const BASE_BYTES = 3.9e6;

const program = (dir, units) => `
const v8 = require('node:v8');
const path = require('node:path');
const { EventEmitter } = require('node:events');
let seed = 7;
const rnd = (m) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % m;
class Customer { constructor(i) { this.id = i; this.name = 'customer ' + i; this.tags = ['t' + rnd(100), 't' + rnd(100)]; this.address = { street: 'street ' + rnd(1000), city: 'city ' + rnd(50) }; } }
class Order { constructor(c, i) { this.customer = c; this.total = i * 1.5; this.lines = [{ sku: 'sku' + rnd(500), qty: rnd(9) }]; } }
class SessionRecord { constructor(i) { this.sid = 'sess-' + i; this.user = { id: i, roles: ['r' + (i % 7)] }; this.created = i; this.scratch = new Array(8).fill(i); } }
class Transient { constructor(i) { this.i = i; this.data = 'tmp ' + i; } }
const app = { customers: [], orders: new Map(), handlers: [] };
globalThis.app = app;
for (let i = 0; i < ${units}; i++) {
  const c = new Customer(i);
  app.customers.push(c);
  if (i % 2 === 0) app.orders.set('o' + i, new Order(c, i));
  if (i % 50 === 0) app.handlers.push(((k) => () => k + app.customers.length)(i));
}
globalThis.sessions = new Map();
globalThis.bus = new EventEmitter();
bus.setMaxListeners(0);
let next = 0;
function handle(n) {
  for (let k = 0; k < n; k++) {
    const s = new SessionRecord(next++);
    sessions.set(s.sid, s);
    if (k % 10 === 0) bus.on('logout', () => s.sid);
  }
}
function garbage(n) { globalThis.scratch = Array.from({ length: n }, (_, i) => new Transient(i)); }
handle(20); garbage(10);
const leak = Math.max(100, Math.floor(${units} / 20));
v8.writeHeapSnapshot(path.join(${JSON.stringify(dir)}, 'baseline.heapsnapshot'));
handle(leak); garbage(leak);
v8.writeHeapSnapshot(path.join(${JSON.stringify(dir)}, 'target.heapsnapshot'));
globalThis.scratch = null; handle(leak);
v8.writeHeapSnapshot(path.join(${JSON.stringify(dir)}, 'final.heapsnapshot'));
process.stdout.write(JSON.stringify({ leakedPerPhase: leak, listenersPerPhase: Math.ceil(leak / 10) }));
`;

/** Writes the three snapshots into `dir`; returns what the program leaked per phase. */
function generate(dir, megabytes) {
  fs.mkdirSync(dir, { recursive: true });
  const units = Math.max(1000, Math.round((megabytes * 1e6 - BASE_BYTES) / BYTES_PER_UNIT));
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', '-e', program(dir, units)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`snapshot program failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

if (require.main === module) {
  const [dir, mb] = process.argv.slice(2);
  if (!dir || !(Number(mb) > 0)) {
    process.stderr.write('usage: node bench/leaks-gen.js <dir> <megabytes per snapshot>\n');
    process.exitCode = 2;
  } else {
    const info = generate(path.resolve(dir), Number(mb));
    for (const n of ['baseline', 'target', 'final']) {
      const f = path.join(dir, `${n}.heapsnapshot`);
      process.stdout.write(`${f}: ${(fs.statSync(f).size / 1e6).toFixed(1)} MB\n`);
    }
    process.stdout.write(`${JSON.stringify(info)}\n`);
  }
}

module.exports = { generate };
