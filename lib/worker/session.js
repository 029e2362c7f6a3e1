'use strict';
// The capture worker's one inspector session, connected to the main thread, and a promise-shaped
// `post`. Inspector failures become ERR_RSHEAPDUMP_INSPECTOR with V8's message.

const inspector = require('node:inspector');
const { rsError } = require('../errors');

let session = null;

/** The session, connected on first use. */
function connect() {
  if (session) return session;
  const s = new inspector.Session();
  s.connectToMainThread();
  session = s;
  return s;
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

module.exports = { connect, post };
