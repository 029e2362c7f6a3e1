'use strict';
// V8's own snapshot writer, reachable from the capture worker by interrupt: the worker evaluates
// `globalThis[Symbol.for(KEY)](...)` in the main thread (Runtime.evaluate runs there even while
// it is stuck in a loop). The function is installed when the package is required, because an
// evaluated expression cannot `require` and `process.getBuiltinModule` is missing before Node
// 20.16 / 22.3 (signal snapshots failed there with "process.getBuiltinModule is not a function").

const fs = require('node:fs');
const v8 = require('node:v8');

const KEY = 'rsheapdump.writeHeapSnapshot';

/**
 * Writes a snapshot into `raw` with V8's writer; with `file`, renames it there in the same pause
 * (so the file is complete under its final name when the app's code runs on).
 */
function writeByInterrupt(raw, file) {
  v8.writeHeapSnapshot(raw);
  if (file) fs.renameSync(raw, file);
  return true;
}

/** Installs the function on this thread's global, once, hidden from enumeration. */
function install() {
  const key = Symbol.for(KEY);
  if (Object.hasOwn(globalThis, key)) return;
  Object.defineProperty(globalThis, key, { value: writeByInterrupt, enumerable: false, writable: false, configurable: false });
}

/** The expression the capture worker evaluates to call it. */
function expression(raw, file) {
  const args = [raw, ...(file ? [file] : [])].map((a) => JSON.stringify(a)).join(', ');
  return `globalThis[Symbol.for(${JSON.stringify(KEY)})](${args})`;
}

module.exports = { install, expression };
