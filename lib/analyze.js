'use strict';
// The snapshot analyzer's public functions: argument checks here, the work in Rust
// (src/snapshot), off the event loop for the promise version.

const { invalidArgType } = require('./errors');
const native = require('./native');

function checkPath(path) {
  if (typeof path !== 'string' || path === '') throw invalidArgType('path', 'a non-empty string', path);
}

/**
 * Analyzes a `.heapsnapshot` or `.heapsnapshot.gz` on the thread pool; resolves to
 * `{ statistics, classes, nodeCount, edgeCount }` with DevTools' Summary numbers.
 */
function analyzeSnapshot(path) {
  checkPath(path);
  return native.analyzeSnapshot(path);
}

/** The blocking twin of analyzeSnapshot; `onProgress(phase, fraction)` reports progress. */
function analyzeSnapshotSync(path, onProgress) {
  checkPath(path);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw invalidArgType('onProgress', 'a function', onProgress);
  return native.analyzeSnapshotSync(path, onProgress);
}

module.exports = { analyzeSnapshot, analyzeSnapshotSync };
