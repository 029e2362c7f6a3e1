'use strict';
// openSnapshot: a snapshot analyzed once and held in memory (Rust, src/snapshot/view.rs) for
// paged queries; what `rsheapdump view` serves. Argument checks here; every query runs on the
// thread pool.

const { invalidArgType, invalidArgValue, rsError } = require('./errors');
const { asyncOptions, optionsObject, cancellable } = require('./options');
const native = require('./native');

const SORTS = ['index', 'name', 'distance', 'count', 'shallowSize', 'retainedSize'];
const MAX_PAGE = 10000;

function wholeNumber(name, value, fallback, max = 0xffffffff) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > max) throw invalidArgValue(name, value, `must be a whole number from 0 to ${max}`, RangeError);
  return value;
}

function nodeId(id) {
  if (typeof id !== 'number') throw invalidArgType('id', 'of type number', id);
  if (!Number.isSafeInteger(id) || id < 0) throw invalidArgValue('id', id, 'must be a node id (a whole number >= 0)', RangeError);
  return id;
}

/** `{ offset, limit }` of a page; limit at most 10000 rows. */
function page(options, limit = 100) {
  const o = optionsObject(options);
  return { offset: wholeNumber('options.offset', o.offset, 0), limit: wholeNumber('options.limit', o.limit, limit, MAX_PAGE) };
}

/** An open snapshot. Queries resolve to plain objects; close() frees it. */
class SnapshotView {
  #native;
  #closed = false;

  constructor(handle) {
    this.#native = handle;
  }

  /** Runs a native query; a closed view rejects (arguments were checked before). */
  #query(run) {
    if (this.#closed) return Promise.reject(rsError('VIEW_CLOSED', 'the snapshot view was closed: open the file again with openSnapshot()'));
    return run(this.#native);
  }

  /** The Summary and Statistics, as analyzeSnapshot resolves them. */
  summary() {
    if (this.#closed) throw rsError('VIEW_CLOSED', 'the snapshot view was closed: open the file again with openSnapshot()');
    return this.#native.summary();
  }

  /**
   * A page of Summary rows `{ total, rows: [{ index, class }] }`. Options: `sort` (index, name,
   * distance, count, shallowSize, retainedSize; default retainedSize), `descending` (default
   * true but for index and name), `filter` (names containing it, any case), `offset`, `limit`.
   */
  classes(options) {
    const o = optionsObject(options);
    const sort = o.sort ?? 'retainedSize';
    if (!SORTS.includes(sort)) throw invalidArgValue('options.sort', sort, `must be one of ${SORTS.join(', ')}`);
    const descending = o.descending ?? !(sort === 'index' || sort === 'name');
    if (typeof descending !== 'boolean') throw invalidArgType('options.descending', 'of type boolean', descending);
    const filter = o.filter ?? '';
    if (typeof filter !== 'string') throw invalidArgType('options.filter', 'of type string', filter);
    const p = page(o);
    return this.#query((n) => n.classes(sort, descending, filter, p.offset, p.limit));
  }

  /** A page of the objects of Summary row `index`, largest retained size first. */
  objects(index, options) {
    const i = wholeNumber('index', index, undefined);
    if (i === undefined) throw invalidArgType('index', 'of type number', index);
    const p = page(options);
    return this.#query((n) => n.objects(i, p.offset, p.limit));
  }

  /**
   * A page of the objects of Summary row `index` that the baseline (setBaseline) does not have:
   * what DevTools' Comparison lists as a class's new objects; largest retained size first.
   */
  newObjects(index, options) {
    const i = wholeNumber('index', index, undefined);
    if (i === undefined) throw invalidArgType('index', 'of type number', index);
    const p = page(options);
    return this.#query((n) => n.newObjects(i, p.offset, p.limit));
  }

  /** Reads the object ids of an earlier snapshot of the same process, for newObjects. Once per view. */
  setBaseline(path) {
    if (typeof path !== 'string' || path === '') throw invalidArgType('path', 'a non-empty string', path);
    return this.#query((n) => n.setBaseline(path)).then(() => undefined);
  }

  /** The object with node id `id` (ERR_RSHEAPDUMP_NODE_NOT_FOUND when there is none). */
  node(id) {
    const n = nodeId(id);
    return this.#query((h) => h.node(n));
  }

  /** A page of the edges into object `id` with their sources, nearest retainer first. */
  retainers(id, options) {
    const n = nodeId(id);
    const p = page(options);
    return this.#query((h) => h.retainers(n, p.offset, p.limit));
  }

  /** A page of object `id`'s outgoing edges with their targets, in snapshot order. */
  references(id, options) {
    const n = nodeId(id);
    const p = page(options);
    return this.#query((h) => h.references(n, p.offset, p.limit));
  }

  /** retainerPaths(file, { id }) from memory. Options: `limit` (default 5, 0 for all). */
  retainerPaths(id, options) {
    const n = nodeId(id);
    const limit = wholeNumber('options.limit', optionsObject(options).limit, 5);
    return this.#query((h) => h.retainerPaths(n, limit));
  }

  /** True once the background indexes are built (queries asked earlier wait for them). */
  get indexesReady() {
    return !this.#closed && this.#native.indexesReady();
  }

  /** Stops the background indexing and frees the snapshot; later queries reject with ERR_RSHEAPDUMP_VIEW_CLOSED. */
  close() {
    this.#closed = true;
    this.#native.close();
  }
}

/**
 * Parses and analyzes a snapshot on the thread pool (as analyzeSnapshot does) and keeps it open
 * for queries. Options: `onProgress(phase, fraction)`, `signal` (an AbortSignal).
 */
function openSnapshot(path, options) {
  if (typeof path !== 'string' || path === '') throw invalidArgType('path', 'a non-empty string', path);
  const o = asyncOptions(options);
  return cancellable(o.signal, () => native.openSnapshot(path, o.onProgress, o.signal)).then((h) => new SnapshotView(h));
}

module.exports = { openSnapshot, SnapshotView };
