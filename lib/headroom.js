'use strict';
// The memory-headroom rule: before a heap snapshot, estimate what V8 will allocate to build it
// and compare with what the process may still use (the nearest memory cgroup limit or
// MemAvailable, read natively by src/capture/headroom.rs). V8 cannot cancel a snapshot once it
// has begun, so when it does not fit the snapshot is refused instead of the process being
// OOM-killed mid-write. Calibrated against the peak RSS growth of v8.writeHeapSnapshot on real
// workloads: bench/headroom.js, docs/headroom.md.

const v8 = require('node:v8');
const native = require('./native');
const { rsError } = require('./errors');

const MB = 1024 * 1024;
// V8's snapshot graph holds an entry per object and per reference, plus the strings it names:
// up to 18 bytes per byte of small-object heap in the worst workload measured (a cache of many
// small objects). A large object (a big array or string) is one node with few edges: its bytes
// count once. The constant covers the serializer's buffers and the graph's fixed tables.
const SMALL_FACTOR = 20;
const LARGE_FACTOR = 1;
const BASE_BYTES = 32 * MB;

/** Bytes V8 is expected to allocate while taking a snapshot of this thread's heap. */
function estimateSnapshotBytes(spaces = v8.getHeapSpaceStatistics()) {
  let small = 0;
  let large = 0;
  for (const s of spaces) {
    if (s.space_name.includes('large_object')) large += s.space_used_size;
    else small += s.space_used_size;
  }
  return SMALL_FACTOR * small + LARGE_FACTOR * large + BASE_BYTES;
}


/** `NODE_HEAPDUMP_OPTIONS` contains the word `force`. */
function forcedByEnv(env = process.env) {
  return String(env.NODE_HEAPDUMP_OPTIONS ?? '')
    .split(',')
    .some((w) => w.trim() === 'force');
}

/**
 * What this process may still allocate: `{ available, bound, cgroupLimit?, cgroupUsed?,
 * cgroupPath?, memAvailable? }` in bytes, or `null` where nothing is known (not Linux).
 */
function memoryHeadroom() {
  return native.memoryHeadroom();
}

function mb(bytes) {
  return `${Math.round(bytes / MB)} MB`;
}

/**
 * Throws `ERR_RSHEAPDUMP_NO_HEADROOM` (with `needed`, `available`, `bound`) when a snapshot of
 * about `options.needed` bytes (default: this thread's estimate) does not fit; returns the
 * headroom it compared with otherwise (`null` when unknown or when forced). `options.force` or
 * `NODE_HEAPDUMP_OPTIONS=force` skips the check.
 */
function checkHeadroom(options = {}) {
  if (options.force || forcedByEnv(options.env)) return null;
  const room = memoryHeadroom();
  if (!room) return null;
  const needed = options.needed ?? estimateSnapshotBytes();
  if (needed <= room.available) return { ...room, needed };
  const where = room.bound === 'MemAvailable' ? 'MemAvailable in /proc/meminfo' : `the ${room.bound} limit of ${mb(room.cgroupLimit)} at ${room.cgroupPath}`;
  throw rsError(
    'NO_HEADROOM',
    `not enough memory for a heap snapshot: V8 needs about ${mb(needed)} to build it and this process may use only ${mb(room.available)} more ` +
      `(${where}), so taking it would likely get the process killed. Free memory or raise the limit; ` +
      `to take it anyway pass { force: true } or set NODE_HEAPDUMP_OPTIONS=force.`,
    { needed, available: room.available, bound: room.bound },
  );
}

module.exports = { estimateSnapshotBytes, memoryHeadroom, checkHeadroom, forcedByEnv, SMALL_FACTOR, LARGE_FACTOR, BASE_BYTES };
