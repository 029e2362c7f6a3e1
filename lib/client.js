'use strict';
// The main thread's side of the capture worker: starts it on first use, sends jobs, and keeps
// the worker ref'd only while a job is pending, so an idle process can still exit.

const path = require('node:path');
const { Worker, isMainThread } = require('node:worker_threads');
const { deserialize, rsError } = require('./errors');

let worker = null;
let workerData = {};
let nextId = 1;
const pending = new Map();
// Jobs the worker started on its own (signal-triggered), announced with 'busy'/'idle'.
let busy = 0;
// Whether the worker may have connected its inspector session (any job or signal job so far).
let sessionUsed = false;
const EXIT_WAIT_MS = 500;

function updateRef() {
  if (!worker) return;
  if (pending.size > 0 || busy > 0) worker.ref();
  else worker.unref();
}

function settle(id, fn) {
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  updateRef();
  fn(p);
}

function onMessage(msg) {
  // The worker asks whether this thread's event loop still turns (lib/worker/liveness.js).
  if (msg.type === 'ping') return worker && worker.postMessage({ type: 'pong', id: msg.id });
  // A stall report (lib/stall/worker.js): the loop turns again.
  if (msg.type === 'stall') return require('./stall/watch').onReport(msg.report);
  if (msg.type === 'busy') {
    busy++;
    sessionUsed = true;
  }
  else if (msg.type === 'idle') busy = Math.max(0, busy - 1);
  else return settle(msg.id, (p) => (msg.ok ? p.resolve(msg.value) : p.reject(deserialize(msg.error))));
  updateRef();
}

function failAll(err) {
  for (const id of [...pending.keys()]) settle(id, (p) => p.reject(err));
}

let exitHooked = false;

/**
 * The app is exiting: a connected inspector session would make Node print "Waiting for the
 * debugger to disconnect...", so the worker drops any running profile and disconnects while this
 * thread waits (it answers in milliseconds; the wait is bounded). Inspector commands still reach
 * this thread by interrupt during Atomics.wait.
 */
function onAppExit() {
  if (!worker || !sessionUsed) return;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  try {
    worker.postMessage({ type: 'exit', flag });
  } catch {
    return;
  }
  Atomics.wait(flag, 0, 0, EXIT_WAIT_MS);
}

function start() {
  if (worker) return worker;
  // The worker publishes its profile state into this thread's buffer (lib/profile-state.js).
  const data = { ...workerData, profileState: require('./profile-state').buffer() };
  const w = new Worker(path.join(__dirname, 'capture-worker.js'), { name: 'rsheapdump-capture', execArgv: [], workerData: data });
  w.on('message', onMessage);
  w.on('error', (err) => {
    failAll(rsError('WORKER', `the capture worker failed: ${err.message}`, { cause: err }));
  });
  w.on('exit', (code) => {
    if (worker === w) worker = null;
    busy = 0;
    failAll(rsError('WORKER', `the capture worker exited (code ${code}) before finishing; try again`));
  });
  worker = w;
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', onAppExit);
  }
  // After the listeners: adding a 'message' listener refs the worker's port again.
  updateRef();
  return w;
}

/**
 * In a worker thread of the app, capture is of that thread's own isolate (as v8.writeHeapSnapshot
 * there is): its jobs run here, through a session on this thread, one at a time.
 */
function runHere(type, payload) {
  const { enqueue } = require('./worker/queue');
  const { JOBS } = require('./worker/jobs');
  return enqueue(() => {
    const job = Object.hasOwn(JOBS, type) && JOBS[type];
    if (typeof job !== 'function') throw rsError('INTERNAL', `unknown capture job '${type}'`);
    return job({ ...payload, type });
  });
}

/** Sends a job to the capture worker (or runs it here, in a worker thread); resolves with its result. */
function request(type, payload) {
  if (!isMainThread) return runHere(type, payload);
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    let w;
    try {
      w = start();
    } catch (err) {
      pending.delete(id);
      reject(rsError('WORKER', `could not start the capture worker: ${err.message}`, { cause: err }));
      return;
    }
    updateRef();
    sessionUsed = true;
    w.postMessage({ ...payload, type, id });
  });
}

/**
 * Starts the worker now, with `data` as its workerData (e.g. the signals to serve): it must be up
 * before the main thread gets stuck for a signal to be served then.
 */
function prestart(data) {
  workerData = { ...workerData, ...data };
  if (worker) throw new Error('rsheapdump: the capture worker was started before prestart()');
  start();
}

module.exports = { request, prestart };
