'use strict';
// The capture worker: one per process, started on first use (or at require time when signals are
// on). It holds an inspector session connected to the main thread (lib/worker/session.js) and
// runs jobs one at a time through lib/worker/queue.js. Each job type lives in lib/worker/<job>.js
// and is registered in lib/worker/jobs.js.

const { parentPort, workerData } = require('node:worker_threads');
const { serialize, rsError } = require('./errors');
// Before anything connects: this worker's session reaches the main thread.
require('./worker/session').connectTo('main');
// The profile state this worker's jobs keep is published where the main thread reads it.
if (workerData?.profileState) require('./profile-state').attach(workerData.profileState);
const { enqueue } = require('./worker/queue');

// The jobs any thread can run (lib/worker/jobs.js), and those only this worker runs for the main thread.
const JOBS = {
  ...require('./worker/jobs').JOBS,
  ...require('./worker/watch').jobs,
  stallWatch: (msg) => require('./stall/worker').watch(msg.config),
  stallUnwatch: () => require('./stall/worker').close(),
};

// The app is exiting and waits (bounded) on msg.flag: drop profiles, disconnect, wake it.
async function onAppExit(flag) {
  try {
    await require('./worker/profile').abandonAll();
  } finally {
    require('./worker/session').disconnect();
    require('./stall/worker').close();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}

parentPort.on('message', (msg) => {
  if (msg.type === 'pong') return require('./worker/liveness').onPong(msg);
  if (msg.type === 'exit') return void onAppExit(msg.flag);
  enqueue(() => {
    const job = Object.hasOwn(JOBS, msg.type) && JOBS[msg.type];
    if (typeof job !== 'function') throw rsError('INTERNAL', `unknown capture job '${msg.type}'`);
    return job(msg);
  }).then(
    (value) => parentPort.postMessage({ id: msg.id, ok: true, value }),
    (err) => parentPort.postMessage({ id: msg.id, ok: false, error: serialize(err) }),
  );
});

if (workerData?.signals) require('./worker/signal').watch(workerData.signals);
