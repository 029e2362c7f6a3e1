'use strict';
// The capture worker's one job queue: everything that posts to the inspector session runs here,
// one job at a time (chunk events carry no request id).

let tail = Promise.resolve();

/** Runs `fn` after every job queued before it; resolves or rejects with its outcome. */
function enqueue(fn) {
  const run = tail.then(fn);
  tail = run.then(
    () => {},
    () => {},
  );
  return run;
}

module.exports = { enqueue };
