'use strict';
// rsheapdump's main entry: capture (heap snapshots, profiles, signals, the HTTP route, leak checks
// for tests) and every analyzer of ./analyze. Requiring it sets up heapdump's SIGUSR2 behaviour.

const analyze = require('./analyze');
const { writeSnapshot } = require('./lib/snapshot');
const { assertNoLeak } = require('./lib/assert-no-leak');
const { createDebugHandler } = require('./lib/http');
const { startCpuProfile, stopCpuProfile, startHeapSampling, stopHeapSampling, profile } = require('./lib/profile');
const { watchEventLoop, watchFromEnvironment } = require('./lib/stall/watch');

module.exports = {
  ...analyze,
  assertNoLeak,
  writeSnapshot,
  createDebugHandler,
  startCpuProfile,
  stopCpuProfile,
  startHeapSampling,
  stopHeapSampling,
  profile,
  watchEventLoop,
};

// heapdump's behaviour on require: SIGUSR2 writes a snapshot unless NODE_HEAPDUMP_OPTIONS=nosignal.
// NODE_HEAPDUMP_OPTIONS=stall=<ms> also starts an event-loop stall watch.
watchFromEnvironment(require('./lib/signal').setup());
