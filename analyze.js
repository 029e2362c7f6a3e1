'use strict';
// rsheapdump/analyze: the analyzers only. Loading it starts no capture worker, installs no signal
// handler and starts no thread, so tools (and the CLI) can read snapshots and profiles without
// touching the process they run in. The main entry (index.js) exports all of this too.

const { analyzeSnapshot, analyzeSnapshotSync } = require('./lib/analyze');
const { diffSnapshots, diffSnapshotsSync, findLeaks, findLeaksSync, retainerPaths, retainerPathsSync } = require('./lib/compare');
const { formatPath: formatRetainerPath } = require('./lib/retainer-text');
const {
  analyzeCpuProfile,
  analyzeCpuProfileSync,
  analyzeHeapProfile,
  analyzeHeapProfileSync,
  foldProfile,
  foldProfileSync,
  flameGraph,
  flameGraphSync,
  diffProfiles,
  diffProfilesSync,
} = require('./lib/profile-analysis');
const { openSnapshot } = require('./lib/view');
const { codes } = require('./lib/codes');

module.exports = {
  analyzeSnapshot,
  analyzeSnapshotSync,
  diffSnapshots,
  diffSnapshotsSync,
  findLeaks,
  findLeaksSync,
  retainerPaths,
  retainerPathsSync,
  openSnapshot,
  formatRetainerPath,
  analyzeCpuProfile,
  analyzeCpuProfileSync,
  analyzeHeapProfile,
  analyzeHeapProfileSync,
  foldProfile,
  foldProfileSync,
  flameGraph,
  flameGraphSync,
  diffProfiles,
  diffProfilesSync,
  codes,
};
