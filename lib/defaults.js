'use strict';
// Profile kinds, sampling intervals and their bounds, defined once. A leaf module (no requires):
// the API (lib/profile.js), the capture worker, the stall watch, attach and the CLI all read it.

/** CPU sampling interval in microseconds; 1000 is `node --cpu-prof`'s default. */
const CPU_INTERVAL_US = Object.freeze({ min: 10, max: 1_000_000, default: 1000 });

/** Mean bytes allocated between heap samples, 1 B..1 GiB; 32768 is `node --heap-prof`'s default. */
const HEAP_INTERVAL_BYTES = Object.freeze({ min: 1, max: 1024 * 1024 * 1024, default: 32768 });

/**
 * The two profile kinds: what the messages call them, the API functions that start and stop
 * them, and Node's file name prefix and extension (`node --cpu-prof` / `--heap-prof`).
 */
const PROFILE_KINDS = Object.freeze({
  cpu: Object.freeze({ what: 'CPU profile', start: 'startCpuProfile', stop: 'stopCpuProfile', prefix: 'CPU', ext: 'cpuprofile' }),
  heap: Object.freeze({ what: 'sampling heap profile', start: 'startHeapSampling', stop: 'stopHeapSampling', prefix: 'Heap', ext: 'heapprofile' }),
});

module.exports = { CPU_INTERVAL_US, HEAP_INTERVAL_BYTES, PROFILE_KINDS };
