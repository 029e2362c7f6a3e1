'use strict';
// The heap watch's jobs (lib/watch-heap.js): V8's sampling heap profiler runs from the watch's
// start, and at a threshold crossing the profile of what is still alive is written without
// stopping it (HeapProfiler.getSamplingProfile). The profiler slot is owned by the watch, so
// startHeapSampling() meanwhile fails with ERR_RSHEAPDUMP_PROFILE_RUNNING naming it.

const { post } = require('./session');
const { heapStart, heapStop, state, writeJson } = require('./profile');
const { Sink } = require('../sink');
const { rsError } = require('../errors');

const OWNER = require('../profile-state').OWNER.watch;

function watchStart({ intervalBytes }) {
  return heapStart({ intervalBytes, owner: OWNER });
}

function watchStop() {
  return heapStop({ owner: OWNER });
}

/**
 * Writes the live-memory sampling profile into the sink the watch opened (lib/watch-heap.js);
 * resolves to the written file. The sink is aborted on any failure.
 */
function watchSample({ sinkId }) {
  const sink = Sink.adopt(sinkId);
  return sink.guard(async () => {
    if (state.heap?.owner !== OWNER) throw rsError('NO_PROFILE', 'the heap watch is not sampling');
    const { profile } = await post('HeapProfiler.getSamplingProfile');
    return writeJson(sink, profile);
  });
}

module.exports = { jobs: { watchStart, watchStop, watchSample } };
