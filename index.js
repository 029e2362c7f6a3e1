'use strict';
// rsheapdump's public API. The work happens in lib/ (JavaScript glue) and the native addon (Rust).

const { writeSnapshot } = require('./lib/snapshot');
const { analyzeSnapshot, analyzeSnapshotSync } = require('./lib/analyze');
const { diffSnapshots, diffSnapshotsSync, findLeaks, findLeaksSync, retainerPaths, retainerPathsSync } = require('./lib/compare');
const { assertNoLeak } = require('./lib/assert-no-leak');
const { formatPath: formatRetainerPath } = require('./lib/retainer-text');
const { createDebugHandler } = require('./lib/http');
const { startCpuProfile, stopCpuProfile, startHeapSampling, stopHeapSampling, profile } = require('./lib/profile');
const { analyzeCpuProfile, analyzeCpuProfileSync, analyzeHeapProfile, analyzeHeapProfileSync, foldProfile, foldProfileSync, flameGraph, flameGraphSync } = require('./lib/native');

module.exports = {
  analyzeCpuProfile,
  analyzeCpuProfileSync,
  analyzeHeapProfile,
  analyzeHeapProfileSync,
  foldProfile,
  foldProfileSync,
  flameGraph,
  flameGraphSync,
  analyzeSnapshot,
  analyzeSnapshotSync,
  diffSnapshots,
  diffSnapshotsSync,
  findLeaks,
  findLeaksSync,
  retainerPaths,
  retainerPathsSync,
  assertNoLeak,
  formatRetainerPath,
  writeSnapshot,
  createDebugHandler,
  startCpuProfile,
  stopCpuProfile,
  startHeapSampling,
  stopHeapSampling,
  profile,
};

// heapdump's behaviour on require: SIGUSR2 writes a snapshot unless NODE_HEAPDUMP_OPTIONS=nosignal.
require('./lib/signal').setup();
