'use strict';
// The inspector session for profiles and signal snapshots (the capture worker's, connected to the
// main thread; or, in a worker thread of the app, one on that thread itself), and a promise-shaped
// `post`. Inspector failures become ERR_RSHEAPDUMP_INSPECTOR with V8's message.
//
// Once connected the session stays connected: V8 forgets its heap object ids when a
// HeapProfiler session goes away, and snapshots are compared by those ids (diff, leaks). Node
// prints "Waiting for the debugger to disconnect..." when the app exits with a session
// connected, so lib/client.js has the worker disconnect in the app's 'exit' event.

const inspector = require('node:inspector');
const { rsError } = require('../errors');

let session = null;
// 'main' in the capture worker (a session on the main thread); 'self' where capture runs on the
// thread it captures (a worker thread of the app profiles its own isolate).
let target = 'self';

/** Chooses what the session connects to; called once by the capture worker, before any use. */
function connectTo(where) {
  target = where;
}
// Set when the app exits: a command still in flight must not connect a new session then.
let closed = false;

/** The session, connected on first use. */
function connect() {
  if (session) return session;
  if (closed) throw rsError('EXITING', 'the process is exiting; the inspector session is closed');
  const s = new inspector.Session();
  if (target === 'main') s.connectToMainThread();
  else s.connect();
  session = s;
  return s;
}

/** Disconnects the session for good (the app is exiting). */
function disconnect() {
  closed = true;
  if (!session) return;
  session.disconnect();
  session = null;
}

/** Whether the session is connected now (for tests and diagnostics). */
function isConnected() {
  return session !== null;
}

/** Posts a protocol command; resolves to its result. */
function post(method, params) {
  return new Promise((resolve, reject) => {
    let s;
    try {
      s = connect();
    } catch (err) {
      return reject(err);
    }
    s.post(method, params, (err, result) => {
      if (!err) return resolve(result);
      const e = rsError('INSPECTOR', `V8 inspector command ${method} failed: ${err.message}`);
      e.cause = err;
      reject(e);
    });
  });
}

/** The id of the thread this session profiles, for file names: 0 for the main thread. */
function profiledThreadId() {
  return target === 'main' ? 0 : require('node:worker_threads').threadId;
}

module.exports = { connect, connectTo, disconnect, isConnected, post, profiledThreadId };
