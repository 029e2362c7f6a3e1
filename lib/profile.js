'use strict';
// CPU profiles and sampling heap profiles: argument validation, default names and the file opened
// on the caller's thread; the capture worker drives V8's profilers and writes the files
// (lib/worker/profile.js), so this works while the main thread is busy and costs it no
// serialization.
//
// The worker's state machine is the one record of what runs (an API, timed/signal or watch
// profile); this side reads what it published (lib/profile-state.js), so that a stop without a
// start fails before any file is opened. A running profile is not a pending request: it never
// keeps the process alive.

const { threadId } = require('node:worker_threads');
const { Sink } = require('./sink');
const client = require('./client');
const { resolveTarget, gzipLevel, profileFilename } = require('./names');
const { invalidArgType, invalidArgValue, outOfRange, rsError } = require('./errors');
const { CPU_INTERVAL_US, HEAP_INTERVAL_BYTES } = require('./defaults');
const profileState = require('./profile-state');

// --- validation ------------------------------------------------------------------------------

function optionsObject(options, name = 'options') {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw invalidArgType(name, 'of type object', options);
  return options;
}

function integerOption(name, value, range) {
  if (value === undefined) return range.default;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < range.min || value > range.max) throw outOfRange(name, range, value);
  return value;
}

function booleanOption(name, value) {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

function cpuStartOptions(options) {
  const o = optionsObject(options);
  return {
    intervalUs: integerOption('options.samplingIntervalUs', o.samplingIntervalUs, CPU_INTERVAL_US),
    deoptimize: o.deoptimize === undefined ? true : booleanOption('options.deoptimize', o.deoptimize),
  };
}

function heapStartOptions(options) {
  const o = optionsObject(options);
  return {
    intervalBytes: integerOption('options.samplingIntervalBytes', o.samplingIntervalBytes, HEAP_INTERVAL_BYTES),
    includeObjectsCollectedByMajorGC: booleanOption('options.includeObjectsCollectedByMajorGC', o.includeObjectsCollectedByMajorGC),
    includeObjectsCollectedByMinorGC: booleanOption('options.includeObjectsCollectedByMinorGC', o.includeObjectsCollectedByMinorGC),
  };
}

/**
 * Validates stop options; returns { returnProfile, wantsFile, filename, gzip }. With `allowBoth`,
 * `returnProfile` may be combined with a file.
 */
function stopOptions(options, { allowBoth = false } = {}) {
  const o = optionsObject(options);
  if (o.filename !== undefined && typeof o.filename !== 'string') throw invalidArgType('options.filename', 'of type string', o.filename);
  gzipLevel(o.gzip);
  if (o.filename !== undefined) resolveTarget(o.filename, { gzip: o.gzip }); // a .gz name with gzip: false
  const returnProfile = booleanOption('options.returnProfile', o.returnProfile);
  const wantsFile = !returnProfile || o.filename !== undefined || (o.gzip !== undefined && o.gzip !== false);
  if (returnProfile && wantsFile && !allowBoth) {
    throw invalidArgValue('options.returnProfile', true, 'writes no file, so it cannot be combined with filename or gzip');
  }
  return { returnProfile, wantsFile, filename: o.filename, gzip: o.gzip };
}

/** The file to write (default: Node's name, made now) and its gzip level, or null for none. */
function targetOf(kind, o) {
  if (!o.wantsFile) return null;
  return resolveTarget(o.filename ?? profileFilename(kind, undefined, undefined, threadId), { gzip: o.gzip });
}

// --- start / stop ----------------------------------------------------------------------------

/**
 * Start requests of each kind sent and not yet answered. Not profile state (the worker's is the
 * only one): a stop sent right after a start, without awaiting it, reaches the worker after the
 * start (one job queue), so it must not be refused for what the worker has not published yet.
 */
const starting = { cpu: 0, heap: 0 };

/** Whether Node itself samples the heap (`node --heap-prof`, also through NODE_OPTIONS). */
function nodeHeapProf() {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return flags.includes('--heap-prof');
}

/** Starts a profile of `kind`; a profile of that kind already running is refused by the worker. */
function start(kind, job, payload) {
  if (kind === 'heap' && nodeHeapProf()) {
    // V8 has one sampling heap profiler per process: ours would stop Node's and lose its file.
    return Promise.reject(
      rsError('PROFILE_RUNNING', 'node --heap-prof is already sampling this process and V8 has one sampling heap profiler per process; use its file, or run without --heap-prof'),
    );
  }
  starting[kind]++;
  return client.request(job, payload).then(
    () => {
      starting[kind]--;
    },
    (err) => {
      starting[kind]--;
      throw err;
    },
  );
}

/**
 * Stops the API's profile of `kind`. The file is opened here, on the caller's thread, before the
 * profiler is stopped: a bad path (ENOENT, EACCES, EISDIR...) rejects at once and the profile keeps
 * running, so nothing recorded is lost and the caller can stop again with a good name.
 * Resolves to { file?, profile? } from the worker.
 */
function stop(kind, job, o) {
  // Refused here without a round trip when the worker has no API profile of this kind and no
  // start is on its way; anything else is the worker's to decide (it refuses with the same error).
  const cur = profileState.read(kind);
  if (starting[kind] === 0 && !(cur && cur.owner === profileState.OWNER.api && !cur.stopping)) return Promise.reject(profileState.noProfileError(kind, cur, profileState.OWNER.api));
  const target = targetOf(kind, o);
  let sink = null;
  if (target) {
    try {
      sink = Sink.open(target.file, target.level);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  // The worker adopts the sink, writes and finishes it; it is aborted here if the job fails.
  const send = () => client.request(job, { sinkId: sink ? sink.id : null, returnProfile: o.returnProfile });
  return sink ? sink.guard(send) : send();
}

function stopResult(r, returnProfile) {
  return returnProfile ? r.profile : r.file.path;
}

/**
 * Starts a CPU profile of the main thread, sampling every `samplingIntervalUs` microseconds
 * (integer, 10..1,000,000; default 1000 like `node --cpu-prof`). Resolves once V8 is recording.
 * `deoptimize` (default true) discards optimized code at the start so that loops already running
 * in on-stack-replaced code are attributed to their functions (V8 would give them to the caller).
 */
function startCpuProfile(options) {
  return start('cpu', 'cpuStart', cpuStartOptions(options));
}

/**
 * Stops the CPU profile and writes it (`.cpuprofile`, the `node --cpu-prof` format); resolves to the
 * absolute file name. Default name: Node's `CPU.<yyyymmdd>.<hhmmss>.<pid>.0.<seq>.cpuprofile` in
 * the cwd. With `returnProfile: true` no file is written and it resolves to the profile object.
 */
function stopCpuProfile(options) {
  const o = stopOptions(options);
  return stop('cpu', 'cpuStop', o).then((r) => stopResult(r, o.returnProfile));
}

/**
 * Starts V8's sampling heap profiler: one sample per `samplingIntervalBytes` allocated on average
 * (integer, 1..1 GiB; default 32768).
 */
function startHeapSampling(options) {
  const o = heapStartOptions(options);
  return start('heap', 'heapStart', { options: o });
}

/** Stops the sampling heap profile and writes it (`.heapprofile`); like stopCpuProfile. */
function stopHeapSampling(options) {
  const o = stopOptions(options);
  return stop('heap', 'heapStop', o).then((r) => stopResult(r, o.returnProfile));
}

/**
 * Profiles one call of `fn` (awaited): resolves to { result, profile, file? }. `kind` is 'cpu'
 * (default) or 'heap'; the start options of that kind apply; `filename`/`gzip` also write a file.
 * If `fn` throws, the profile is discarded and the error is passed on.
 */
function profile(fn, options) {
  if (typeof fn !== 'function') throw invalidArgType('fn', 'of type function', fn);
  const o = optionsObject(options);
  const kind = o.kind ?? 'cpu';
  if (kind !== 'cpu' && kind !== 'heap') throw invalidArgValue('options.kind', kind, "must be 'cpu' or 'heap'");
  const startPayload = kind === 'cpu' ? cpuStartOptions(o) : { options: heapStartOptions(o) };
  const stopOpts = stopOptions({ filename: o.filename, gzip: o.gzip, returnProfile: true }, { allowBoth: true });
  const [startJob, stopJob] = kind === 'cpu' ? ['cpuStart', 'cpuStop'] : ['heapStart', 'heapStop'];
  return (async () => {
    await start(kind, startJob, startPayload);
    let result;
    try {
      result = await fn();
    } catch (err) {
      await stop(kind, stopJob, { returnProfile: false, wantsFile: false }).catch(() => {});
      throw err;
    }
    const r = await stop(kind, stopJob, stopOpts);
    return r.file ? { result, profile: r.profile, file: r.file.path } : { result, profile: r.profile };
  })();
}

module.exports = {
  startCpuProfile,
  stopCpuProfile,
  startHeapSampling,
  stopHeapSampling,
  profile,
};
