'use strict';
// The main thread's side of the capture worker: starts it on first use, sends jobs, and keeps
// the worker ref'd only while a job is pending, so an idle process can still exit.

const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { deserialize, rsError } = require('./errors');

let worker = null;
let nextId = 1;
const pending = new Map();

function settle(id, fn) {
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  if (pending.size === 0 && worker) worker.unref();
  fn(p);
}

function failAll(err) {
  for (const id of [...pending.keys()]) settle(id, (p) => p.reject(err));
}

function start() {
  if (worker) return worker;
  const w = new Worker(path.join(__dirname, 'capture-worker.js'), { name: 'rsheapdump-capture', execArgv: [] });
  w.unref();
  w.on('message', (msg) => settle(msg.id, (p) => (msg.ok ? p.resolve(msg.value) : p.reject(deserialize(msg.error)))));
  w.on('error', (err) => {
    failAll(rsError('WORKER', `the capture worker failed: ${err.message}`, { cause: err }));
  });
  w.on('exit', (code) => {
    if (worker === w) worker = null;
    failAll(rsError('WORKER', `the capture worker exited (code ${code}) before finishing; try again`));
  });
  worker = w;
  return w;
}

/** Sends a job to the capture worker; resolves with its result. */
function request(type, payload) {
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
    w.ref();
    w.postMessage({ ...payload, type, id });
  });
}

/** Starts the worker ahead of need (for signal handling while the main thread is busy). */
function prestart() {
  start();
}

module.exports = { request, prestart };
