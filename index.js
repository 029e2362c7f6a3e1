'use strict';
// rsheapdump's public API. The work happens in lib/ (JavaScript glue) and the native addon (Rust).

const { writeSnapshot } = require('./lib/snapshot');
const { startCpuProfile, stopCpuProfile, startHeapSampling, stopHeapSampling, profile } = require('./lib/profile');

module.exports = {
  writeSnapshot,
  startCpuProfile,
  stopCpuProfile,
  startHeapSampling,
  stopHeapSampling,
  profile,
};

// heapdump's behaviour on require: SIGUSR2 writes a snapshot unless NODE_HEAPDUMP_OPTIONS=nosignal.
require('./lib/signal').setup();
