'use strict';
// heapdump's signal behaviour: SIGUSR2 writes a snapshot with the default name, unless
// NODE_HEAPDUMP_OPTIONS says `nosignal`. Unlike heapdump, the signal is seen by a native thread
// and served by the capture worker, so it works while the main thread is stuck in a loop.

const os = require('node:os');
const native = require('./native');
const client = require('./client');

const SNAPSHOT_SIGNAL = 'SIGUSR2';
// For timed CPU profiles: a signal whose default action is to do nothing (so sending it to a
// process without rsheapdump is harmless) and that Node, libuv and V8 leave alone (SIGUSR1 starts
// Node's inspector, SIGPROF drives V8's own sampler). Go uses it for the same reason.
const DEFAULT_CPU_SIGNAL = 'SIGURG';
const RESERVED = new Set(['SIGUSR1', 'SIGUSR2', 'SIGPROF', 'SIGKILL', 'SIGSTOP', 'SIGINT', 'SIGTERM', 'SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGABRT', 'SIGPIPE', 'SIGCHLD', 'SIGXFSZ']);

/**
 * Parses NODE_HEAPDUMP_OPTIONS: a comma list of `signal`, `nosignal`, `gzip`, `force`, `dir=<path>`, `watch=<percent>`,
 * `cpuprofile=<seconds>`, `cpusignal=<SIGNAME>`, `stall=<ms>` (lib/stall/watch.js). Unknown words and bad values are reported as
 * heapdump reports unknown words, and ignored.
 */
function parseOptions(text = '', warn = (w) => console.error('node-heapdump: unrecognized option:', w)) {
  const opts = { signal: true, gzip: false, force: false, watch: undefined, dir: undefined, cpuprofile: undefined, cpusignal: DEFAULT_CPU_SIGNAL };
  for (const word of text.split(/\s*,\s*/)) {
    const [key, value] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (word === '') continue;
    else if (word === 'signal') opts.signal = true;
    else if (word === 'nosignal') opts.signal = false;
    else if (word === 'gzip') opts.gzip = true;
    // Read where snapshots start (lib/headroom.js): take them even when they do not fit.
    else if (word === 'force') opts.force = true;
    else if (key === 'dir' && value) opts.dir = value;
    // The heap watch (lib/watch-heap.js), started by index.js.
    else if (key === 'watch' && /^\d+$/.test(value ?? '') && Number(value) >= 1 && Number(value) <= 99) opts.watch = Number(value);
    else if (key === 'cpuprofile' && Number(value) > 0 && Number(value) <= 3600) opts.cpuprofile = Number(value);
    else if (key === 'stall' && Number.isInteger(Number(value)) && Number(value) >= 10 && Number(value) <= 3_600_000) opts.stall = Number(value);
    else if (key === 'cpusignal' && value && Object.hasOwn(os.constants.signals, value) && !RESERVED.has(value)) opts.cpusignal = value;
    else warn(word);
  }
  return opts;
}

// libuv replaces the process-wide handler when the app adds its first listener for the signal
// (and resets it to the default, which kills, when the last one goes). Node's own listener for
// these events was registered at bootstrap, so it has run when ours runs: put ours back on top,
// chaining to libuv's, so the app's listeners and our snapshot both run.
function keepInstalled(signal, signum) {
  const reinstall = (event) => {
    if (event === signal) native.reinstallSignalHandler(signum);
  };
  process.on('newListener', (event) => {
    if (event === signal) process.nextTick(reinstall, event);
    reinstall(event);
  });
  process.on('removeListener', reinstall);
}

// process.kill(process.pid, sig) with no JavaScript listener for sig makes Node expect to die:
// it runs its at-exit hooks first, and one of them detaches the inspector from the main context
// for good ("Waiting for the debugger to disconnect...", then every later snapshot fails with
// "Cannot find context"). A listener that does nothing keeps Node from doing that; Node's signal
// handles are unref'd, so it never keeps the process alive. Added before our native handler is
// installed, so ours chains to the libuv handler the listener puts in place.
function listen(signal) {
  process.on(signal, function rsheapdumpSignal() {});
}

/**
 * Sets up signal handling from NODE_HEAPDUMP_OPTIONS; called once, at require time. Windows has no
 * SIGUSR2: there it is a documented no-op (README), not an error thrown by require.
 */
function setup(env = process.env, platform = process.platform) {
  const opts = parseOptions(env.NODE_HEAPDUMP_OPTIONS);
  if (platform === 'win32') opts.signal = false;
  if (!opts.signal) return opts;
  const signum = os.constants.signals[SNAPSHOT_SIGNAL];
  listen(SNAPSHOT_SIGNAL);
  native.reinstallSignalHandler(signum);
  keepInstalled(SNAPSHOT_SIGNAL, signum);
  let cpu;
  if (opts.cpuprofile) {
    cpu = { signal: os.constants.signals[opts.cpusignal], seconds: opts.cpuprofile };
    listen(opts.cpusignal);
    native.reinstallSignalHandler(cpu.signal);
    keepInstalled(opts.cpusignal, cpu.signal);
  }
  client.prestart({ signals: { snapshot: signum, cpu, dir: opts.dir, gzip: opts.gzip } });
  return opts;
}

module.exports = { parseOptions, setup };
