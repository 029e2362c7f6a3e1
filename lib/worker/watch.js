'use strict';
// The heap watch's jobs (lib/watch-heap.js): V8's sampling heap profiler runs from the watch's
// start, and at a threshold crossing the profile of what is still alive is written without
// stopping it (HeapProfiler.getSamplingProfile). The profiler slot is owned by the watch, so
// startHeapSampling() meanwhile fails with ERR_RSHEAPDUMP_PROFILE_RUNNING naming it.

const { post } = require('./session');
const { heapStart, heapStop, state, writeJson } = require('./profile');
const native = require('../native');
const { rsError } = require('../errors');

const OWNER = 'watchHeap()';

function watchStart({ intervalBytes }) {
  return heapStart({ intervalBytes, owner: OWNER });
}

function watchStop() {
  return heapStop({ owner: OWNER });
}

/** Writes the live-memory sampling profile into an open sink; resolves to the written file. */
async function watchSample({ sinkId }) {
  if (state.heap?.owner !== OWNER) {
    native.sinkAbort(sinkId);
    throw rsError('NO_PROFILE', 'the heap watch is not sampling');
  }
  let profile;
  try {
    ({ profile } = await post('HeapProfiler.getSamplingProfile'));
  } catch (err) {
    native.sinkAbort(sinkId);
    throw err;
  }
  return writeJson(sinkId, profile);
}

module.exports = { jobs: { watchStart, watchStop, watchSample } };
