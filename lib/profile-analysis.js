'use strict';
// The profile analyzers' public functions: their arguments are checked here, so that a wrong one
// is a TypeError/RangeError naming it (ERR_INVALID_ARG_TYPE / _VALUE / ERR_OUT_OF_RANGE), as for
// every other function; napi's own conversion errors (code 'NumberExpected', a plain Error) never
// reach the caller. The Promise versions take `onProgress` and an AbortSignal as the snapshot
// analyses do (lib/options.js). The work is in Rust (src/profile), off the event loop for the
// Promise versions.

const native = require('./native');
const { invalidArgType, invalidArgValue, outOfRange } = require('./errors');
const { syncOptions, asyncOptions, cancellable } = require('./options');

const U32 = 2 ** 32 - 1;

function checkFile(name, file) {
  if (typeof file !== 'string' || file === '') throw invalidArgType(name, 'a non-empty string', file);
}

function oneOf(name, value, allowed) {
  if (value === undefined) return;
  if (typeof value !== 'string') throw invalidArgType(`options.${name}`, 'of type string', value);
  if (!allowed.includes(value)) throw invalidArgValue(`options.${name}`, value, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
}

function integer(name, value, min, max) {
  if (value === undefined) return;
  if (typeof value !== 'number') throw invalidArgType(`options.${name}`, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) throw outOfRange(`options.${name}`, { min, max }, value);
}

/**
 * Checks a ProfileOptions object (already an object, from asyncOptions/syncOptions); returns the
 * options the native side reads: all but the callback and the signal.
 */
function profileOptions(o) {
  oneOf('timing', o.timing, ['samples', 'deltas']);
  oneOf('weight', o.weight, ['samples', 'time', 'bytes']);
  integer('limit', o.limit, 0, U32);
  integer('maxDepth', o.maxDepth, 0, U32);
  integer('width', o.width, 1, U32);
  if (o.tree !== undefined && typeof o.tree !== 'boolean') throw invalidArgType('options.tree', 'of type boolean', o.tree);
  if (o.title !== undefined && typeof o.title !== 'string') throw invalidArgType('options.title', 'of type string', o.title);
  if (o.baseline !== undefined && (typeof o.baseline !== 'string' || o.baseline === '')) throw invalidArgType('options.baseline', 'a non-empty string', o.baseline);
  if (o.negate !== undefined && typeof o.negate !== 'boolean') throw invalidArgType('options.negate', 'of type boolean', o.negate);
  oneOf('normalize', o.normalize, ['time', 'share']);
  if (o.minPercent !== undefined) {
    if (typeof o.minPercent !== 'number') throw invalidArgType('options.minPercent', 'of type number', o.minPercent);
    if (!(o.minPercent >= 0 && o.minPercent < Infinity)) throw outOfRange('options.minPercent', { min: 0, max: Infinity }, o.minPercent, 'a finite number');
  }
  const rest = { ...o };
  delete rest.onProgress;
  delete rest.signal;
  return rest;
}

/** A Promise-returning analysis of one file: `native[name](file, options, onProgress, signal)`. */
function asyncOne(name) {
  return (file, options) => {
    checkFile('file', file);
    const o = asyncOptions(options ?? undefined);
    const n = profileOptions(o);
    return cancellable(o.signal, () => native[name](file, n, o.onProgress, o.signal));
  };
}

/** The blocking twin: `native[name + 'Sync'](file, options, onProgress)`. */
function syncOne(name) {
  return (file, options) => {
    checkFile('file', file);
    const o = syncOptions(options ?? undefined);
    return native[`${name}Sync`](file, profileOptions(o), o.onProgress);
  };
}

/** A finite number >= 0 (at most `max`), or undefined. */
function percentOption(name, value, max = Infinity) {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isFinite(value) || value < 0 || value > max) throw outOfRange(name, { min: 0, max }, value, 'a finite number');
  return value;
}

/** The native options of diffProfiles, checked. */
function diffOptions(o) {
  if (o.normalize !== undefined && o.normalize !== 'time' && o.normalize !== 'share') {
    throw invalidArgValue('options.normalize', o.normalize, "must be 'time' or 'share'");
  }
  return {
    normalize: o.normalize,
    failOnRegression: percentOption('options.failOnRegression', o.failOnRegression),
    noiseFloor: percentOption('options.noiseFloor', o.noiseFloor, 100),
  };
}

/**
 * Compares two profiles of one kind (two .cpuprofile or two .heapprofile) per function: self and
 * total before and after, largest change first. Options: `normalize` ('time', default, or
 * 'share'), `failOnRegression` (percent: list what grew more), `noiseFloor` (percent of the
 * total, default 1), `onProgress`, `signal`.
 */
function diffProfiles(before, after, options) {
  checkFile('before', before);
  checkFile('after', after);
  const o = asyncOptions(options);
  const d = diffOptions(o);
  return cancellable(o.signal, () => native.diffProfiles(before, after, d, o.onProgress, o.signal));
}

/** The blocking twin of diffProfiles; options as it has, `onProgress` but no `signal`. */
function diffProfilesSync(before, after, options) {
  checkFile('before', before);
  checkFile('after', after);
  const o = syncOptions(options);
  return native.diffProfilesSync(before, after, diffOptions(o), o.onProgress);
}

module.exports = {
  diffProfiles,
  diffProfilesSync,
  /** DevTools' bottom-up table (and with `tree: true` the top-down tree) of a `.cpuprofile`. */
  analyzeCpuProfile: asyncOne('analyzeCpuProfile'),
  analyzeCpuProfileSync: syncOne('analyzeCpuProfile'),
  /** Allocation sites by bytes of a `.heapprofile`. */
  analyzeHeapProfile: asyncOne('analyzeHeapProfile'),
  analyzeHeapProfileSync: syncOne('analyzeHeapProfile'),
  /** Collapsed stacks (`a;b;c 42` lines). */
  foldProfile: asyncOne('foldProfile'),
  foldProfileSync: syncOne('foldProfile'),
  /** An interactive flame graph SVG of a profile or a collapsed-stacks file. */
  flameGraph: asyncOne('flameGraph'),
  flameGraphSync: syncOne('flameGraph'),
  profileOptions,
};
