'use strict';
// `rsheapdump stalls <pid>`: event-loop stalls of another Node process, which has nothing of ours
// installed, with the stuck thread's stack and a CPU profile of each stall.
//
// The in-process watch (lib/stall/watch.js) has a native watchdog; here the detector is this
// process: it keeps one "has the loop turned?" probe outstanding in the target
// (`new Promise((r) => setImmediate(r))`, which resolves only on a turn; a plain evaluate would be
// answered by interrupt even by a stuck loop), and when one goes unanswered for the threshold it
// takes the stack and starts a profile through the same inspector session (lib/stall/capture.js,
// which the in-process watch uses too). Wall time: the target's CPU clock is not visible from here.

const fs = require('node:fs');
const path = require('node:path');
const { UsageError, parse } = require('./common');
const { pidArg, duration, withTarget, attachOptions, attachUsage } = require('./attach-common');
const { captureStack, startProfile, stopProfile } = require('../stall/capture');
const { formatReport, topFunctions } = require('../stall/format');

const summary = "event-loop stalls of a running Node process, by pid, with the stuck thread's stack";

const usage = `Usage: rsheapdump stalls <pid> [options]

Attaches to the process (opening its inspector on 127.0.0.1 with SIGUSR1 if it is not open, and
closing it afterwards) and watches its event loop for the duration: each time the loop does not
turn for the threshold, the main thread's JavaScript stack is taken while it is stuck and a CPU
profile recorded until the loop turns again; one line per stall, as NODE_HEAPDUMP_OPTIONS=stall
prints it (a stall that goes on: a line per --interval while it lasts). Ctrl-C stops early.

Options:
  -t, --threshold T      a stall is the loop not turning for this long: 100ms (default), 1s
  -d, --duration T       how long to watch: 60s (default), 10m
      --interval T       while a stall lasts, a line per this long: 10s (default)
      --dir DIR          where the stalls' .cpuprofile files go (default: the cwd)
      --no-profile       take stacks only, no CPU profile (the profile deoptimizes the target's
                         code once per stall, as startCpuProfile does)
${attachUsage}
  -h, --help             show this help
`;

// As lib/stall/worker.js: a probe answered this fast ran while JavaScript was running.
const FAST_PROBE_MS = 50;

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const within = (promise, ms, fallback) => Promise.race([promise, sleep(ms).then(() => fallback)]);

// Through the one sink owner, as every other capture: 0600 even over a stale .partial, fsync
// before the rename, and no .partial left if the write fails.
async function writeProfile(profile, dir, pid) {
  const { profileFilename } = require('../names');
  const { withSink } = require('../sink');
  const written = await withSink(profileFilename('cpu', dir, pid), null, (sink) => sink.write(Buffer.from(JSON.stringify(profile))));
  return written.path;
}

/**
 * Watches `post`'s target until `until` (a time) or `signal`; calls `report(r)` for each stall
 * (and, with `r.ongoing`, while one lasts). Resolves when done.
 */
async function watchRemote(post, { thresholdMs, until, intervalMs, profile, dir, pid, signal, report }) {
  const tick = Math.min(100, Math.max(2, thresholdMs / 5));
  const turnProbe = () => post('Runtime.evaluate', { expression: 'new Promise((r) => setImmediate(() => r(true)))', awaitPromise: true, returnByValue: true });
  while (Date.now() < until && !signal.aborted) {
    const sent = performance.now();
    const sentAt = Date.now();
    let turnedAt = null;
    const turned = turnProbe().then(
      () => (turnedAt = performance.now()),
      () => (turnedAt = performance.now()),
    );
    const first = await Promise.race([turned.then(() => 'turned'), sleep(thresholdMs, signal).then(() => 'stall')]);
    if (first === 'turned') {
      await sleep(tick, signal);
      continue;
    }
    if (signal.aborted) break;
    // Stuck: the stack now (by interrupt), and a profile until the loop turns.
    const asked = performance.now();
    const stack = captureStack(post).then(
      ({ frames }) => ({ frames, fast: performance.now() - asked <= FAST_PROBE_MS, during: turnedAt === null }),
      () => null,
    );
    const profiling = profile ? startProfile(post).then(() => true, () => false) : null;
    let lastLine = performance.now();
    while (turnedAt === null && Date.now() < until && !signal.aborted) {
      await Promise.race([turned, sleep(Math.max(0, intervalMs - (performance.now() - lastLine)), signal)]);
      if (turnedAt !== null || signal.aborted || Date.now() >= until) break;
      lastLine = performance.now();
      const fresh = await within(captureStack(post), 1000, null);
      report({ ongoing: true, durationMs: performance.now() - sent, stack: fresh?.frames ?? (await within(stack, 0, null))?.frames ?? null });
    }
    const s = await within(stack, 2000, null);
    const useful = s && s.during ? s : null;
    const r = {
      startedAt: sentAt,
      durationMs: (turnedAt ?? performance.now()) - sent,
      blockedBy: useful ? (useful.fast ? 'javascript' : 'native') : 'unknown',
      stack: useful ? useful.frames : null,
    };
    if (turnedAt === null) r.ongoing = true;
    if (profiling && (await profiling)) {
      try {
        r.profile = await writeProfile(await stopProfile(post), dir, pid);
        r.top = topFunctions(await require('../native').analyzeCpuProfile(r.profile, { limit: 7 }));
      } catch (err) {
        r.profileError = err.message;
      }
    }
    report(r);
  }
}

async function main(argv) {
  const { values, positionals } = parse(argv, {
    threshold: { type: 'string', short: 't' },
    duration: { type: 'string', short: 'd' },
    interval: { type: 'string' },
    dir: { type: 'string' },
    'no-profile': { type: 'boolean' },
    ...attachOptions,
  });
  const pid = pidArg(positionals);
  const thresholdMs = values.threshold === undefined ? 100 : duration(values.threshold, 'threshold', 'ms');
  if (thresholdMs < 10) throw new UsageError(`--threshold must be at least 10ms, got '${values.threshold}'`);
  const durationMs = values.duration === undefined ? 60_000 : duration(values.duration, 'duration');
  const intervalMs = values.interval === undefined ? 10_000 : duration(values.interval, 'interval');
  const dir = path.resolve(values.dir ?? '.');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--dir must be an existing directory, got '${values.dir}'`);
  return withTarget(pid, values, async (target, signal) => {
    const reports = [];
    if (!values.json) process.stderr.write(`rsheapdump: watching for ${durationMs / 1000} s, threshold ${thresholdMs} ms (Ctrl-C stops early)\n`);
    const post = (method, params) => target.cdp.post(method, params);
    await watchRemote(post, {
      thresholdMs,
      until: Date.now() + durationMs,
      intervalMs,
      profile: !values['no-profile'],
      dir,
      pid,
      signal,
      report: (r) => {
        // A stall's own report has blockedBy; the lines while one lasts do not.
        if (r.blockedBy) reports.push(r);
        if (!values.json) process.stdout.write(`${formatReport(r)}\n`);
      },
    });
    if (values.json) process.stdout.write(JSON.stringify({ pid, nodeVersion: target.nodeVersion, thresholdMs, stalls: reports }, null, 2) + '\n');
    else process.stderr.write(`rsheapdump: ${reports.length} stall${reports.length === 1 ? '' : 's'} of ${thresholdMs} ms or more\n`);
    return 0;
  });
}

module.exports = { summary, usage, main, watchRemote };
