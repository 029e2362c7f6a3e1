'use strict';
// The stall watch's side in the capture worker. The native watchdog (src/stall) calls onEvent on
// this worker's event loop: at a stall's start the main thread's stack is taken (and a CPU
// profile started) through an inspector session of its own, so it never waits behind a snapshot
// in the job queue; while the stall lasts, one line per interval goes straight to fd 2 (the main
// thread, which relays a worker's process.stderr, is stuck); at its end the profile is written
// (0600, Node's name, in `dir`) and the report goes to the main thread (lib/stall/watch.js).

const fs = require('node:fs');
const inspector = require('node:inspector');
const { parentPort } = require('node:worker_threads');
const native = require('../native');
const { withSink } = require('../sink');
const { rsError } = require('../errors');
const { captureStack, startProfile, stopProfile } = require('./capture');
const { formatReport, topFunctions } = require('./format');

// A probe answered within this much of the main thread's CPU time, asked while that thread was
// runnable, ran while JavaScript was running: V8 serves interrupts within microseconds then
// (however long the thread waits for a CPU on a busy machine). A GC or a CPU-bound native call
// holds it for CPU time; a blocking call (asleep when asked) for wall time.
const FAST_PROBE_MS = 50;
// How long the end of a stall waits for a stack or profile still on its way.
const SETTLE_MS = 2000;
// The longest our own profile stop may hold the main thread without being reported.
const QUIET_MS = 2000;
// Functions in a report's `top`.
const TOP = 5;

let session = null;
let config = null;
const stalls = new Map();
// One profile at a time on this session: each stall's start and stop are chained.
let profileChain = Promise.resolve();

function post(method, params) {
  return new Promise((resolve, reject) => {
    if (!session) return reject(rsError('EXITING', 'the stall watch has stopped'));
    session.post(method, params, (err, result) => (err ? reject(rsError('INSPECTOR', `V8 inspector command ${method} failed: ${err.message}`)) : resolve(result)));
  });
}

const within = (promise, ms, fallback) =>
  Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms, fallback).unref())]);

function probe(st) {
  const asked = performance.now();
  const before = native.stallMainThread();
  return captureStack(post).then(
    ({ frames, turns }) => {
      const wall = performance.now() - asked;
      const after = native.stallMainThread();
      const latency = before && after && before[1] ? after[0] - before[0] : wall;
      // The loop's turn count, read by the probe on the main thread, says whether the loop had
      // turned again (the stall was over) when the stack was taken.
      const duringStall = turns === null ? !st.ended : turns === st.turns;
      return { frames, fast: latency <= FAST_PROBE_MS, duringStall };
    },
    (err) => ({ frames: null, fast: false, duringStall: false, error: err.message }),
  );
}

function begin(ev) {
  const st = { id: ev.id, startedAt: ev.startedAt, turns: ev.turns, ended: false, stack: null, profiling: null, profileDone: null, cap: null };
  st.stack = probe(st);
  if (config.profile) {
    const started = profileChain.then(() => startProfile(post, { intervalUs: config.samplingIntervalUs }));
    st.profiling = started.then(
      () => true,
      (err) => ((st.profileError = err.message), false),
    );
    profileChain = st.profiling;
    st.cap = setTimeout(() => finishProfile(st), config.profileMaxMs);
  }
  stalls.set(ev.id, st);
}

/** Stops the stall's profile (at its end or at the cap) and writes it, once. */
function finishProfile(st) {
  if (!st.profiling) return Promise.resolve(null);
  if (st.profileDone) return st.profileDone;
  clearTimeout(st.cap);
  st.profileDone = (async () => {
    if (!(await st.profiling)) return null;
    // Stopping joins V8's sampler thread on the main thread, which can take long when that
    // thread waits for a CPU: our own pause, not the app's stall.
    native.stallWatchQuiet(QUIET_MS);
    let profile;
    try {
      profile = await stopProfile(post);
    } finally {
      native.stallWatchQuiet(0);
    }
    const file = require('../names').profileFilename('cpu', config.dir);
    const { path } = await withSink(file, null, (sink) => sink.write(Buffer.from(JSON.stringify(profile))));
    const top = topFunctions(await native.analyzeCpuProfile(path, { limit: TOP + 2 }), TOP);
    return { path, top };
  })().catch((err) => {
    st.profileError = err.message;
    return null;
  });
  profileChain = st.profileDone;
  return st.profileDone;
}

async function ongoing(ev) {
  const st = stalls.get(ev.id);
  if (!st || !config.stderr) return;
  // A fresh stack if V8 serves it soon (a loop), else the one taken at the start.
  const fresh = await within(probe(st), 1000, null);
  const first = await within(st.stack, 0, null);
  const frames = fresh?.frames ?? first?.frames ?? null;
  const done = st.profileDone ? await within(st.profileDone, 0, null) : null;
  const line = formatReport({ ongoing: true, durationMs: ev.durationMs, stack: frames, profile: done?.path, top: done?.top });
  try {
    fs.writeSync(2, `${line}\n`);
  } catch {
    // stderr closed: nothing to tell.
  }
}

async function end(ev) {
  const st = stalls.get(ev.id);
  if (!st) return;
  st.ended = true;
  // The profile's stop is chained now, before anything is awaited: the next stall's start (which
  // may come before this report is done) must wait for it, or this stop's Profiler.disable would
  // end the next stall's profile ("Profiler is not enabled", seen in a 10-minute soak).
  const finishing = finishProfile(st);
  const stack = await within(st.stack, SETTLE_MS, null);
  const done = await within(finishing, SETTLE_MS, null);
  stalls.delete(ev.id);
  if (!config) return;
  const useful = stack && stack.duringStall && stack.frames;
  parentPort.postMessage({
    type: 'stall',
    report: {
      id: ev.id,
      startedAt: ev.startedAt,
      durationMs: ev.durationMs,
      stack: useful ? stack.frames : null,
      // How the stack probe went: 'fast' (JavaScript was running), 'slow' (served as a GC or a
      // native call ended), 'late' (only after the loop turned; no stack then).
      probe: useful ? (stack.fast ? 'fast' : 'slow') : 'late',
      profile: done?.path,
      top: done?.top,
      profileError: st.profileError,
    },
  });
}

function onEvent(ev) {
  if (!config) return;
  if (ev.kind === 'start') {
    if (!stalls.has(ev.id)) begin(ev);
  } else if (ev.kind === 'ongoing') {
    void ongoing(ev);
  } else {
    void end(ev);
  }
}

/** Starts serving the watchdog's events with `cfg` (validated on the main thread). */
function watch(cfg) {
  close();
  const s = new inspector.Session();
  s.connectToMainThread();
  session = s;
  config = cfg;
  if (!native.stallWatchSubscribe(onEvent)) {
    close();
    throw rsError('INTERNAL', 'the stall watchdog is not running');
  }
}

/** Stops: a stall in progress is not reported, its profile is dropped. */
function close() {
  config = null;
  for (const st of stalls.values()) clearTimeout(st.cap);
  stalls.clear();
  profileChain = Promise.resolve();
  if (session) {
    session.disconnect();
    session = null;
  }
}

module.exports = { watch, close };
