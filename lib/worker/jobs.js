'use strict';
// The capture jobs by name: run by the capture worker for the main thread, or, in a worker thread
// of the app, on that thread itself (lib/client.js), so that they capture the thread that asks.

const profile = require('./profile');

const JOBS = {
  // The inspector-stream snapshot, for bench/capture.js --old only (writeSnapshot uses lib/capture.js).
  snapshotStream: require('./snapshot').snapshot,
  cpuStart: profile.jobs.cpuStart,
  cpuStop: profile.jobs.cpuStop,
  heapStart: profile.jobs.heapStart,
  heapStop: profile.jobs.heapStop,
  cpuProfileFor: profile.jobs.cpuProfileFor,
};

module.exports = { JOBS };
