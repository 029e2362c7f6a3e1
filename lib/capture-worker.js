'use strict';
// The capture worker: one per process, started on first use. It holds an inspector session
// connected to the main thread (lib/worker/session.js) and runs jobs one at a time: chunk events
// carry no request id, so two snapshots on one session would interleave.
// Each job type lives in lib/worker/<job>.js and is registered in JOBS.

const { parentPort } = require('node:worker_threads');
const { serialize, rsError } = require('./errors');

const JOBS = {
  snapshot: require('./worker/snapshot').snapshot,
  cpuStart: require('./worker/profile').jobs.cpuStart,
  cpuStop: require('./worker/profile').jobs.cpuStop,
  heapStart: require('./worker/profile').jobs.heapStart,
  heapStop: require('./worker/profile').jobs.heapStop,
  cpuProfileFor: require('./worker/profile').jobs.cpuProfileFor,
};

let queue = Promise.resolve();

parentPort.on('message', (msg) => {
  queue = queue.then(async () => {
    try {
      const job = Object.hasOwn(JOBS, msg.type) && JOBS[msg.type];
      if (typeof job !== 'function') throw rsError('INTERNAL', `unknown capture job '${msg.type}'`);
      parentPort.postMessage({ id: msg.id, ok: true, value: await job(msg) });
    } catch (err) {
      parentPort.postMessage({ id: msg.id, ok: false, error: serialize(err) });
    }
  });
});
