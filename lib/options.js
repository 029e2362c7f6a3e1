'use strict';
// Option checks shared by the analysis functions: an options object of the function's own, with
// `onProgress` and (for the Promise versions) an `AbortSignal`.

const { invalidArgType } = require('./errors');

/** `options` as an object (`{}` when undefined); a TypeError naming it otherwise. */
function optionsObject(options, name = 'options') {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw invalidArgType(name, 'of type object', options);
  return options;
}

function progressOf(value, name) {
  if (value !== undefined && typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value;
}

/**
 * The options of a blocking analysis: `{ onProgress }`. A function in the options' place is the
 * older call shape `(…, onProgress)` and still accepted.
 */
function syncOptions(options, name = 'options') {
  if (typeof options === 'function') return { onProgress: options };
  const o = optionsObject(options, name);
  return { ...o, onProgress: progressOf(o.onProgress, `${name}.onProgress`) };
}

/** The options of an analysis that returns a Promise: `{ onProgress, signal }`. */
function asyncOptions(options, name = 'options') {
  const o = optionsObject(options, name);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalidArgType(`${name}.signal`, 'an instance of AbortSignal', o.signal);
  return { ...o, onProgress: progressOf(o.onProgress, `${name}.onProgress`) };
}

/** Node's AbortError (as fs/promises and timers/promises reject): `code` ABORT_ERR, `cause` the signal's reason. */
function abortError(signal) {
  const err = new Error('The operation was aborted', { cause: signal.reason });
  err.name = 'AbortError';
  err.code = 'ABORT_ERR';
  return err;
}

/**
 * Runs `start()` (a native Promise) unless `signal` has already aborted; once it has, whatever
 * the work rejects with (stopped at a checkpoint, or cancelled before it began) is an AbortError.
 */
function cancellable(signal, start) {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return start().catch((err) => {
    throw signal?.aborted ? abortError(signal) : err;
  });
}

module.exports = { optionsObject, syncOptions, asyncOptions, cancellable, abortError };
