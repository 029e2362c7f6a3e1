'use strict';
// File names and gzip targets, as the tools users know make them. A leaf module: the capture
// worker, attach and the CLI use it without loading the main thread's API modules.

const fs = require('node:fs');
const path = require('node:path');
const { invalidArgType, invalidArgValue } = require('./errors');
const { PROFILE_KINDS } = require('./defaults');

/** heapdump's name: heapdump-<hrtime ms>.<ns below the ms>.heapsnapshot, in `dir` (default cwd). */
function heapdumpName(dir = process.cwd(), ext = '.heapsnapshot') {
  const now = process.hrtime.bigint();
  return path.resolve(dir, `heapdump-${now / 1000000n}.${now % 1000000n}${ext}`);
}

let seq = 0;
const pad = (n, w = 2) => String(n).padStart(w, '0');

/**
 * Node's diagnostic file name, as `node --cpu-prof` / `--heap-prof` make it:
 * `<prefix>.<yyyymmdd>.<hhmmss>.<pid>.<tid>.<seq>.<ext>` in `dir` (default: the cwd), local time;
 * `pid` is the profiled process's (another one's for `rsheapdump.attach`), `tid` the profiled
 * thread's id (0, the main thread, unless a worker thread profiles itself); `seq` is three digits and counts
 * this thread's names from 001 (Node's own counter is internal). A name that exists already, or whose
 * .partial file does, is skipped, so a profile never overwrites another.
 */
function diagnosticFilename(prefix, ext, dir = process.cwd(), pid = process.pid, tid = 0) {
  for (;;) {
    const d = new Date();
    const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}.${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
    const file = path.resolve(dir, `${prefix}.${stamp}.${pid}.${tid}.${pad(++seq, 3)}.${ext}`);
    if (!fs.existsSync(file) && !fs.existsSync(`${file}.partial`)) return file;
  }
}

/** Node's name for a profile of `kind` ('cpu' | 'heap'): CPU.<...>.cpuprofile, Heap.<...>.heapprofile. */
function profileFilename(kind, dir, pid, tid) {
  const k = PROFILE_KINDS[kind];
  return diagnosticFilename(k.prefix, k.ext, dir, pid, tid);
}

/** Validates `gzip` (true | false | 1..9) and returns a level or null. */
function gzipLevel(value, name = 'options.gzip') {
  if (value === undefined || value === false) return null;
  if (value === true) return 1;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type boolean or an integer from 1 to 9', value);
  if (!Number.isInteger(value) || value < 1 || value > 9) throw invalidArgValue(name, value, 'must be true, false or an integer from 1 to 9', RangeError);
  return value;
}

/** Decides the final name and gzip level: a `.gz` name means gzip, and gzip means a `.gz` name. */
function resolveTarget(filename, options) {
  let level = gzipLevel(options.gzip);
  let file = filename === undefined ? heapdumpName() : path.resolve(filename);
  const named = file.endsWith('.gz');
  if (named && options.gzip === false) {
    throw invalidArgValue('options.gzip', false, `contradicts the file name '${path.basename(file)}' (a .gz name is always gzip)`);
  }
  if (named && level === null) level = 1;
  if (level !== null && !named) file += '.gz';
  return { file, level };
}

module.exports = { heapdumpName, diagnosticFilename, profileFilename, gzipLevel, resolveTarget };
