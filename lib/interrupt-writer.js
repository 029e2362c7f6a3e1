'use strict';
// The snapshot function the capture worker reaches by interrupt: it evaluates
// `globalThis[Symbol.for(KEY)](...)` in the main thread (Runtime.evaluate runs there even while it
// is stuck in a loop). The function is installed when the package is required, because an
// evaluated expression cannot `require` and `process.getBuiltinModule` is missing before Node
// 20.16 / 22.3 (signal snapshots failed there with "process.getBuiltinModule is not a function").

const { takeSnapshot } = require('./capture');
const { serialize } = require('./errors');

const KEY = 'rsheapdump.takeSnapshot';

/** takeSnapshot, with a failure returned as a value so that its code survives the protocol. */
function byInterrupt(file, level, options) {
  try {
    return { id: takeSnapshot(file, level, options) };
  } catch (err) {
    return { error: serialize(err) };
  }
}

/** Installs byInterrupt on this thread's global, once, hidden from enumeration. */
function install() {
  const key = Symbol.for(KEY);
  if (Object.hasOwn(globalThis, key)) return;
  Object.defineProperty(globalThis, key, { value: byInterrupt, enumerable: false, writable: false, configurable: false });
}

/** The expression that calls it: `takeSnapshot(file, level, options)`, evaluating to { id } or { error }. */
function expression(file, level, options) {
  return `globalThis[Symbol.for(${JSON.stringify(KEY)})](${[file, level ?? null, options].map((a) => JSON.stringify(a)).join(', ')})`;
}

module.exports = { install, expression };
