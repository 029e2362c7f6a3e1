'use strict';
// Signal-triggered snapshots and timed CPU profiles, served in the capture worker: the native watcher thread wakes this
// worker's event loop, so a signal is served even while the main thread is stuck in a loop (the
// snapshot itself reaches the main thread by V8 interrupt).

const { parentPort } = require('node:worker_threads');
const native = require('../native');
const { enqueue } = require('./queue');
const { snapshotByInterrupt } = require('./snapshot');
const { heapdumpName, profileFilename } = require('../names');

// Keeps the process alive until the file is complete; a failure is one line on stderr.
function serve(what, work) {
  parentPort.postMessage({ type: 'busy' });
  work()
    .catch((err) => {
      // One line, as README promises: a message never brings its stack along.
      const message = String(err?.message ?? err).split('\n')[0];
      process.stderr.write(`rsheapdump: the ${what} asked for by signal failed: ${message} [${err?.code ?? 'ERR_RSHEAPDUMP_INTERNAL'}]\n`);
    })
    .finally(() => parentPort.postMessage({ type: 'idle' }));
}

function takeSnapshot(config) {
  serve('snapshot', () =>
    enqueue(() => {
      const file = heapdumpName(config.dir, config.gzip ? '.heapsnapshot.gz' : '.heapsnapshot');
      // V8's own writer on the main thread, by interrupt: served whether or not its event loop
      // turns (V8 12+ would never start an inspector-requested snapshot in a stuck thread).
      return snapshotByInterrupt({ file, level: config.gzip ? 1 : null });
    }),
  );
}

function recordCpuProfile(config) {
  // Profiler commands emit no chunk events, so a timed profile runs beside the snapshot queue
  // instead of holding it for `seconds`.
  const { cpuProfileFor } = require('./profile');
  serve('CPU profile', () =>
    cpuProfileFor({ seconds: config.cpu.seconds, filename: profileFilename('cpu', config.dir), gzip: config.gzip }),
  );
}

/**
 * Serves `config.snapshot` (a signal number) with snapshots and, when `config.cpu` is set,
 * `config.cpu.signal` with a CPU profile of `config.cpu.seconds`, into `config.dir`.
 */
function watch(config) {
  const signals = [config.snapshot, ...(config.cpu ? [config.cpu.signal] : [])];
  native.watchSignals(signals, (sig) => {
    if (sig === config.snapshot) takeSnapshot(config);
    else recordCpuProfile(config);
  });
}

module.exports = { watch };
