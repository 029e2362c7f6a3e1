'use strict';
// CPU profile and sampling heap profile jobs, run in the capture worker through its inspector
// session. The profile object is serialized here (JSON.stringify gives exactly the `node
// --cpu-prof` / `--heap-prof` file) and written through the native sink, so the main thread
// neither serializes nor writes.
//
// State is kept here, and only here, because V8 accepts a second start silently: one CPU profile
// and one heap sampling profile at a time per process. Each profile has an owner (OWNER.api for the
// main thread's start/stop, OWNER.timed for cpuProfileFor, OWNER.watch): a stop only stops a
// profile its owner started. The main thread reads it (lib/profile-state.js), it keeps no copy.
//
// These functions are safe to call outside the job queue (e.g. from a signal handler in this
// worker): profiler commands emit no chunk events, so they cannot interleave with a snapshot's.

const { Sink } = require('../sink');
const { post, profiledThreadId } = require('./session');
const { invalidArgValue } = require('../errors');
const { resolveTarget, profileFilename } = require('../names');
const { CPU_INTERVAL_US, HEAP_INTERVAL_BYTES } = require('../defaults');
const { OWNER, publish, runningError, noProfileError } = require('../profile-state');

/**
 * Current profiles: null or { owner, phase: 'starting' | 'running' | 'stopping' }. Every change
 * goes through `set`, which publishes it to the thread that asks for profiles (lib/profile-state.js).
 */
const state = { cpu: null, heap: null };

function set(kind, cur) {
  state[kind] = cur;
  publish(kind, cur);
}

const running = (kind) => runningError(kind, state[kind]);
const noProfile = (kind, owner) => noProfileError(kind, state[kind], owner);

/** Claims the slot for `kind` synchronously, then runs `begin`; releases the slot if it fails. */
function begin(kind, owner, fn) {
  if (state[kind]) return Promise.reject(running(kind));
  const me = { owner, phase: 'starting', ready: null };
  set(kind, me);
  me.ready = (async () => {
    try {
      await fn();
      me.phase = 'running';
    } catch (err) {
      if (state[kind] === me) set(kind, null);
      throw err;
    }
  })();
  return me.ready;
}

/** Releases the slot for `kind` synchronously, then runs `fn` (which stops V8's profiler). */
async function end(kind, owner, fn) {
  let cur = state[kind];
  if (cur && cur.owner === owner && cur.phase === 'starting') {
    // A stop that overtook its start (possible outside the job queue): let the start finish.
    await cur.ready.catch(() => {});
    cur = state[kind];
  }
  if (!cur || cur.owner !== owner || cur.phase === 'stopping') throw noProfile(kind, owner);
  cur.phase = 'stopping';
  publish(kind, cur);
  try {
    return await fn();
  } finally {
    if (state[kind] === cur) set(kind, null);
  }
}

/** Largest string handed to the sink at once (UTF-16 code units). */
const SLICE = 1 << 20;

/**
 * Writes `JSON.stringify(obj)` into an open sink (a lib/sink.js Sink) and finishes it; aborts
 * the sink on failure. Resolves to { path, bytes, rawBytes }.
 */
function writeJson(sink, obj) {
  return sink.guard(() => {
    const json = JSON.stringify(obj);
    for (let i = 0; i < json.length; ) {
      let j = Math.min(i + SLICE, json.length);
      // Never split a surrogate pair: each slice is converted to UTF-8 on its own.
      const c = json.charCodeAt(j - 1);
      if (j < json.length && c >= 0xd800 && c <= 0xdbff) j--;
      sink.write(json.slice(i, j));
      i = j;
    }
    return sink.finish();
  });
}

/** Runs `fn`, aborting `sink` (if there is one) when it fails. */
function guarded(sink, fn) {
  return sink ? sink.guard(fn) : fn();
}

/** What a stop job gives back: the written file, the profile object, or both. */
async function deliver(profile, { sink, returnProfile }) {
  const out = {};
  if (sink) out.file = await writeJson(sink, profile);
  if (returnProfile) out.profile = profile;
  return out;
}

// --- CPU profile ---------------------------------------------------------------------------

// V8's profiler does not learn about code that was on-stack-replaced (OSR) before it started:
// samples in such code go to its caller, so a loop that is running when the profile starts (a
// stuck main thread, a long batch job) is missing from the profile. Switching precise coverage on
// and off deoptimizes all code (V8 does it so counters see every call); what V8 optimizes again is
// logged, so attribution is right. The price is a short re-warm-up. Coverage mode is
// isolate-wide, so this is skipped when Node collects coverage (NODE_V8_COVERAGE, e.g. c8).
const COVERAGE_ON = Boolean(process.env.NODE_V8_COVERAGE);

async function deoptimizeAll() {
  if (COVERAGE_ON) return;
  try {
    await post('Profiler.startPreciseCoverage', { callCount: false, detailed: false });
    await post('Profiler.stopPreciseCoverage');
  } catch {
    // Attribution of pre-existing OSR code stays as V8 has it; the profile is still valid.
  }
}

/**
 * Starts V8's CPU profiler on the main thread, sampling every `intervalUs` microseconds; with
 * `deoptimize` (default) all code is deoptimized right after the start (see deoptimizeAll).
 */
function cpuStart({ intervalUs = CPU_INTERVAL_US.default, deoptimize = true, owner = OWNER.api } = {}) {
  return begin('cpu', owner, async () => {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: intervalUs });
    await post('Profiler.start');
    if (deoptimize) await deoptimizeAll();
  });
}

/**
 * Stops the CPU profile `owner` started. With `sink` (a lib/sink.js Sink), writes the
 * `.cpuprofile` into it (aborted if no profile is running); with `returnProfile`, also returns
 * the object. Resolves to { file?: { path, bytes, rawBytes }, profile? }.
 */
function cpuStop({ sink = null, returnProfile = false, owner = OWNER.api } = {}) {
  return guarded(sink, async () => {
    let profile;
    await end('cpu', owner, async () => {
      try {
        ({ profile } = await post('Profiler.stop'));
      } finally {
        // Leave the session as it was; a failing disable changes nothing for the caller.
        await post('Profiler.disable').catch(() => {});
      }
    });
    return deliver(profile, { sink, returnProfile });
  });
}

// --- sampling heap profile -----------------------------------------------------------------

/** Starts V8's sampling heap profiler (no `HeapProfiler.enable` needed). */
function heapStart({ intervalBytes = HEAP_INTERVAL_BYTES.default, includeObjectsCollectedByMajorGC = false, includeObjectsCollectedByMinorGC = false, owner = OWNER.api } = {}) {
  return begin('heap', owner, () =>
    post('HeapProfiler.startSampling', {
      samplingInterval: intervalBytes,
      includeObjectsCollectedByMajorGC,
      includeObjectsCollectedByMinorGC,
    }),
  );
}

/** Stops the sampling heap profile `owner` started; same result shape as cpuStop. */
function heapStop({ sink = null, returnProfile = false, owner = OWNER.api } = {}) {
  return guarded(sink, async () => {
    let profile;
    await end('heap', owner, async () => {
      ({ profile } = await post('HeapProfiler.stopSampling'));
    });
    return deliver(profile, { sink, returnProfile });
  });
}

// --- timed profile (for signals) -----------------------------------------------------------

/**
 * Records a CPU profile for `seconds` and writes it, all in this worker: it works while the main
 * thread is stuck in a loop. The file (default: Node's CPU.<...>.cpuprofile name in the cwd; a
 * `.gz` name or `gzip` compresses) is opened before profiling starts, so a bad path fails at once.
 * Fails with ERR_RSHEAPDUMP_PROFILE_RUNNING if a CPU profile is running. Resolves to
 * { path, bytes, rawBytes }.
 */
async function cpuProfileFor({ seconds = 1, filename, gzip, intervalUs = CPU_INTERVAL_US.default, deoptimize = true } = {}) {
  if (!(typeof seconds === 'number' && seconds > 0 && seconds <= 3600)) {
    throw invalidArgValue('seconds', seconds, 'must be a number of seconds in (0, 3600]', RangeError);
  }
  if (state.cpu) throw running('cpu');
  const { file, level } = resolveTarget(filename ?? profileFilename('cpu', undefined, undefined, profiledThreadId()), { gzip });
  const sink = Sink.open(file, level);
  return sink.guard(async () => {
    await cpuStart({ intervalUs, deoptimize, owner: OWNER.timed });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const { file: written } = await cpuStop({ sink, owner: OWNER.timed });
    return written;
  });
}

// --- process exit ------------------------------------------------------------------------------

/** The app is exiting: discard every running profile (see lib/client.js, onExit). */
async function abandonAll() {
  for (const kind of ['cpu', 'heap']) {
    const cur = state[kind];
    if (!cur) continue;
    const method = kind === 'cpu' ? 'Profiler.stop' : 'HeapProfiler.stopSampling';
    await end(kind, cur.owner, () => post(method)).catch(() => {});
  }
}

// --- jobs (registered in lib/capture-worker.js) ----------------------------------------------

module.exports = {
  cpuStart,
  cpuStop,
  heapStart,
  heapStop,
  cpuProfileFor,
  abandonAll,
  state,
  writeJson,
  jobs: {
    cpuStart: (msg) => cpuStart({ intervalUs: msg.intervalUs, deoptimize: msg.deoptimize }),
    // A stop's file was opened by the thread that asked (lib/profile.js); this job writes it.
    cpuStop: (msg) => cpuStop({ sink: Sink.adopt(msg.sinkId), returnProfile: msg.returnProfile }),
    heapStart: ({ options: o }) =>
      heapStart({
        intervalBytes: o.intervalBytes,
        includeObjectsCollectedByMajorGC: o.includeObjectsCollectedByMajorGC,
        includeObjectsCollectedByMinorGC: o.includeObjectsCollectedByMinorGC,
      }),
    heapStop: (msg) => heapStop({ sink: Sink.adopt(msg.sinkId), returnProfile: msg.returnProfile }),
    cpuProfileFor: ({ options: o }) => cpuProfileFor({ seconds: o.seconds, filename: o.filename, gzip: o.gzip, intervalUs: o.intervalUs, deoptimize: o.deoptimize }),
  },
};
