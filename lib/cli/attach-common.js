'use strict';
// What the commands that attach to a running process by pid share: the pid argument, durations
// and intervals with units, Ctrl-C handling, and detaching (closing the inspector) whatever happens.

const { UsageError } = require('./common');

/** The one positional argument: a pid. */
function pidArg(positionals) {
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give one pid' : 'missing the pid (see rsheapdump ps)');
  if (!/^\d+$/.test(positionals[0]) || Number(positionals[0]) <= 0) throw new UsageError(`the pid must be a positive whole number, got '${positionals[0]}'`);
  return Number(positionals[0]);
}

const TIME_UNITS = { us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000 };

/** '10s', '500ms', '2m', '250us' -> milliseconds; a bare number is in `bareUnit`. */
function duration(value, option, bareUnit = 's') {
  const m = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m)?$/.exec(String(value).trim());
  if (!m) throw new UsageError(`--${option} must be a number with a unit (us, ms, s, m), e.g. 10s or 500ms; got '${value}'`);
  const ms = Number(m[1]) * TIME_UNITS[m[2] ?? bareUnit];
  if (!(ms > 0)) throw new UsageError(`--${option} must be more than 0, got '${value}'`);
  return ms;
}

/** '32768', '32k', '32KiB', '1m' -> bytes (a whole number). */
function byteSize(value, option) {
  const m = /^(\d+)\s*(k|kb|kib|m|mb|mib)?$/i.exec(String(value).trim());
  if (!m) throw new UsageError(`--${option} must be a whole number of bytes (k and m suffixes allowed), got '${value}'`);
  const unit = (m[2] || '').toLowerCase();
  return Number(m[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1);
}

/** The --timeout option (how long to wait for the inspector to open), in ms. */
function timeoutOf(values) {
  return values.timeout === undefined ? undefined : Math.round(duration(values.timeout, 'timeout'));
}

const attachOptions = {
  timeout: { type: 'string' },
  json: { type: 'boolean' },
};

const attachUsage = `      --timeout T        how long to wait for the inspector to open after SIGUSR1 (default 5s)
      --json             print the result as JSON`;

/**
 * Attaches to `pid`, runs `work(target, signal)` and detaches, whatever happens. Ctrl-C (SIGINT)
 * or SIGTERM aborts `signal` (the work decides what that means: a profile stops early and is still
 * written, a snapshot is abandoned and its .partial file removed); a second one exits at once.
 */
async function withTarget(pid, values, work) {
  const { attach } = require('../attach');
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`\nrsheapdump: ${sig} again: exiting without waiting for the target\n`);
      process.exit(1);
    }
    process.stderr.write(`\nrsheapdump: ${sig}: stopping; the target finishes what V8 cannot cancel, then its inspector is closed (${sig} again exits at once)\n`);
    ac.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let target;
  try {
    target = await attach(pid, { timeoutMs: timeoutOf(values), signal: ac.signal });
    if (!values.json) {
      const how = target.inspector.openedByAttach ? 'opened with SIGUSR1, closed when done' : 'already open, left open';
      process.stderr.write(`rsheapdump: attached to process ${pid} (Node ${target.nodeVersion}); inspector on ${target.inspector.host}:${target.inspector.port} (${how})\n`);
    }
    return await work(target, ac.signal);
  } finally {
    if (target) {
      const { inspectorClosed } = await target.detach().catch(() => ({ inspectorClosed: false }));
      if (!inspectorClosed) {
        process.stderr.write(`rsheapdump: warning: could not verify that process ${pid}'s inspector on port ${target.inspector.port} closed; check with 'rsheapdump ps'\n`);
      }
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

module.exports = { pidArg, duration, byteSize, withTarget, attachOptions, attachUsage };
