'use strict';
// What a file given to `view` or `report` is, from its content (not its name).

/**
 * 'snapshot', 'cpu' or 'heap', from the content (the profile readers recognize a snapshot by its
 * first keys without reading on); any other failure (a missing or malformed file) is thrown.
 */
async function kindOf(file) {
  const native = require('../native');
  try {
    await native.analyzeCpuProfile(file, { limit: 1 });
    return 'cpu';
  } catch (err) {
    if (err.code !== 'ERR_RSHEAPDUMP_NOT_A_PROFILE') throw err;
    if (/heap snapshot/.test(err.message)) return 'snapshot';
    if (!/heap profile/.test(err.message)) throw err;
  }
  await native.analyzeHeapProfile(file, { limit: 1 });
  return 'heap';
}

module.exports = { kindOf };
