// ESM entry of rsheapdump: capture and analysis, as index.js (SIGUSR2 is set up on import).
// The same module instance as require() gives (no dual-package hazard); __test__/package.test.js
// checks that these names are exactly the CommonJS entry's.
import cjs from './index.js';

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
  assertNoLeak,
  writeSnapshot,
  memoryHeadroom,
  estimateSnapshotBytes,
  watchHeap,
  createDebugHandler,
  startCpuProfile,
  stopCpuProfile,
  startHeapSampling,
  stopHeapSampling,
  profile,
  attach,
  listNodeProcesses,
  watchEventLoop,
} = cjs;
export default cjs;
