'use strict';
// What the stall watch asks of a stuck main thread, through nothing but an inspector `post(method,
// params)` that resolves to the result: the capture worker's own session uses it, and so can a
// remote DevTools-protocol client attached to a process by pid. Both reach the main thread by V8
// interrupt, which V8 serves while JavaScript runs (at function entries and loop back edges), not
// during a GC or inside a native call: the answer then comes as that ends.

const { CPU_INTERVAL_US } = require('../defaults');

const PROBE_URL = 'rsheapdump-stall-probe';
// Where a process with a stall watch keeps its loop's turn count (lib/stall/watch.js), so the
// probe can tell whether the loop had turned again when the stack was taken.
const TURNS = "Symbol.for('rsheapdump.loopTurns')";
const STACK_LIMIT = 64;

// Evaluated on the main thread. V8's structured call sites give function, file, line, column
// and whether a frame is an async one (V8 keeps those for `await` chains at no cost). The
// app's own Error.prepareStackTrace (source-map-support, ...) is set aside for this one stack
// and put back. If Error is frozen, the text stack is returned instead.
const PROBE = `(() => {
  const E = Error;
  let stack;
  try {
    const prepare = E.prepareStackTrace, limit = E.stackTraceLimit;
    E.stackTraceLimit = ${STACK_LIMIT};
    E.prepareStackTrace = (_, sites) => sites.map((s) => [s.getFunctionName(), s.isToplevel() || s.isConstructor() ? null : s.getTypeName(), s.getMethodName(), s.getFileName() || s.getScriptNameOrSourceURL(), s.getLineNumber(), s.getColumnNumber(), s.isAsync ? s.isAsync() : false]);
    try { stack = new E().stack; } finally { E.prepareStackTrace = prepare; E.stackTraceLimit = limit; }
  } catch { stack = null; }
  const turns = typeof globalThis[${TURNS}] === 'function' ? globalThis[${TURNS}]() : null;
  return { turns, stack: Array.isArray(stack) ? stack : String(new E().stack) };
})()
//# sourceURL=${PROBE_URL}`;

/** A frame as the report gives it: 1-based line and column, `async` for an awaiting caller. */
function frame(functionName, url, line, column, isAsync) {
  return { functionName: functionName || '(anonymous)', url: url || '', line: line ?? 0, column: column ?? 0, async: !!isAsync };
}

/** Frames from a V8 text stack (`    at fn (file:line:col)`), for when call sites are unavailable. */
function parseTextStack(text) {
  const frames = [];
  for (const raw of String(text).split('\n').slice(1)) {
    const m = /^\s*at (async )?(?:(.*?) \((.*?)(?::(\d+):(\d+))?\)|(.*?)(?::(\d+):(\d+))?)$/.exec(raw);
    if (!m) continue;
    const [, isAsync, fn, url1, l1, c1, url2, l2, c2] = m;
    const url = fn !== undefined ? url1 : url2;
    if (url === PROBE_URL) continue;
    frames.push(frame(fn, url, Number(l1 ?? l2) || 0, Number(c1 ?? c2) || 0, isAsync));
  }
  return frames;
}

/** The probe's result as frames, the probe's own frames removed. */
function toFrames(value) {
  if (typeof value === 'string') return parseTextStack(value);
  if (!Array.isArray(value)) return [];
  return value
    .filter((s) => s[3] !== PROBE_URL)
    .map(([fn, type, method, url, line, column, isAsync]) => {
      let name = fn;
      if (type && method && (!fn || !fn.includes('.'))) name = `${type}.${fn || method}`;
      return frame(name, url, line, column, isAsync);
    });
}

/**
 * The main thread's JavaScript stack right now (or as soon as V8 serves the interrupt):
 * `{ frames, turns }`, `turns` being the loop's turn count then if a stall watch runs in the
 * process (else null).
 */
async function captureStack(post) {
  const { result, exceptionDetails } = await post('Runtime.evaluate', { expression: PROBE, silent: true, returnByValue: true });
  if (exceptionDetails) throw new Error(`the stack probe failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return { frames: toFrames(result?.value?.stack), turns: result?.value?.turns ?? null };
}

// See lib/worker/profile.js: a loop already running when the profile starts was compiled with
// on-stack replacement, which V8's profiler does not attribute; switching precise coverage on
// and off deoptimizes everything, so the stuck function shows under its own name. Coverage mode
// is process-wide, so this is skipped when Node collects coverage (NODE_V8_COVERAGE).
async function deoptimizeAll(post) {
  if (process.env.NODE_V8_COVERAGE) return;
  try {
    await post('Profiler.startPreciseCoverage', { callCount: false, detailed: false });
    await post('Profiler.stopPreciseCoverage');
  } catch {
    // Attribution of code optimized earlier stays as V8 has it; the profile is still valid.
  }
}

/** Starts a CPU profile of the main thread (sampling every `intervalUs`). */
async function startProfile(post, { intervalUs = CPU_INTERVAL_US.default, deoptimize = true } = {}) {
  await post('Profiler.enable');
  // Fails while another session profiles (the interval is V8-wide then): that interval is kept.
  await post('Profiler.setSamplingInterval', { interval: intervalUs }).catch(() => {});
  await post('Profiler.start');
  if (deoptimize) await deoptimizeAll(post);
}

/** Stops the profile startProfile began; resolves to the profile object (`.cpuprofile` JSON). */
async function stopProfile(post) {
  try {
    const { profile } = await post('Profiler.stop');
    return profile;
  } finally {
    await post('Profiler.disable').catch(() => {});
  }
}

module.exports = { captureStack, startProfile, stopProfile, parseTextStack, toFrames, PROBE_URL, TURNS_KEY: Symbol.for('rsheapdump.loopTurns') };
