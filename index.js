'use strict';
// rsheapdump's main entry: capture (heap snapshots, profiles, signals, the HTTP route, leak checks
// for tests) and every analyzer of ./analyze. Requiring it sets up heapdump's SIGUSR2 behaviour.

const analyze = require('./analyze');
const { writeSnapshot } = require('./lib/snapshot');
const { memoryHeadroom, estimateSnapshotBytes } = require('./lib/headroom');
const { watchHeap } = require('./lib/watch-heap');
const { assertNoLeak } = require('./lib/assert-no-leak');
const { createDebugHandler } = require('./lib/http');
const { startCpuProfile, stopCpuProfile, startHeapSampling, stopHeapSampling, profile } = require('./lib/profile');
const { watchEventLoop, watchFromEnvironment } = require('./lib/stall/watch');

module.exports = {
  ...analyze,
  assertNoLeak,
  writeSnapshot,
  memoryHeadroom,
  estimateSnapshotBytes: () => estimateSnapshotBytes(),
  watchHeap,
  createDebugHandler,
  startCpuProfile,
  stopCpuProfile,
  startHeapSampling,
  stopHeapSampling,
  profile,
  // Loaded on first use: nothing of it (nor its WebSocket client) is needed by an app that only captures itself.
  attach: (...args) => require('./lib/attach').attach(...args),
  listNodeProcesses: () => require('./lib/attach/ps').listNodeProcesses(),
  watchEventLoop,
};

// The V8 writer the capture worker calls by interrupt (signal snapshots of a stuck main thread).
require('./lib/interrupt-writer').install();

// heapdump's behaviour on require: SIGUSR2 writes a snapshot unless NODE_HEAPDUMP_OPTIONS=nosignal.
// NODE_HEAPDUMP_OPTIONS=watch=<percent> starts the heap watch, stall=<ms> an event-loop stall watch.
// Signals and watches belong to the process: a worker thread that loads the package leaves them
// to the main thread.
if (require('node:worker_threads').isMainThread) {
  const envOptions = require('./lib/signal').setup();
  require('./lib/watch-heap').watchFromEnv(envOptions);
  watchFromEnvironment(envOptions);
}
