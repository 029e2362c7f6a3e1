'use strict';
// The capture worker's inspector session, connected to the main thread, and a promise-shaped
// `post`. Inspector failures become ERR_RSHEAPDUMP_INSPECTOR with V8's message.
//
// The session is connected only while something holds it (a job, a running profile): Node prints
// "Waiting for the debugger to disconnect..." when the app calls process.exit() while a session
// is connected, and an idle profiler tool must not change how the app exits.

const inspector = require('node:inspector');
const { rsError } = require('../errors');

let session = null;
let holds = 0;

/** The session, connected on first use. */
function connect() {
  if (session) return session;
  const s = new inspector.Session();
  s.connectToMainThread();
  session = s;
  return s;
}

/** Keeps the session connected until the returned function is called (once). */
function hold() {
  holds++;
  connect();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
    if (holds === 0 && session) {
      session.disconnect();
      session = null;
    }
  };
}

/** Whether the session is connected now (for tests and diagnostics). */
function isConnected() {
  return session !== null;
}

/** Posts a protocol command; resolves to its result. */
function post(method, params) {
  return new Promise((resolve, reject) => {
    connect().post(method, params, (err, result) => {
      if (!err) return resolve(result);
      const e = rsError('INSPECTOR', `V8 inspector command ${method} failed: ${err.message}`);
      e.cause = err;
      reject(e);
    });
  });
}

module.exports = { connect, hold, isConnected, post };
