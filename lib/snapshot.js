'use strict';
// writeSnapshot: argument handling (heapdump's call shapes) and the promise; the snapshot itself
// is lib/capture.js' (opened first, so a bad path fails before any pause).

const native = require('./native');
const { takeSnapshot } = require('./capture');
const { invalidArgType } = require('./errors');
const { gzipLevel, resolveTarget } = require('./names');

const BOOLEAN_OPTIONS = ['captureNumericValue', 'exposeInternals', 'force'];

function validateOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  for (const k of BOOLEAN_OPTIONS) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw invalidArgType(`options.${k}`, 'of type boolean', options[k]);
  }
  gzipLevel(options.gzip);
  return options;
}

/**
 * Splits heapdump's call shapes: ([filename], [options], [callback]). A non-string filename counts
 * as omitted, as in heapdump.
 */
function parseArgs(args) {
  let [a, b, c] = args;
  let filename;
  let options;
  let callback;
  if (typeof a === 'function') return { filename, options: {}, callback: a };
  if (typeof a === 'string') filename = a;
  else if (a && typeof a === 'object' && b === undefined) options = a;
  else if (a && typeof a === 'object' && typeof b === 'function') return { filename, options: validateOptions(a), callback: b };
  if (typeof b === 'function') callback = b;
  else {
    if (options === undefined) options = b;
    if (typeof c === 'function') callback = c;
    else if (c !== undefined) throw invalidArgType('callback', 'of type function', c);
  }
  return { filename, options: validateOptions(options), callback };
}

// heapdump's errors read `heapdump write error <ERRNO>`; code that matches on that keeps working.
function heapdumpMessage(err) {
  if (err && typeof err.code === 'string' && /^E[A-Z0-9]+$/.test(err.code) && !err.message.startsWith('heapdump write error')) {
    err.message = `heapdump write error ${err.message}`;
  }
  return err;
}

/**
 * The promise writeSnapshot returns. heapdump's README calls `writeSnapshot(name)` and ignores the
 * result, so a failure nobody listens for must not become an unhandled rejection (which ends the
 * app): it is reported once as a process warning instead. A caller who awaits or attaches a handler
 * (in the same tick as the failure, as Node's unhandled-rejection check allows) gets it alone.
 */
class SnapshotPromise extends Promise {
  // Promises derived with then/catch/finally are plain ones: only the returned one is watched.
  static get [Symbol.species]() {
    return Promise;
  }

  // A Promise subclass overriding then (await calls it) is how a listener is noticed.
  // oxlint-disable-next-line no-thenable
  then(onFulfilled, onRejected) {
    this.observed = true;
    return super.then(onFulfilled, onRejected);
  }
}

const observe = Promise.prototype.then;

/** Wraps `inner` so that an unobserved failure becomes one warning rather than a crash. */
function watched(inner) {
  let reject;
  let resolve;
  const out = new SnapshotPromise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  out.observed = false;
  // Marks `out` handled without counting as an observer.
  observe.call(out, undefined, () => {});
  observe.call(inner, resolve, (err) => {
    reject(err);
    // Node decides a rejection is unhandled once the microtask queue drains: so do we.
    setImmediate(() => {
      if (!out.observed) warnUnobserved(err);
    });
  });
  return out;
}

function warnUnobserved(err) {
  const code = err && err.code ? ` [${err.code}]` : '';
  process.emitWarning(`writeSnapshot failed and nobody awaited it${code}: ${err && err.message}`, { type: 'RsheapdumpWarning', code: err && err.code });
}

/**
 * Takes a heap snapshot of the calling thread's heap (the main thread's, or a worker thread's
 * own) with V8's own writer: the pause happens in this call, as with v8.writeHeapSnapshot and
 * heapdump; the file is compressed, fsync'ed and renamed off this thread, and the promise resolves
 * to its name when it is complete.
 */
function writeSnapshot(...args) {
  const { filename, options, callback } = parseArgs(args);
  let promise;
  try {
    const { file, level } = resolveTarget(filename, options);
    const id = takeSnapshot(file, level, { captureNumericValue: !!options.captureNumericValue, exposeInternals: !!options.exposeInternals, force: !!options.force });
    promise = native.pipeFinish(id).then(
      (written) => written.path,
      (err) => {
        throw heapdumpMessage(err);
      },
    );
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) {
      if (err.code && err.code.startsWith('ERR_INVALID_ARG')) throw err;
    }
    promise = Promise.reject(heapdumpMessage(err));
    if (callback) {
      // heapdump reports a bad path before returning; do the same.
      promise.catch(() => {});
      callback(err);
      return promise;
    }
    return watched(promise);
  }
  if (callback) {
    promise.then(
      (file) => process.nextTick(callback, null, file),
      (err) => process.nextTick(callback, err),
    );
    // The callback receives the error; the returned promise must not also count as unhandled.
    promise.catch(() => {});
    return promise;
  }
  return watched(promise);
}

module.exports = { writeSnapshot, parseArgs };
