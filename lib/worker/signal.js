'use strict';
// Signal-triggered snapshots and timed CPU profiles, served in the capture worker: the native watcher thread wakes this
// worker's event loop, so a signal is served even while the main thread is stuck in a loop (the
// snapshot itself reaches the main thread by V8 interrupt).

const { parentPort } = require('node:worker_threads');
const native = require('../native');
const { enqueue } = require('./queue');
const { snapshot, snapshotByInterrupt, SNAPSHOT_WAITS_FOR_EVENT_LOOP } = require('./snapshot');
const { mainLoopResponds } = require('./liveness');
const { heapdumpName } = require('../names');
const { checkMainThreadHeadroom } = require('./headroom');

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
    enqueue(async () => {
      await checkMainThreadHeadroom();
      const file = heapdumpName(config.dir, config.gzip ? '.heapsnapshot.gz' : '.heapsnapshot');
      const level = config.gzip ? 1 : undefined;
      // Plain files: V8's own writer, right where the app is (heapdump's behaviour: the file is
      // complete when the app runs on; on Node 20 the pause is also shorter than streaming's, and
      // on Node 22+ a streamed snapshot would wait for the event loop). gzip: streamed, so no
      // plain copy ever touches the disk, unless the event loop is stuck (V8 12+ would never take
      // a streamed snapshot then).
      if (!level || (SNAPSHOT_WAITS_FOR_EVENT_LOOP && !(await mainLoopResponds()))) return snapshotByInterrupt({ file, level });
      const sinkId = native.sinkOpen(file, level);
      return snapshot({ sinkId, options: {} });
    }),
  );
}

function recordCpuProfile(config) {
  // Profiler commands emit no chunk events, so a timed profile runs beside the snapshot queue
  // instead of holding it for `seconds`.
  const { cpuProfileFor } = require('./profile');
  const { diagnosticFilename } = require('../profile');
  serve('CPU profile', () =>
    cpuProfileFor({ seconds: config.cpu.seconds, filename: diagnosticFilename('CPU', 'cpuprofile', config.dir), gzip: config.gzip }),
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
