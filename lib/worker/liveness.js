'use strict';
// Is the main thread's event loop turning? The worker asks with a 'ping' that lib/client.js
// answers from the main thread's loop. A main thread stuck in a synchronous loop never answers,
// though V8 interrupts (and so inspector commands) still reach it.

const { parentPort } = require('node:worker_threads');

let nextId = 1;
const waiting = new Map();

/** Resolves true if the main thread's event loop answers within `timeoutMs`. */
function mainLoopResponds(timeoutMs = 250) {
  return new Promise((resolve) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      waiting.delete(id);
      resolve(false);
    }, timeoutMs);
    waiting.set(id, () => {
      clearTimeout(timer);
      resolve(true);
    });
    parentPort.postMessage({ type: 'ping', id });
  });
}

/** Called by the worker's message handler for each 'pong'. */
function onPong(msg) {
  const done = waiting.get(msg.id);
  if (done) {
    waiting.delete(msg.id);
    done();
  }
}

module.exports = { mainLoopResponds, onPong };
