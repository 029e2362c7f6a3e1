'use strict';
// The headroom check of snapshots the capture worker starts on its own (signals): the estimate
// must be of the main thread's heap, so it is computed there, through the worker's inspector
// session (Runtime.evaluate also runs while that thread is stuck in a loop).

const { post } = require('./session');
const { checkHeadroom, ESTIMATE_EXPRESSION, SMALL_FACTOR, BASE_BYTES } = require('../headroom');

/** Bytes V8 is expected to need for a snapshot of the main thread's heap. */
async function mainThreadEstimate() {
  const { result } = await post('Runtime.evaluate', { expression: ESTIMATE_EXPRESSION, returnByValue: true, silent: true });
  if (typeof result?.value === 'number') return result.value;
  // lib/headroom.js not loaded on the main thread (never, through index.js): all of the heap as
  // small objects, the conservative side.
  const { usedSize } = await post('Runtime.getHeapUsage');
  return SMALL_FACTOR * usedSize + BASE_BYTES;
}

/** Throws ERR_RSHEAPDUMP_NO_HEADROOM when a snapshot of the main thread does not fit. */
async function checkMainThreadHeadroom(options = {}) {
  if (options.force) return null;
  return checkHeadroom({ needed: await mainThreadEstimate() });
}

module.exports = { checkMainThreadHeadroom, mainThreadEstimate };
