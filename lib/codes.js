'use strict';
// Every `code` an rsheapdump error can carry besides Node's errno names (ENOENT, ENOSPC, ...):
// exported as `rsheapdump.codes`, listed in README's error table, and checked against both by
// __test__/package.test.js (a code made anywhere in lib/ or src/ must be here).

const codes = Object.freeze({
  // Wrong arguments (synchronous TypeError / RangeError), as Node's own functions throw them.
  INVALID_ARG_TYPE: 'ERR_INVALID_ARG_TYPE',
  INVALID_ARG_VALUE: 'ERR_INVALID_ARG_VALUE',
  OUT_OF_RANGE: 'ERR_OUT_OF_RANGE',
  // A main-thread-only function called in a worker thread (Node's own code for that).
  WORKER_UNSUPPORTED_OPERATION: 'ERR_WORKER_UNSUPPORTED_OPERATION',
  // An AbortSignal given in the options fired (err.name is 'AbortError', as Node's own).
  ABORT: 'ABORT_ERR',
  // Capture.
  PROFILE_RUNNING: 'ERR_RSHEAPDUMP_PROFILE_RUNNING',
  NO_PROFILE: 'ERR_RSHEAPDUMP_NO_PROFILE',
  INSPECTOR: 'ERR_RSHEAPDUMP_INSPECTOR',
  SNAPSHOT: 'ERR_RSHEAPDUMP_SNAPSHOT',
  // A snapshot would not fit in the memory the process may still use (lib/headroom.js).
  NO_HEADROOM: 'ERR_RSHEAPDUMP_NO_HEADROOM',
  // watchHeap() while a heap watch runs, watchEventLoop() while a stall watch runs.
  WATCH_RUNNING: 'ERR_RSHEAPDUMP_WATCH_RUNNING',
  WORKER: 'ERR_RSHEAPDUMP_WORKER',
  EXITING: 'ERR_RSHEAPDUMP_EXITING',
  SINK: 'ERR_RSHEAPDUMP_SINK',
  ABORTED: 'ERR_RSHEAPDUMP_ABORTED',
  SIGNAL: 'ERR_RSHEAPDUMP_SIGNAL',
  THREAD: 'ERR_RSHEAPDUMP_THREAD',
  // The platform lacks what the call needs (POSIX signals on Windows).
  UNSUPPORTED: 'ERR_RSHEAPDUMP_UNSUPPORTED',
  // Attaching to another process by pid (rsheapdump.attach, `rsheapdump snapshot <pid>` ...).
  NO_SUCH_PROCESS: 'ERR_RSHEAPDUMP_NO_SUCH_PROCESS',
  NOT_PERMITTED: 'ERR_RSHEAPDUMP_NOT_PERMITTED',
  NOT_NODE: 'ERR_RSHEAPDUMP_NOT_NODE',
  NAMESPACE: 'ERR_RSHEAPDUMP_NAMESPACE',
  BUSY: 'ERR_RSHEAPDUMP_BUSY',
  SIGUSR1_DISABLED: 'ERR_RSHEAPDUMP_SIGUSR1_DISABLED',
  NOT_LOOPBACK: 'ERR_RSHEAPDUMP_NOT_LOOPBACK',
  PORT_TAKEN: 'ERR_RSHEAPDUMP_PORT_TAKEN',
  INSPECTOR_TIMEOUT: 'ERR_RSHEAPDUMP_INSPECTOR_TIMEOUT',
  TARGET_MISMATCH: 'ERR_RSHEAPDUMP_TARGET_MISMATCH',
  TARGET_EXITED: 'ERR_RSHEAPDUMP_TARGET_EXITED',
  DISCONNECTED: 'ERR_RSHEAPDUMP_DISCONNECTED',
  // Analysis.
  PARSE: 'ERR_RSHEAPDUMP_PARSE',
  NOT_A_PROFILE: 'ERR_RSHEAPDUMP_NOT_A_PROFILE',
  INVALID_PROFILE: 'ERR_RSHEAPDUMP_INVALID_PROFILE',
  UNRELATED_SNAPSHOTS: 'ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS',
  MISMATCHED_INPUTS: 'ERR_RSHEAPDUMP_MISMATCHED_INPUTS',
  CLASS_NOT_FOUND: 'ERR_RSHEAPDUMP_CLASS_NOT_FOUND',
  NODE_NOT_FOUND: 'ERR_RSHEAPDUMP_NODE_NOT_FOUND',
  // A query on a SnapshotView after close().
  VIEW_CLOSED: 'ERR_RSHEAPDUMP_VIEW_CLOSED',
  // The package itself.
  NATIVE_MISSING: 'ERR_RSHEAPDUMP_NATIVE_MISSING',
  INTERNAL: 'ERR_RSHEAPDUMP_INTERNAL',
});

module.exports = { codes };
