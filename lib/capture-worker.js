'use strict';
// The capture worker: one per process, started on first use. It holds an inspector session
// connected to the main thread and feeds what V8 sends straight into the native sink, so the
// main thread does nothing per chunk. Jobs run one at a time: chunk events carry no request id,
// so two snapshots on one session would interleave.

const { parentPort } = require('node:worker_threads');
const inspector = require('node:inspector');
const native = require('./native');
const { serialize, rsError } = require('./errors');

// V8 before 12 (Node 20) finds a function's line by scanning its script from the start unless the
// script's line-end table exists; Debugger.enable builds the table for every loaded script.
// With a 9 MB bundle loaded, this turns a 23 s snapshot into 0.7 s. Newer V8 builds them itself.
const NEEDS_LINE_END_WARMUP = Number.parseInt(process.versions.v8, 10) < 12;

let session = null;

function connect() {
  if (session) return session;
  const s = new inspector.Session();
  s.connectToMainThread();
  session = s;
  return s;
}

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

async function warmLineEnds() {
  if (!NEEDS_LINE_END_WARMUP) return;
  await post('Debugger.enable');
  await post('Debugger.disable');
}

/** Takes a heap snapshot into an open sink; resolves to the finished file. */
async function snapshot({ sinkId, options }) {
  let failed = false;
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

const handlers = { snapshot };

let queue = Promise.resolve();

parentPort.on('message', (msg) => {
  queue = queue.then(async () => {
    try {
      const handler = handlers[msg.type];
      if (!handler) throw rsError('INTERNAL', `unknown capture job '${msg.type}'`);
      parentPort.postMessage({ id: msg.id, ok: true, value: await handler(msg) });
    } catch (err) {
      parentPort.postMessage({ id: msg.id, ok: false, error: serialize(err) });
    }
  });
});
