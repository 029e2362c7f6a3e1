'use strict';
// Which profile of each kind runs and who owns it, as the state machine in lib/worker/profile.js
// last published it, readable without a round trip by the thread that asks for profiles. V8 has
// one CPU profiler and one sampling heap profiler per isolate and accepts a second start
// silently, so the worker's state is the one record: lib/profile.js reads it here (it kept a
// mirror of its own before, which could disagree with the worker: a timed or watch profile, a
// restarted worker) to refuse a stop without a start before it opens any file. The messages of
// both refusals are made here, so that both threads word them alike.
//
// One Int32Array cell per kind over a SharedArrayBuffer: the main thread makes it and hands it to
// the capture worker (workerData.profileState, lib/client.js); in an app's worker thread, which
// runs its jobs itself, both sides use this one module instance. A leaf over lib/errors.js and
// lib/defaults.js.

const { rsError } = require('./errors');
const { PROFILE_KINDS } = require('./defaults');

const KINDS = ['cpu', 'heap'];
/** Who started a profile: the owners a cell can name. Every owner is named from here, so none can drift from the encoding. */
const OWNER = Object.freeze({ api: 'api', timed: 'timed', watch: 'watchHeap()' });
const OWNERS = Object.values(OWNER);
// cell = 0 while nothing runs, else 1 + 2 * (index in OWNERS, or OWNERS.length) + (stopping ? 1 : 0).

let cells = new Int32Array(new SharedArrayBuffer(4 * KINDS.length));

/** The buffer to hand to the capture worker. */
function buffer() {
  return cells.buffer;
}

/** In the capture worker: publish into the main thread's buffer; a new worker has nothing running. */
function attach(sab) {
  cells = new Int32Array(sab);
  for (let i = 0; i < KINDS.length; i++) Atomics.store(cells, i, 0);
}

/** Publishes `cur` (null or { owner, phase }) for `kind`; only the worker's state machine calls it. */
function publish(kind, cur) {
  let v = 0;
  if (cur) {
    const o = OWNERS.indexOf(cur.owner);
    v = 1 + 2 * (o === -1 ? OWNERS.length : o) + (cur.phase === 'stopping' ? 1 : 0);
  }
  Atomics.store(cells, KINDS.indexOf(kind), v);
}

/** null, or { owner, stopping } for the profile of `kind` (owner 'another caller' if not a known one). */
function read(kind) {
  const v = Atomics.load(cells, KINDS.indexOf(kind));
  if (v === 0) return null;
  const o = (v - 1) >> 1;
  return { owner: OWNERS[o] ?? 'another caller', stopping: (v - 1) % 2 === 1 };
}

const ownerText = (owner) => (owner === OWNER.timed ? 'a timed profile' : owner);

/** ERR_RSHEAPDUMP_PROFILE_RUNNING: `cur` ({ owner }) holds the profiler of `kind`. */
function runningError(kind, cur) {
  const k = PROFILE_KINDS[kind];
  const by = cur.owner === OWNER.api ? '' : ` (started by ${ownerText(cur.owner)})`;
  return rsError('PROFILE_RUNNING', `a ${k.what} is already running${by}; stop it with ${k.stop}() before starting another`);
}

/** ERR_RSHEAPDUMP_NO_PROFILE: `owner` has no profile of `kind` to stop (`cur`: what runs, or null). */
function noProfileError(kind, cur, owner) {
  const k = PROFILE_KINDS[kind];
  const msg =
    cur && cur.owner !== owner
      ? `the running ${k.what} was not started by ${k.start}() (it belongs to ${ownerText(cur.owner)}) and stops by itself`
      : `no ${k.what} is running; call ${k.start}() first`;
  return rsError('NO_PROFILE', msg);
}

module.exports = { OWNER, buffer, attach, publish, read, runningError, noProfileError };
