'use strict';
// Heap snapshots from the capture worker: by interrupt (signals; snapshotByInterrupt), and the
// inspector's chunk stream into a native sink (`snapshot`), which writeSnapshot used before V8's
// own writer replaced it: kept as an internal job for bench/capture.js' comparison (--old).

const native = require('../native');
const { Sink } = require('../sink');
const { connect, post } = require('./session');
const { rsError, deserialize } = require('../errors');
const interruptWriter = require('../interrupt-writer');

// V8 before 12 (Node 20) finds a function's line by scanning its script from the start unless the
// script's line-end table exists; Debugger.enable builds the table for every loaded script.
// With a 9 MB bundle loaded, this turns a 23 s snapshot into 0.7 s. Newer V8 builds them itself.
// Scripts loaded since the last snapshot need it too, so it runs before every snapshot.
// RSHEAPDUMP_NO_WARMUP=1 turns it off (for benchmarks).
const NEEDS_LINE_END_WARMUP = Number.parseInt(process.versions.v8, 10) < 12 && !process.env.RSHEAPDUMP_NO_WARMUP;

/** The warm-up's commands, posted without waiting: a session runs its commands in order. */
function warmLineEnds() {
  if (!NEEDS_LINE_END_WARMUP) return [];
  // Only an optimization: the snapshot is valid without it, so its failure is not the caller's.
  return [post('Debugger.enable'), post('Debugger.disable')].map((p) => p.catch(() => {}));
}

/** Takes a heap snapshot into the sink the caller opened; resolves to the finished file. */
function snapshot({ sinkId, options }) {
  const sink = Sink.adopt(sinkId);
  return sink.guard(async () => {
    let failed = null;
    const onChunk = (m) => {
      if (failed) return;
      try {
        sink.write(m.params.chunk);
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
    } finally {
      s.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    }
    if (failed) throw failed;
    return sink.finish();
  });
}

/**
 * A snapshot of the main thread taken by inspector interrupt (signals): the main thread runs
 * lib/capture.js' takeSnapshot (V8's own writer into a pipe drained into the file), whether or not
 * its event loop turns. A plain file is renamed in the same pause, so it is there, complete, when
 * the app's code runs on, as with heapdump (a timer that was due during the pause must find it);
 * the fsync and a gzip file's completion happen here, off the main thread.
 */
async function snapshotByInterrupt({ file, level }) {
  // The warm-up matters as much to V8's own writer; posted back to back, one interrupt runs all.
  const warmup = warmLineEnds();
  const expression = interruptWriter.expression(file, level, { publish: !level, warm: false });
  const { result, exceptionDetails } = await post('Runtime.evaluate', { expression, silent: true, returnByValue: true });
  await Promise.all(warmup);
  if (exceptionDetails) {
    // The description is the exception's stack: its first line says what happened.
    const why = String(exceptionDetails.exception?.description ?? exceptionDetails.text).split('\n')[0];
    throw rsError('SNAPSHOT', `V8 could not write the snapshot: ${why}`);
  }
  const out = result.value;
  if (out.error) throw deserialize(out.error);
  return native.pipeFinish(out.id);
}

module.exports = { snapshot, snapshotByInterrupt, NEEDS_LINE_END_WARMUP };
