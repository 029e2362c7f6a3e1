'use strict';
// Where every heap snapshot starts: writeSnapshot() (and so the HTTP route) calls takeSnapshot on
// the thread whose heap it captures, and a signal snapshot calls it on the main thread by
// inspector interrupt (lib/interrupt-writer.js). A check that must run before any snapshot
// belongs here, in one place.
//
// The pause is V8's own: v8.writeHeapSnapshot writes into a pipe whose other end a Rust thread
// drains into the file (src/capture/pipe.rs: gzip on a thread of its own, `.partial`, 0600,
// fsync, rename). The object ids stay stable between snapshots of one thread (V8's heap profiler
// keeps them while no inspector session goes away).

const v8 = require('node:v8');
const native = require('./native');
const { warmLineEnds } = require('./line-ends');
const { rsError } = require('./errors');
const { checkHeadroom } = require('./headroom');

// A process that exits right after a snapshot (writeSnapshot(); process.exit()) still gets the
// whole file: at exit, wait for what V8 already wrote to be completed, bounded.
const EXIT_WAIT_MS = 30_000;
let exitHooked = false;

function onExit() {
  const late = native.pipeWaitAll(EXIT_WAIT_MS);
  if (late > 0) process.stderr.write(`rsheapdump: ${late} snapshot file(s) were not complete after ${EXIT_WAIT_MS / 1000} s at exit; their .partial files stay\n`);
}

/**
 * Takes a heap snapshot of this thread's isolate into `file` (gzip `level` or null). Synchronous:
 * returns when V8 is done (the pause), with the id of the capture, whose file is completed off
 * this thread: `native.pipeFinish(id)` resolves when it is. Throws the open error (ENOENT...)
 * before any pause.
 *
 * Options: captureNumericValue, exposeInternals, force (skip the headroom check); `publish` (the file is under its final name when
 * this returns, fsync'ed after: heapdump's behaviour for signals); `warm` (false when the caller
 * already ran the line-end warm-up, as the capture worker does before an interrupt).
 */
function takeSnapshot(file, level, { captureNumericValue = false, exposeInternals = false, publish = false, warm = true, force = false } = {}) {
  // V8 cannot cancel a snapshot once begun: refuse one that does not fit in the memory left
  // (ERR_RSHEAPDUMP_NO_HEADROOM; `force` or NODE_HEAPDUMP_OPTIONS=force skips it), before the file
  // is even created. It runs on the snapshotting thread, so the estimate is of the right heap.
  checkHeadroom({ force });
  const id = native.pipeOpen(file, level ?? undefined, publish);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', onExit);
  }
  try {
    if (warm) warmLineEnds();
    v8.writeHeapSnapshot(native.pipePath(id), { exposeInternals, exposeNumericValues: captureNumericValue });
  } catch (err) {
    native.pipeClose(id, false);
    // Collects the abandoned capture (its partial file is removed); the error is this one.
    native.pipeFinish(id).catch(() => {});
    throw rsError('SNAPSHOT', `V8 could not write the snapshot: ${String(err?.message ?? err).split('\n')[0]}`, { cause: err });
  }
  native.pipeClose(id, true);
  if (publish) native.pipeWaitPublished(id);
  return id;
}

module.exports = { takeSnapshot };
