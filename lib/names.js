'use strict';
// Default file names, as the tools users know make them.

const path = require('node:path');

/** heapdump's name: heapdump-<hrtime ms>.<ns below the ms>.heapsnapshot, in `dir` (default cwd). */
function heapdumpName(dir = process.cwd(), ext = '.heapsnapshot') {
  const now = process.hrtime.bigint();
  return path.resolve(dir, `heapdump-${now / 1000000n}.${now % 1000000n}${ext}`);
}

module.exports = { heapdumpName };
