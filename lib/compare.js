'use strict';
// Comparing snapshots: DevTools' Comparison (diffSnapshots), three-snapshot leak finding
// (findLeaks) and retainer paths (retainerPaths). Argument checks here; the work in Rust
// (src/snapshot/{diff,leaks,retainers}.rs), off the event loop for the promise versions.

const { invalidArgType, invalidArgValue } = require('./errors');
const { syncOptions, asyncOptions, cancellable } = require('./options');
const native = require('./native');

function checkPath(name, path) {
  if (typeof path !== 'string' || path === '') throw invalidArgType(name, 'a non-empty string', path);
}

/** A whole number >= 0 (0 meaning "no limit"), or the default when undefined. */
function limitOf(name, value, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw invalidArgValue(name, value, 'must be a whole number >= 0', RangeError);
  return value;
}

/**
 * Compares two snapshots of one process as DevTools' Comparison view does; resolves to
 * `{ classes: [{ name, key, newCount, deletedCount, countDelta, allocSize, freedSize, sizeDelta }],
 * baseNodeCount, targetNodeCount, sharedIds }`, largest size delta first. Snapshots of different
 * processes reject with ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS. Options: `onProgress(label,
 * fraction)`, `signal`.
 */
function diffSnapshots(base, target, options) {
  checkPath('base', base);
  checkPath('target', target);
  const o = asyncOptions(options);
  return cancellable(o.signal, () => native.diffSnapshots(base, target, o.onProgress, o.signal));
}

/** The blocking twin of diffSnapshots; options: `onProgress(label, fraction)`. */
function diffSnapshotsSync(base, target, options) {
  checkPath('base', base);
  checkPath('target', target);
  return native.diffSnapshotsSync(base, target, syncOptions(options).onProgress);
}

/**
 * Objects allocated after `base`, present in `target` and still alive in `final` (memlab's
 * model, every object counted), clustered by class and retainer path, largest retained size
 * first. Options: `limit` (clusters to return, default 20, 0 for all), `onProgress(label,
 * fraction)`, `signal`.
 */
function findLeaks(base, target, final, options) {
  checkPath('base', base);
  checkPath('target', target);
  checkPath('final', final);
  const o = asyncOptions(options);
  const limit = limitOf('options.limit', o.limit, 20);
  return cancellable(o.signal, () => native.findLeaks(base, target, final, limit, o.onProgress, o.signal));
}

/**
 * The blocking twin of findLeaks; options: `limit`, `onProgress(label, fraction)` (also accepted
 * as a fifth argument, the older call shape).
 */
function findLeaksSync(base, target, final, options, onProgress) {
  checkPath('base', base);
  checkPath('target', target);
  checkPath('final', final);
  const o = syncOptions(options);
  const limit = limitOf('options.limit', o.limit, 20);
  const progress = syncOptions(onProgress ?? o.onProgress, 'onProgress').onProgress;
  return native.findLeaksSync(base, target, final, limit, progress);
}

/** Validates `{ className } | { id }` and the limit; returns the native call's arguments. */
function retainerQuery(file, query) {
  checkPath('file', file);
  if (query === null || typeof query !== 'object') throw invalidArgType('query', 'an object ({ className } or { id })', query);
  const { className, id } = query;
  if ((className === undefined) === (id === undefined)) throw invalidArgValue('query', query, 'must have exactly one of className and id');
  if (className !== undefined && (typeof className !== 'string' || className === '')) throw invalidArgType('query.className', 'a non-empty string', className);
  if (id !== undefined) {
    if (typeof id !== 'number') throw invalidArgType('query.id', 'of type number', id);
    if (!Number.isSafeInteger(id) || id < 0) throw invalidArgValue('query.id', id, 'must be a node id (a whole number >= 0)', RangeError);
  }
  const limit = limitOf('query.limit', query.limit, className !== undefined ? 10 : 5);
  return [file, className ?? null, id ?? 0, limit];
}

/**
 * Shortest retainer paths from the GC roots (weak edges excluded). `{ className }`: every object
 * of the class, grouped by path shape, most objects first (default limit 10 groups); `{ id }`:
 * one path through each direct retainer of the node, nearest first (default limit 5).
 * Options: `onProgress(phase, fraction)`, `signal`.
 */
function retainerPaths(file, query, options) {
  const args = retainerQuery(file, query);
  const o = asyncOptions(options);
  return cancellable(o.signal, () => native.retainerPaths(...args, o.onProgress, o.signal));
}

/** The blocking twin of retainerPaths; options: `onProgress(phase, fraction)`. */
function retainerPathsSync(file, query, options) {
  const args = retainerQuery(file, query);
  return native.retainerPathsSync(...args, syncOptions(options).onProgress);
}

module.exports = { diffSnapshots, diffSnapshotsSync, findLeaks, findLeaksSync, retainerPaths, retainerPathsSync };
