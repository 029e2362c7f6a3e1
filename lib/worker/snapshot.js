'use strict';
// The heap snapshot job: V8's chunks go straight from the inspector session into the native sink.

const native = require('../native');
const { connect, post } = require('./session');

// V8 before 12 (Node 20) finds a function's line by scanning its script from the start unless the
// script's line-end table exists; Debugger.enable builds the table for every loaded script.
// With a 9 MB bundle loaded, this turns a 23 s snapshot into 0.7 s. Newer V8 builds them itself.
// Scripts loaded since the last snapshot need it too, so it runs before every snapshot.
// RSHEAPDUMP_NO_WARMUP=1 turns it off (for benchmarks).
const NEEDS_LINE_END_WARMUP = Number.parseInt(process.versions.v8, 10) < 12 && !process.env.RSHEAPDUMP_NO_WARMUP;

async function warmLineEnds() {
  if (!NEEDS_LINE_END_WARMUP) return;
  await post('Debugger.enable');
  await post('Debugger.disable');
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
    await warmLineEnds();
    s.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await post('HeapProfiler.takeHeapSnapshot', {
      reportProgress: false,
      captureNumericValue: !!options.captureNumericValue,
      exposeInternals: !!options.exposeInternals,
    });
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

module.exports = { snapshot, NEEDS_LINE_END_WARMUP };
