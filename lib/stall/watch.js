'use strict';
// watchEventLoop(): the stall watch's public side, on the main thread. A native watchdog thread
// (src/stall) notices when this thread's event loop stops turning; the capture worker
// (lib/stall/worker.js) takes the stuck thread's stack and profile while it is stuck and sends
// the report here when the loop turns again. Here the report gets its GC share (from Node's
// 'gc' performance entries, which only this thread sees) and goes to onStall and/or stderr.

const fs = require('node:fs');
const path = require('node:path');
const { isMainThread } = require('node:worker_threads');
const { PerformanceObserver, performance } = require('node:perf_hooks');
const native = require('../native');
const client = require('../client');
const { invalidArgType, invalidArgValue, rsError } = require('../errors');
const { optionsObject } = require('../options');
const { formatReport } = require('./format');
const { TURNS_KEY } = require('./capture');
const { CPU_INTERVAL_US } = require('../defaults');

const RANGES = {
  thresholdMs: { min: 10, max: 3_600_000, default: 100 },
  intervalMs: { min: 100, max: 3_600_000, default: 10_000 },
  profileMaxMs: { min: 100, max: 600_000, default: 10_000 },
  samplingIntervalUs: CPU_INTERVAL_US,
};

function integer(o, name) {
  const v = o[name];
  const r = RANGES[name];
  if (v === undefined) return r.default;
  if (typeof v !== 'number') throw invalidArgType(`options.${name}`, 'of type number', v);
  if (!Number.isInteger(v) || v < r.min || v > r.max) {
    const err = new RangeError(`The value of "options.${name}" is out of range. It must be an integer >= ${r.min} and <= ${r.max}. Received ${String(v)}`);
    err.code = 'ERR_OUT_OF_RANGE';
    throw err;
  }
  return v;
}

function boolean(o, name, dflt) {
  const v = o[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw invalidArgType(`options.${name}`, 'of type boolean', v);
  return v;
}

function directory(o) {
  if (o.dir === undefined) return process.cwd();
  if (typeof o.dir !== 'string' || o.dir === '') throw invalidArgType('options.dir', 'a non-empty string', o.dir);
  const dir = path.resolve(o.dir);
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a directory');
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw invalidArgValue('options.dir', o.dir, 'must be a writable directory');
  }
  return dir;
}

/** The validated options; throws TypeError / RangeError naming the option. */
function watchOptions(options) {
  const o = optionsObject(options);
  if (o.onStall !== undefined && typeof o.onStall !== 'function') throw invalidArgType('options.onStall', 'of type function', o.onStall);
  return {
    thresholdMs: integer(o, 'thresholdMs'),
    intervalMs: integer(o, 'intervalMs'),
    profile: boolean(o, 'profile', true),
    profileMaxMs: integer(o, 'profileMaxMs'),
    samplingIntervalUs: integer(o, 'samplingIntervalUs'),
    dir: directory(o),
    onStall: o.onStall,
    stderr: boolean(o, 'stderr', o.onStall === undefined),
  };
}

// --- GC pauses -----------------------------------------------------------------------------------

const GC_KEEP = 64;

/** Keeps the last GC pauses (epoch ms) so a report can say how much of a stall was GC. */
function gcLog() {
  const pauses = [];
  const keep = (list) => {
    for (const e of list.getEntries()) {
      if (e.duration < 1) continue;
      const start = performance.timeOrigin + e.startTime;
      pauses.push([start, start + e.duration]);
      if (pauses.length > GC_KEEP) pauses.shift();
    }
  };
  const obs = new PerformanceObserver(keep);
  obs.observe({ entryTypes: ['gc'] });
  return {
    /** GC time inside [from, to]. */
    within(from, to) {
      const pending = obs.takeRecords();
      if (pending.length) keep({ getEntries: () => pending });
      let sum = 0;
      for (const [a, b] of pauses) sum += Math.max(0, Math.min(b, to) - Math.max(a, from));
      return sum;
    },
    stop: () => obs.disconnect(),
  };
}

// --- the watch -----------------------------------------------------------------------------------

let current = null;

// What held the loop, from how the stack probe went (lib/stall/worker.js), unless GC did.
const BLOCKED_BY = { fast: 'javascript', slow: 'native', late: 'unknown' };

function noop() {}

/**
 * Watches this (the main) thread's event loop; returns `{ thresholdMs, ready, stop() }`.
 * A second call while a watch runs throws ERR_RSHEAPDUMP_WATCH_RUNNING.
 */
function watchEventLoop(options) {
  const o = watchOptions(options);
  if (!isMainThread) {
    const err = new TypeError('watchEventLoop() is not supported in workers: it watches the main thread\'s event loop, so call it there');
    err.code = 'ERR_WORKER_UNSUPPORTED_OPERATION';
    throw err;
  }
  if (current) throw rsError('WATCH_RUNNING', 'an event-loop watch is already running (from watchEventLoop() or NODE_HEAPDUMP_OPTIONS=stall=<ms>); stop() it before starting another');
  native.stallWatchStart(o.thresholdMs, o.intervalMs, noop);
  // For the stack probe (lib/stall/capture.js), which runs on this thread: not enumerable.
  Object.defineProperty(globalThis, TURNS_KEY, { value: native.stallLoopTurns, configurable: true, writable: true });
  const gc = gcLog();
  let stopped = null;
  const w = { o, gc };
  const ready = client.request('stallWatch', {
    config: { profile: o.profile, profileMaxMs: o.profileMaxMs, samplingIntervalUs: o.samplingIntervalUs, dir: o.dir, stderr: o.stderr },
  });
  // Marked handled: a watch that cannot take stacks still detects stalls; `ready` tells why.
  ready.catch((err) => {
    if (current === w && o.stderr) process.stderr.write(`rsheapdump: the stall watch cannot take stacks or profiles: ${err.message}\n`);
  });
  w.handle = Object.freeze({
    thresholdMs: o.thresholdMs,
    ready: ready.then(noop),
    stop() {
      if (stopped) return stopped;
      native.stallWatchStop();
      delete globalThis[TURNS_KEY];
      gc.stop();
      if (current === w) current = null;
      // Sent now, not after `ready`: the worker runs jobs in order, so a watch started right
      // after this stop is set up after this one is taken down.
      stopped = client.request('stallUnwatch', {}).then(noop, noop);
      return stopped;
    },
  });
  w.handle.ready.catch(noop);
  current = w;
  return w.handle;
}

/** A report from the capture worker (the loop turns again): completed and delivered. */
function onReport(r) {
  const w = current;
  if (!w) return;
  // The 'gc' entries of a pause that just ended are queued by Node in an immediate.
  setImmediate(() => {
    if (current !== w) return;
    const gcMs = w.gc.within(r.startedAt, r.startedAt + r.durationMs);
    const report = {
      startedAt: r.startedAt,
      durationMs: r.durationMs,
      blockedBy: gcMs >= r.durationMs / 2 ? 'gc' : BLOCKED_BY[r.probe],
      gcMs,
      stack: r.stack,
    };
    if (r.profile) report.profile = r.profile;
    if (r.top) report.top = r.top;
    if (r.profileError) report.profileError = r.profileError;
    if (w.o.stderr) process.stderr.write(`${formatReport(report)}\n`);
    // A throwing onStall is the app's error, surfaced as an uncaught exception, as an emitter's.
    if (w.o.onStall) w.o.onStall(report);
  });
}

/** NODE_HEAPDUMP_OPTIONS=stall=<ms>: a watch at require time, reporting on stderr. */
function watchFromEnvironment(opts) {
  if (!opts.stall || !isMainThread || current) return null;
  return watchEventLoop({ thresholdMs: opts.stall, dir: opts.dir, stderr: true });
}

module.exports = { watchEventLoop, watchFromEnvironment, onReport, watchOptions };
