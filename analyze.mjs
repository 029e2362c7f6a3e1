// ESM entry of rsheapdump/analyze: the analyzers only (no worker, no signal handler, no thread).
// The same module instance as require() gives (no dual-package hazard); __test__/package.test.js
// checks that these names are exactly the CommonJS entry's.
import cjs from './analyze.js';

export const {
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
} = cjs;
export default cjs;
