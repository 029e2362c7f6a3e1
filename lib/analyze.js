'use strict';
// The snapshot analyzer's public functions: argument checks here, the work in Rust
// (src/snapshot), off the event loop for the promise version.

const { invalidArgType } = require('./errors');
const { syncOptions, asyncOptions, cancellable } = require('./options');
const native = require('./native');

function checkPath(path) {
  if (typeof path !== 'string' || path === '') throw invalidArgType('path', 'a non-empty string', path);
}

/**
 * Analyzes a `.heapsnapshot` or `.heapsnapshot.gz` on the thread pool; resolves to
 * `{ statistics, classes, nodeCount, edgeCount }` with DevTools' Summary numbers.
 * Options: `onProgress(phase, fraction)`, `signal` (an AbortSignal).
 */
function analyzeSnapshot(path, options) {
  checkPath(path);
  const o = asyncOptions(options);
  return cancellable(o.signal, () => native.analyzeSnapshot(path, o.onProgress, o.signal));
}

/** The blocking twin of analyzeSnapshot; options: `onProgress(phase, fraction)`. */
function analyzeSnapshotSync(path, options) {
  checkPath(path);
  return native.analyzeSnapshotSync(path, syncOptions(options).onProgress);
}

module.exports = { analyzeSnapshot, analyzeSnapshotSync };
