'use strict';
// assertNoLeak(fn, options): a leak check for tests. Runs `fn` a few times to warm up, takes a
// baseline snapshot, runs it N times (target snapshot), N more times (final snapshot), and
// runs findLeaks on the three. An object leaked when it was made during the target runs and is
// still alive after the final runs; a class leaks when at least `threshold` (default N, one per
// run) of its objects did. Taking a heap snapshot runs a full GC first, so nothing merely
// unreferenced is counted.
//
// The snapshots are taken with writeSnapshot (streamed to disk by the capture worker): its
// inspector session stays connected, so V8's object ids stay the same across the three (V8
// clears them when a HeapProfiler session detaches).

const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { invalidArgType, invalidArgValue } = require('./errors');
const { findLeaks } = require('./compare');
const { formatPath } = require('./retainer-text');

function wholeNumber(name, value, fallback, min) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min) throw invalidArgValue(name, value, `must be a whole number >= ${min}`, RangeError);
  return value;
}

/** Validates the options; returns them with defaults filled in. */
function options(opts) {
  if (opts === undefined) opts = {};
  if (opts === null || typeof opts !== 'object') throw invalidArgType('options', 'an object', opts);
  const iterations = wholeNumber('options.iterations', opts.iterations, 10, 1);
  const allow = opts.allow ?? [];
  if (!Array.isArray(allow) || !allow.every((a) => typeof a === 'string' || a instanceof RegExp)) {
    throw invalidArgType('options.allow', 'an array of class names (strings) or RegExps', allow);
  }
  if (opts.dir !== undefined && (typeof opts.dir !== 'string' || opts.dir === '')) throw invalidArgType('options.dir', 'a non-empty string', opts.dir);
  return {
    iterations,
    warmup: wholeNumber('options.warmup', opts.warmup, Math.min(iterations, 3), 0),
    threshold: wholeNumber('options.threshold', opts.threshold, iterations, 1),
    allow,
    dir: opts.dir,
    keepSnapshots: Boolean(opts.keepSnapshots),
  };
}

function allowed(name, allow) {
  return allow.some((a) => (typeof a === 'string' ? a === name : a.test(name)));
}

/** Runs the GC if the process exposes it; the snapshot collects anyway, this only helps. */
function collect() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

/**
 * Fails with an AssertionError (code ERR_ASSERTION) when repeated calls of `fn` leave objects
 * behind. Options: `iterations` (runs per phase, default 10), `warmup` (runs before the
 * baseline, default min(iterations, 3)), `threshold` (leaked objects of a class that count as a
 * leak, default `iterations`), `allow` (class names or RegExps to ignore), `dir` (where the
 * three snapshots go; default a temporary directory), `keepSnapshots` (keep them; their paths
 * are on the error and the result). Resolves to the findLeaks report when nothing leaked.
 */
function assertNoLeak(fn, opts) {
  // Wrong arguments throw synchronously, like Node's own APIs; everything else rejects.
  if (typeof fn !== 'function') throw invalidArgType('fn', 'a function', fn);
  return check(fn, options(opts));
}

async function check(fn, o) {
  const { writeSnapshot } = require('./snapshot');
  const dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-leak-'));
  if (o.dir) fs.mkdirSync(dir, { recursive: true });
  const stamp = `${process.pid}-${Date.now()}`;
  const files = ['baseline', 'target', 'final'].map((n) => path.join(dir, `${n}-${stamp}.heapsnapshot`));
  let run = 0;
  const repeat = async (times) => {
    for (let i = 0; i < times; i++) await fn(run++);
  };
  try {
    await repeat(o.warmup);
    collect();
    await writeSnapshot(files[0]);
    await repeat(o.iterations);
    collect();
    await writeSnapshot(files[1]);
    await repeat(o.iterations);
    collect();
    await writeSnapshot(files[2]);
    const report = await findLeaks(files[0], files[1], files[2], { limit: 0 });
    const leaking = report.classes.filter((c) => c.count >= o.threshold && !allowed(c.name, o.allow));
    if (leaking.length === 0) return Object.assign(report, o.keepSnapshots ? { snapshots: files } : {});
    throw leakError(report, leaking, o, files);
  } finally {
    if (!o.keepSnapshots) {
      for (const f of files) fs.rmSync(f, { force: true });
      if (!o.dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** The AssertionError listing the leaking classes and the paths that hold them. */
function leakError(report, leaking, o, files) {
  const names = new Set(leaking.map((c) => c.name));
  const lines = [
    `${leaking.length} ${leaking.length === 1 ? 'class leaks' : 'classes leak'}: objects made during ${o.iterations} runs are still alive after ${o.iterations} more ` +
      `(threshold ${o.threshold} objects a class):`,
  ];
  for (const c of leaking.slice(0, 20)) lines.push(`  ${c.name}: ${c.count} objects, ${c.shallowSize} bytes`);
  if (leaking.length > 20) lines.push(`  \u2026 ${leaking.length - 20} more classes`);
  // Paths of the clusters that hold the leaking classes' objects: a cluster of the class itself,
  // else the largest clusters (a leaked object's class may sit inside another leaked object).
  let clusters = report.clusters.filter((c) => names.has(c.className));
  if (clusters.length === 0) clusters = report.clusters.filter((c) => !allowed(c.className, o.allow));
  lines.push('Retained by:');
  for (const c of clusters.slice(0, 5)) lines.push(`  ${c.count} \u00d7 ${c.className}: ${formatPath(c.path)}`);
  if (o.keepSnapshots) lines.push(`Snapshots: ${files.join(' ')}`);
  const err = new assert.AssertionError({
    message: lines.join('\n'),
    actual: leaking.map((c) => ({ name: c.name, count: c.count })),
    expected: [],
    operator: 'assertNoLeak',
  });
  err.leaks = report;
  if (o.keepSnapshots) err.snapshots = files;
  return err;
}

module.exports = { assertNoLeak };
