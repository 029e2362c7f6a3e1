'use strict';
// watchHeap: evidence before an out-of-memory death. V8's sampling heap profiler runs from the
// start (in the capture worker); a timer on this thread compares the heap with its limits, and
// when memory crosses `percent` it writes a gzip heap snapshot if one fits in the memory left
// (lib/headroom.js), and otherwise the sampled profile of live memory, which names the
// allocation sites that hold it. Once per crossing; at most `keep` files, oldest removed.
// Never keeps the process alive: the timer is unref'd and the worker is ref'd only during a job.

const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const { Sink } = require('./sink');
const client = require('./client');
const { writeSnapshot } = require('./snapshot');
const { gzipLevel } = require('./names');
const { estimateSnapshotBytes, memoryHeadroom, checkHeadroom } = require('./headroom');
const { invalidArgType, rsError } = require('./errors');
const { optionsObject } = require('./options');
const { HEAP_INTERVAL_BYTES } = require('./defaults');

// One sample per 1 MiB allocated on average (V8's own default is 512 KiB; the API's 32 KiB). A
// leak that threatens the process allocates hundreds of MB, so it still gets hundreds of
// samples; the cost is measured in bench/watch-heap.js (docs/headroom.md).
const DEFAULT_INTERVAL_BYTES = 1024 * 1024;
const DEFAULT_CHECK_MS = 1000;
// A crossing is re-armed once memory falls this far below the threshold (no file per tick while
// memory hovers at it).
const REARM = 0.05;

let current = null;
let seq = 0;

function intOption(name, value, min, max, dflt) {
  if (value === undefined) return dflt;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    const err = new RangeError(`The value of "${name}" is out of range. It must be an integer >= ${min} and <= ${max}. Received ${String(value)}`);
    err.code = 'ERR_OUT_OF_RANGE';
    throw err;
  }
  return value;
}

function parseOptions(options) {
  const o = optionsObject(options);
  if (o.dir !== undefined && typeof o.dir !== 'string') throw invalidArgType('options.dir', 'of type string', o.dir);
  if (o.onCapture !== undefined && typeof o.onCapture !== 'function') throw invalidArgType('options.onCapture', 'of type function', o.onCapture);
  return {
    percent: intOption('options.percent', o.percent, 1, 99, 85),
    dir: path.resolve(o.dir ?? '.'),
    keep: intOption('options.keep', o.keep, 1, 1000, 3),
    gzip: o.gzip === undefined ? 1 : gzipLevel(o.gzip),
    intervalBytes: intOption('options.samplingIntervalBytes', o.samplingIntervalBytes, HEAP_INTERVAL_BYTES.min, HEAP_INTERVAL_BYTES.max, DEFAULT_INTERVAL_BYTES),
    checkMs: intOption('options.checkIntervalMs', o.checkIntervalMs, 10, 3_600_000, DEFAULT_CHECK_MS),
    onCapture: o.onCapture,
  };
}

/**
 * How full memory is, as a fraction: heapUsed against V8's heap limit, or the cgroup's usage
 * against its limit, whichever is nearer; `{ ratio, against }`.
 */
function pressure() {
  const h = v8.getHeapStatistics();
  let ratio = h.used_heap_size / h.heap_size_limit;
  let against = 'heap_size_limit';
  const room = memoryHeadroom();
  if (room?.cgroupLimit) {
    const used = Math.max(room.cgroupUsed, process.memoryUsage.rss());
    if (used / room.cgroupLimit > ratio) {
      ratio = used / room.cgroupLimit;
      against = `${room.bound} limit`;
    }
  }
  return { ratio, against };
}

function fileName(dir, ext) {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}.${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return path.join(dir, `heapwatch.${stamp}.${process.pid}.${String(++seq).padStart(3, '0')}.${ext}`);
}

class HeapWatch {
  constructor(o) {
    this.options = o;
    this.files = [];
    this.over = false;
    this.capturing = false;
    this.stopped = false;
    this.timer = setInterval(() => this.check(), o.checkMs);
    this.timer.unref();
  }

  check() {
    if (this.stopped || this.capturing) return;
    const { ratio, against } = pressure();
    const threshold = this.options.percent / 100;
    if (this.over) {
      if (ratio < threshold - REARM) this.over = false;
      return;
    }
    if (ratio < threshold) return;
    this.over = true;
    this.capturing = true;
    this.capture(ratio, against)
      .catch((err) => process.stderr.write(`rsheapdump: the heap watch could not write its file: ${err.message} [${err.code}]\n`))
      .finally(() => {
        this.capturing = false;
      });
  }

  async capture(ratio, against) {
    const o = this.options;
    const needed = estimateSnapshotBytes();
    let fits = true;
    try {
      checkHeadroom({ needed });
    } catch (err) {
      if (err.code !== 'ERR_RSHEAPDUMP_NO_HEADROOM') throw err;
      fits = false;
    }
    let file;
    let kind;
    if (fits) {
      kind = 'snapshot';
      file = await writeSnapshot(fileName(o.dir, o.gzip ? 'heapsnapshot.gz' : 'heapsnapshot'), { gzip: o.gzip ?? false });
    } else {
      kind = 'heapprofile';
      const name = fileName(o.dir, o.gzip ? 'heapprofile.gz' : 'heapprofile');
      // Opened here, so that it is aborted here too if the worker's job fails (lib/sink.js).
      const sink = Sink.open(name, o.gzip);
      file = (await sink.guard(() => client.request('watchSample', { sinkId: sink.id }))).path;
    }
    this.files.push(file);
    while (this.files.length > o.keep) fs.rmSync(this.files.shift(), { force: true });
    if (o.onCapture) o.onCapture({ file, kind, ratio, against, needed });
  }

  /** Stops the watch and V8's sampling profiler; resolves when both are stopped. */
  stop() {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    clearInterval(this.timer);
    if (current === this) current = null;
    return client.request('watchStop', {}).then(() => undefined);
  }
}

/**
 * Starts the heap watch; resolves to `{ stop(), files }` once V8's sampling profiler runs.
 * Rejects with ERR_RSHEAPDUMP_WATCH_RUNNING while another watch runs.
 */
function watchHeap(options) {
  const o = parseOptions(options);
  if (current) return Promise.reject(rsError('WATCH_RUNNING', 'a heap watch is already running in this process; stop() it before starting another'));
  try {
    if (!fs.statSync(o.dir).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, watchHeap '${o.dir}'`), { code: 'ENOTDIR', path: o.dir });
  } catch (err) {
    return Promise.reject(err);
  }
  // Claimed now, so that a second call made before this one resolves is refused too.
  const claim = {};
  current = claim;
  return client.request('watchStart', { intervalBytes: o.intervalBytes }).then(
    () => {
      const w = new HeapWatch(o);
      if (current === claim) current = w;
      return w;
    },
    (err) => {
      if (current === claim) current = null;
      throw err;
    },
  );
}

/** NODE_HEAPDUMP_OPTIONS=watch=<percent>: starts the watch at require time; failures are one line. */
function watchFromEnv(opts) {
  if (!opts.watch) return;
  watchHeap({ percent: opts.watch, dir: opts.dir }).catch((err) => process.stderr.write(`rsheapdump: the heap watch (NODE_HEAPDUMP_OPTIONS) could not start: ${err.message} [${err.code}]\n`));
}

module.exports = { watchHeap, watchFromEnv, pressure, DEFAULT_INTERVAL_BYTES };
