'use strict';
// The heap snapshot job: V8's chunks go straight from the inspector session into the native sink.

const fs = require('node:fs');
const native = require('../native');
const { connect, post } = require('./session');
const { rsError } = require('../errors');
const interruptWriter = require('../interrupt-writer');

// V8 before 12 (Node 20) finds a function's line by scanning its script from the start unless the
// script's line-end table exists; Debugger.enable builds the table for every loaded script.
// With a 9 MB bundle loaded, this turns a 23 s snapshot into 0.7 s. Newer V8 builds them itself.
// Scripts loaded since the last snapshot need it too, so it runs before every snapshot.
// RSHEAPDUMP_NO_WARMUP=1 turns it off (for benchmarks).
const NEEDS_LINE_END_WARMUP = Number.parseInt(process.versions.v8, 10) < 12 && !process.env.RSHEAPDUMP_NO_WARMUP;

// V8 12 and later (Node 22+) run an inspector-requested snapshot as a task of the main thread's
// event loop, so a main thread stuck in a loop never takes it (measured on Node 24); V8's own
// synchronous writer still runs from an inspector interrupt there. See snapshotByInterrupt.
const SNAPSHOT_WAITS_FOR_EVENT_LOOP = Number.parseInt(process.versions.v8, 10) >= 12;

/** The warm-up's commands, posted without waiting: a session runs its commands in order. */
function warmLineEnds() {
  if (!NEEDS_LINE_END_WARMUP) return [];
  // Only an optimization: the snapshot is valid without it, so its failure is not the caller's.
  return [post('Debugger.enable'), post('Debugger.disable')].map((p) => p.catch(() => {}));
}

/** Takes a heap snapshot into an open sink; resolves to the finished file. */
async function snapshot({ sinkId, options }) {
  let failed = null;
  const onChunk = (m) => {
    if (failed) return;
    try {
      native.sinkWrite(sinkId, m.params.chunk);
    } catch (err) {
      failed = err;
    }
  };
  const s = connect();
  try {
    s.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    // Posted back to back: every round trip to the main thread adds latency before the pause.
    const warmup = warmLineEnds();
    await post('HeapProfiler.takeHeapSnapshot', {
      reportProgress: false,
      captureNumericValue: !!options.captureNumericValue,
      exposeInternals: !!options.exposeInternals,
    });
    await Promise.all(warmup);
  } catch (err) {
    native.sinkAbort(sinkId);
    throw err;
  } finally {
    s.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  }
  if (failed) {
    native.sinkAbort(sinkId);
    throw failed;
  }
  return native.sinkFinish(sinkId);
}

/**
 * V8's synchronous writer (v8.writeHeapSnapshot) run on the main thread from an inspector
 * interrupt, into the partial name. A plain file is renamed by the main thread in the same pause,
 * so it is there, complete, when the app's code runs on, as with heapdump (a timer that was due
 * during the pause must find it: renaming here, after the interrupt returns, lost that race on a
 * slow machine); this worker then fsyncs it. A gzip file is compressed here through a sink.
 * Works whether or not the event loop turns.
 */
async function snapshotByInterrupt({ file, level }) {
  const raw = level ? `${file}.raw.partial` : `${file}.partial`;
  // Created here first so that V8's writer, which keeps an existing file's mode, writes a 0600 file.
  fs.writeFileSync(raw, '', { mode: 0o600 });
  try {
    const expression = interruptWriter.expression(raw, level ? undefined : file);
    // The warm-up matters as much to V8's own writer; posted back to back, one interrupt runs all.
    const warmup = warmLineEnds();
    const { exceptionDetails } = await post('Runtime.evaluate', { expression, silent: true, returnByValue: true });
    await Promise.all(warmup);
    if (exceptionDetails) {
      // The description is the exception's stack: its first line says what happened.
      const why = String(exceptionDetails.exception?.description ?? exceptionDetails.text).split('\n')[0];
      throw rsError('SNAPSHOT', `V8 could not write the snapshot: ${why}`);
    }
    if (!level) {
      // Off the main thread: durability must not lengthen the app's pause.
      const fd = fs.openSync(file, 'r');
      try {
        fs.fsyncSync(fd);
        const { size } = fs.fstatSync(fd);
        return { path: file, bytes: size, rawBytes: size };
      } finally {
        fs.closeSync(fd);
      }
    }
    const sinkId = native.sinkOpen(file, level);
    try {
      for await (const chunk of fs.createReadStream(raw, { highWaterMark: 1 << 20 })) native.sinkWrite(sinkId, chunk);
    } catch (err) {
      native.sinkAbort(sinkId);
      throw err;
    }
    return await native.sinkFinish(sinkId);
  } finally {
    fs.rmSync(raw, { force: true });
  }
}

module.exports = { snapshot, snapshotByInterrupt, NEEDS_LINE_END_WARMUP, SNAPSHOT_WAITS_FOR_EVENT_LOOP };
