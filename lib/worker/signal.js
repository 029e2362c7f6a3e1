'use strict';
// Signal-triggered snapshots, served in the capture worker: the native watcher thread wakes this
// worker's event loop, so a signal is served even while the main thread is stuck in a loop (the
// snapshot itself reaches the main thread by V8 interrupt).

const { parentPort } = require('node:worker_threads');
const native = require('../native');
const { enqueue } = require('./queue');
const { snapshot } = require('./snapshot');
const { heapdumpName } = require('../names');

/** Starts serving `config.snapshot` (a signal number) with snapshots in `config.dir`. */
function watch(config) {
  native.watchSignals([config.snapshot], () => {
    // Keep the process alive until the file is complete.
    parentPort.postMessage({ type: 'busy' });
    enqueue(() => {
      const file = heapdumpName(config.dir, config.gzip ? '.heapsnapshot.gz' : '.heapsnapshot');
      const sinkId = native.sinkOpen(file, config.gzip ? 1 : undefined);
      return snapshot({ sinkId, options: {} });
    })
      .catch((err) => {
        process.stderr.write(`rsheapdump: the snapshot asked for by signal failed: ${err.message} [${err.code}]\n`);
      })
      .finally(() => parentPort.postMessage({ type: 'idle' }));
  });
}

module.exports = { watch };
