'use strict';
// rsheapdump.attach(pid): a DevTools protocol session with another Node process that loaded
// nothing of ours, and what the CLI does with it (heap snapshot, CPU / heap profile, stack).
//
// Order of checks, so that a process is never harmed by the attempt: it exists and is ours to
// touch, it runs Node, it shares our network namespace, no other rsheapdump is attached; only then
// is an already open inspector looked for, and only then, if none is, is SIGUSR1 sent (after
// checking that it handles the signal and that its port is free). The endpoint must be a socket in
// the target's own fd table and answer `process.pid` with the target's pid before any command.

const fs = require('node:fs');
const path = require('node:path');
const proc = require('./proc');
const inspector = require('./inspector');
const cdp = require('./cdp');
const lock = require('./lock');
const { rsError, invalidArgType, invalidArgValue } = require('../errors');
const { CPU_INTERVAL_US, HEAP_INTERVAL_BYTES } = require('../defaults');

// The expression that identifies the process behind an endpoint.
const IDENTIFY = '({ pid: process.pid, version: process.version, v8: process.versions.v8 })';

// The main thread's JavaScript stack as structured frames. Evaluated by interrupt, so it sees the
// frames of a thread stuck in a loop; the frames of this expression itself carry its sourceURL and
// are dropped. Error.prepareStackTrace and the limit are the app's again afterwards.
const STACK_URL = 'rsheapdump-stack.js';
const STACK = `(() => {
  const prepare = Error.prepareStackTrace, limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  Error.prepareStackTrace = (_, sites) => sites.map((s) => ({
    functionName: s.getFunctionName() || '', typeName: s.isToplevel() ? '' : (s.getTypeName() || ''),
    methodName: s.getMethodName() || '', url: s.getFileName() || s.getScriptNameOrSourceURL() || '',
    line: s.getLineNumber() || 0, column: s.getColumnNumber() || 0,
    native: s.isNative(), constructor: s.isConstructor(), async: typeof s.isAsync === 'function' && s.isAsync(),
  }));
  try { return new Error().stack; } finally { Error.prepareStackTrace = prepare; Error.stackTraceLimit = limit; }
})()
//# sourceURL=${STACK_URL}`;

function validatePid(pid) {
  if (typeof pid !== 'number') throw invalidArgType('pid', 'of type number', pid);
  if (!Number.isInteger(pid) || pid <= 0 || pid > 0x3fffffff) throw invalidArgValue('pid', pid, 'must be a positive integer', RangeError);
  if (pid === process.pid) throw invalidArgValue('pid', pid, 'is this process itself (use writeSnapshot and the profile functions in-process)', RangeError);
  return pid;
}

function validateAttachOptions(options) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  if (options.timeoutMs !== undefined && !(Number.isInteger(options.timeoutMs) && options.timeoutMs > 0)) {
    throw invalidArgValue('options.timeoutMs', options.timeoutMs, 'must be a positive integer', RangeError);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', options.signal);
  return options;
}

/** Refuses a process in another network namespace: its 127.0.0.1 is not ours. */
function checkNamespace(pid) {
  const mine = proc.namespace('self', 'net');
  const theirs = proc.namespace(pid, 'net');
  if (mine && theirs && mine !== theirs) {
    throw rsError(
      'NAMESPACE',
      `process ${pid} is in another network namespace (a container): its inspector on 127.0.0.1 cannot be reached from here, and it was not signalled. ` +
        `Fix: run rsheapdump inside the container (docker exec / kubectl exec), or as root enter its network namespace: nsenter -t ${pid} -n rsheapdump <command> ${pid}`,
      { pid },
    );
  }
}

/**
 * Attaches to process `pid`: resolves to an AttachedProcess. Opens the inspector with SIGUSR1 if
 * none is open (detach() closes it again); an inspector that was open stays open.
 */
async function attach(pid, options) {
  pid = validatePid(pid);
  const { timeoutMs = 5000, signal } = validateAttachOptions(options);
  proc.checkAccess(pid);
  const st = proc.status(pid);
  if (!proc.isNode(pid)) {
    let exe = '?';
    try {
      exe = proc.exe(pid);
    } catch {
      // shown as '?'
    }
    throw rsError('NOT_NODE', `process ${pid} (${exe}) is not a Node.js process; it was not signalled`, { pid });
  }
  checkNamespace(pid);
  const started = proc.startTicks(pid);
  const release = lock.acquire(pid, started);
  let found = null;
  let openedByUs = false;
  let client = null;
  try {
    found = await inspector.findOpen(pid);
    if (!found) {
      found = await inspector.open(pid, st, { timeoutMs, signal });
      openedByUs = true;
    }
    client = await cdp.connect(found.url, { timeoutMs });
    const { result, exceptionDetails } = await withTimeout(client.post('Runtime.evaluate', { expression: IDENTIFY, returnByValue: true }), timeoutMs, () =>
      rsError('INSPECTOR_TIMEOUT', `process ${pid}'s inspector did not answer within ${timeoutMs} ms`, { pid }),
    );
    const who = result?.value;
    if (exceptionDetails || !who || who.pid !== proc.innerPid(st, pid)) {
      throw rsError('TARGET_MISMATCH', `the inspector on port ${found.port} answered as pid ${who?.pid}, not as process ${pid}; nothing was sent to it`, { pid });
    }
    return new AttachedProcess({ pid, started, st, found, openedByUs, client, release, version: who.version, v8: who.v8 });
  } catch (err) {
    if (!openedByUs && err.signalled) {
      // Interrupted after SIGUSR1: an inspector that opened meanwhile is ours to close.
      await new Promise((r) => setTimeout(r, 200));
      const late = await inspector.findOpen(pid).catch(() => null);
      if (late) {
        found = late;
        openedByUs = true;
      }
    }
    if (openedByUs) {
      // We opened it: close it again, even if identification failed.
      if (!client) client = await cdp.connect(found.url, { timeoutMs }).catch(() => null);
      if (client) await inspector.close(pid, client, found.port).catch(() => {});
    }
    if (client) client.close();
    release();
    throw await exited(pid, started, err);
  }
}

function withTimeout(promise, ms, error) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(error()), ms)))]).finally(() => clearTimeout(timer));
}

/** Whether `pid` is still the process that started at `started`. */
function stillRunning(pid, started) {
  try {
    return proc.startTicks(pid) === started && !proc.isZombie(pid);
  } catch {
    return false;
  }
}

/**
 * A lost connection to a process that is gone becomes ERR_RSHEAPDUMP_TARGET_EXITED. The socket
 * closes while the kernel tears the process down, a moment before it is a zombie or gone (Node 26
 * lost that race here), so a lost connection is given up to 500 ms to turn out as an exit.
 */
async function exited(pid, started, err, what = 'the command') {
  const lost = err && (err.code === 'ERR_RSHEAPDUMP_DISCONNECTED' || err.code === 'ERR_RSHEAPDUMP_INSPECTOR_TIMEOUT');
  if (!lost) return err;
  for (let i = 0; i < 25 && stillRunning(pid, started); i++) {
    if (err.code !== 'ERR_RSHEAPDUMP_DISCONNECTED') return err;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (stillRunning(pid, started)) return err;
  const e = rsError('TARGET_EXITED', `process ${pid} exited during ${what}; nothing was written`, { pid });
  e.cause = err;
  return e;
}

function abortedError(what) {
  return rsError('ABORTED', `${what} was interrupted; nothing was written`);
}

/** Resolves after `ms`, or early when `signal` aborts (the profile is then still written). */
function waitFor(ms, signal, client) {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      client.off('close', lost);
      resolve();
    };
    const lost = (err) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      reject(err);
    };
    const timer = setTimeout(done, ms);
    if (signal?.aborted) return done();
    signal?.addEventListener('abort', done, { once: true });
    client.once('close', lost);
  });
}

/** Races `promise` with `signal`: an abort rejects with ERR_RSHEAPDUMP_ABORTED. */
function abortable(promise, signal, what) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortedError(what));
  let onAbort;
  return Promise.race([promise, new Promise((_, reject) => signal.addEventListener('abort', (onAbort = () => reject(abortedError(what))), { once: true }))]).finally(() =>
    signal.removeEventListener('abort', onAbort),
  );
}

/** A process we are attached to; every method needs the session to be open (until detach). */
class AttachedProcess {
  #s;

  constructor(s) {
    this.#s = s;
    /** The target's pid (as seen from here). */
    this.pid = s.pid;
    /** The target's Node version, e.g. 'v24.1.0'. */
    this.nodeVersion = s.version;
    /** The inspector endpoint: port and whether rsheapdump opened it (and so closes it on detach). */
    this.inspector = { host: s.found.host, port: s.found.port, openedByAttach: s.openedByUs };
    /** The protocol client (post / events), for commands of your own. */
    this.cdp = s.client;
  }

  get #v8Major() {
    return Number.parseInt(this.#s.v8, 10);
  }

  #fail(err, what) {
    return exited(this.#s.pid, this.#s.started, err, what);
  }

  /** Whether the target's event loop turns (an immediate runs within `ms`). */
  async loopTurns(ms = 500) {
    const probe = this.#s.client.post('Runtime.evaluate', { expression: 'new Promise((r) => setImmediate(() => r(true)))', awaitPromise: true, returnByValue: true });
    probe.catch(() => {});
    let timer;
    const late = new Promise((r) => (timer = setTimeout(() => r(false), ms)));
    try {
      return await Promise.race([probe.then((x) => x.result?.value === true), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Heap snapshot of the target's main thread into `filename` (gzip by default). Resolves to
   * { path, bytes, rawBytes, pauseMs, method }.
   */
  async writeSnapshot(filename, options = {}) {
    const { resolveTarget, diagnosticFilename } = require('../names');
    if (filename !== undefined && filename !== null && typeof filename !== 'string') throw invalidArgType('filename', 'of type string', filename);
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
    const gzip = options.gzip ?? true;
    const { file, level } = resolveTarget(filename ?? diagnosticFilename('Heap', 'heapsnapshot', process.cwd(), this.pid), { gzip });
    let method = options.method ?? 'auto';
    if (!['auto', 'inspector', 'interrupt'].includes(method)) throw invalidArgValue('options.method', method, "must be 'auto', 'inspector' or 'interrupt'");
    const auto = method === 'auto';
    try {
      if (auto) {
        // V8's own writer run by interrupt pauses the target no longer than v8.writeHeapSnapshot
        // in it (it is that): 0.94x on Node 20 and 1.06x on Node 24 in bench/attach.js, where the
        // protocol's chunk stream cost 1.37x and 2.00x on this 2-core machine. It is also the only
        // way into a stuck main thread on V8 12+, which runs a protocol snapshot from the event loop.
        try {
          return { ...(await this.#snapshotInterrupt(file, level, options)), method: 'interrupt' };
        } catch (err) {
          // The target could not create its file (another user, no write access to the output's
          // directory): nothing was paused; the protocol streams it to us instead, if it can run.
          if (!err.beforePause) throw err;
          if (this.#v8Major >= 12 && !(await this.loopTurns())) throw err;
          method = 'inspector';
        }
      }
      const out = method === 'inspector' ? await this.#snapshotInspector(file, level, options) : await this.#snapshotInterrupt(file, level, options);
      return { ...out, method };
    } catch (err) {
      throw await this.#fail(err, 'the heap snapshot');
    }
  }

  async #snapshotInspector(file, level, { onProgress, signal, captureNumericValue }) {
    const { withSink } = require('../sink');
    const { client } = this.#s;
    // Resolves to { path, bytes, rawBytes, pauseMs }; the file is removed on any failure.
    return withSink(file, level, async (sink) => {
      let failed = null;
      let taking = null;
      const onChunk = (p) => {
        if (failed) return;
        try {
          sink.write(p.chunk);
        } catch (err) {
          failed = err;
        }
      };
      const onReport = (p) => onProgress && onProgress(p.done, p.total);
      client.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
      client.on('HeapProfiler.reportHeapSnapshotProgress', onReport);
      try {
        // V8 before 12 finds each function's line by scanning its script unless the script's line
        // ends are known; Debugger.enable computes them (23 s -> 0.7 s with a 9 MB bundle loaded).
        const warm = this.#v8Major < 12 ? [client.post('Debugger.enable'), client.post('Debugger.disable')].map((p) => p.catch(() => {})) : [];
        const t0 = performance.now();
        taking = client.post('HeapProfiler.takeHeapSnapshot', { reportProgress: !!onProgress, captureNumericValue: !!captureNumericValue });
        await abortable(taking, signal, 'the heap snapshot');
        const pauseMs = performance.now() - t0;
        await Promise.all(warm);
        if (failed) throw failed;
        return { pauseMs };
      } catch (err) {
        // V8 cannot cancel a snapshot: let it finish (its chunks are dropped) before the caller
        // closes the inspector. Closed mid-snapshot, Node 20's inspector printed "Debugger ending"
        // yet kept listening for good (measured).
        failed = failed ?? err;
        if (taking) await taking.catch(() => {});
        throw err;
      } finally {
        client.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
        client.off('HeapProfiler.reportHeapSnapshotProgress', onReport);
      }
    });
  }

  /**
   * V8's own writer (v8.writeHeapSnapshot), run in the target by interrupt, into a private
   * directory next to the output (the space the user chose; the target's /tmp through
   * /proc/<pid>/root when it has another mount namespace); then copied through our writer (gzip,
   * 0600, rename) and removed. onProgress(bytes, 0) while V8 writes, then (done, total) copying.
   */
  async #snapshotInterrupt(file, level, { onProgress, signal, captureNumericValue }) {
    const { withSink } = require('../sink');
    const { pid, st, client } = this.#s;
    // Opened first: a bad output path fails before the target is paused. Resolves to
    // { path, bytes, rawBytes, pauseMs }; the file is removed on any failure.
    return withSink(file, level, async (sink) => {
      let dir = null;
      let poll = null;
      let evaluating = null;
      try {
        const sameMounts = proc.namespace('self', 'mnt') === proc.namespace(pid, 'mnt');
        const base = sameMounts ? path.dirname(file) : path.join('/proc', String(pid), 'root', 'tmp');
        dir = fs.mkdtempSync(path.join(base, '.rsheapdump-'));
        const raw = path.join(dir, 'snapshot.heapsnapshot');
        const targetRaw = sameMounts ? raw : path.join('/tmp', path.basename(dir), 'snapshot.heapsnapshot');
        fs.writeFileSync(raw, '', { mode: 0o600 });
        const uid = Number((st.Uid || '').split(/\s+/)[1]);
        const gid = Number((st.Gid || '').split(/\s+/)[1]);
        if (process.getuid() === 0 && Number.isInteger(uid) && uid !== 0) {
          fs.chownSync(dir, uid, gid);
          fs.chownSync(raw, uid, gid);
        }
        // V8 before 12: the line-end warm-up matters as much to V8's own writer (DESIGN §3).
        const warm = this.#v8Major < 12 ? [client.post('Debugger.enable'), client.post('Debugger.disable')].map((p) => p.catch(() => {})) : [];
        const expression = `(() => { const v8 = process.getBuiltinModule ? process.getBuiltinModule('v8') : require('v8');
          const t = performance.now(); v8.writeHeapSnapshot(${JSON.stringify(targetRaw)}, { exposeNumericValues: ${!!captureNumericValue} });
          return performance.now() - t; })()`;
        if (onProgress) {
          poll = setInterval(() => {
            try {
              onProgress(fs.statSync(raw).size, 0);
            } catch {
              // gone: aborted
            }
          }, 100);
        }
        evaluating = client.post('Runtime.evaluate', { expression, includeCommandLineAPI: true, returnByValue: true, silent: true });
        const r = await abortable(evaluating, signal, 'the heap snapshot');
        await Promise.all(warm);
        clearInterval(poll);
        if (r.exceptionDetails) {
          const why = r.exceptionDetails.exception?.description ?? r.exceptionDetails.text;
          const errno = /\b(E[A-Z0-9]+): /.exec(why)?.[1];
          const err = errno
            ? Object.assign(new Error(`${errno}: V8 could not write the snapshot in process ${pid} (${why.split('\n')[0]})`), { code: errno, syscall: /, (\w+) '/.exec(why)?.[1], path: targetRaw })
            : rsError('SNAPSHOT', `V8 could not write the snapshot in process ${pid}: ${why.split('\n')[0]}`);
          // An open that failed happens before V8 builds anything: the target was not paused.
          err.beforePause = /\b(EACCES|EPERM|ENOENT|EROFS)\b/.test(why) && /\bopen\b/.test(why);
          throw err;
        }
        const pauseMs = r.result.value;
        const total = fs.statSync(raw).size;
        let done = 0;
        for await (const chunk of fs.createReadStream(raw, { highWaterMark: 1 << 20 })) {
          if (signal?.aborted) throw abortedError('the heap snapshot');
          sink.write(chunk);
          done += chunk.length;
          if (onProgress) onProgress(done, total);
        }
        return { pauseMs };
      } catch (err) {
        // As in #snapshotInspector: the caller closes the inspector only after V8 is done.
        if (evaluating && signal?.aborted) await evaluating.catch(() => {});
        throw err;
      } finally {
        clearInterval(poll);
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  async #profile(kind, { durationMs, interval, filename, gzip, signal, includeCollected }) {
    const { Sink } = require('../sink');
    const { resolveTarget, profileFilename } = require('../names');
    const { client } = this.#s;
    const cpu = kind === 'cpu';
    const { file, level } = resolveTarget(filename ?? profileFilename(kind, process.cwd(), this.pid), { gzip: gzip ?? false });
    // Opened first: a bad path fails before the target does any work (and as it is, not
    // through #fail). The file is removed on any failure after.
    const sink = Sink.open(file, level);
    let started = false;
    try {
      return await sink.complete(async () => {
        if (cpu) {
          await client.post('Profiler.enable');
          await client.post('Profiler.setSamplingInterval', { interval });
          await client.post('Profiler.start');
        } else {
          // Collected objects too, by default: what allocates matters more here than what is still alive.
          await client.post('HeapProfiler.startSampling', {
            samplingInterval: interval,
            includeObjectsCollectedByMajorGC: includeCollected,
            includeObjectsCollectedByMinorGC: includeCollected,
          });
        }
        started = true;
        // Code optimized before the start is attributed to its caller (an inlined function vanishes
        // into it: Node 22.0 put a busy function's samples on listOnTimeout), so a loop already
        // running would be missing. Precise coverage on and off deoptimizes everything (as
        // in-process, lib/worker/profile.js); it is isolate-wide, so skipped when the target
        // collects coverage itself (NODE_V8_COVERAGE).
        if (!proc.environ(this.pid, 'NODE_V8_COVERAGE')) {
          await client.post('Profiler.startPreciseCoverage', { callCount: false, detailed: false }).catch(() => {});
          await client.post('Profiler.stopPreciseCoverage').catch(() => {});
        }
        const t0 = performance.now();
        await waitFor(durationMs, signal, client);
        const { profile } = await client.post(cpu ? 'Profiler.stop' : 'HeapProfiler.stopSampling');
        started = false;
        const elapsedMs = performance.now() - t0;
        if (cpu) await client.post('Profiler.disable').catch(() => {});
        sink.write(JSON.stringify(profile));
        return { durationMs: elapsedMs };
      });
    } catch (err) {
      // Leave no profiler running in the target.
      if (started && !client.closed) await client.post(cpu ? 'Profiler.stop' : 'HeapProfiler.stopSampling').catch(() => {});
      throw await this.#fail(err, cpu ? 'the CPU profile' : 'the heap profile');
    }
  }

  /**
   * CPU profile for `durationMs` (default 10 s; an abort of `signal` stops early and still writes).
   * Resolves to { path, bytes, rawBytes, durationMs }.
   */
  cpuProfile(options = {}) {
    const o = profileOptions(options, 'intervalUs', CPU_INTERVAL_US);
    return this.#profile('cpu', o);
  }

  /**
   * Sampling heap profile, as cpuProfile; `intervalBytes` is the mean sampling interval (32 KiB);
   * `includeCollected` (default true) keeps samples of objects the GC has collected since.
   */
  heapProfile(options = {}) {
    const o = profileOptions(options, 'intervalBytes', HEAP_INTERVAL_BYTES);
    return this.#profile('heap', o);
  }

  /**
   * The main thread's JavaScript stack now: { frames: [{ functionName, url, line, column, ... }],
   * idle } (idle: no JavaScript was running; the thread waits in the event loop).
   */
  async stack() {
    try {
      const r = await this.#s.client.post('Runtime.evaluate', { expression: STACK, returnByValue: true, silent: true });
      if (r.exceptionDetails) throw rsError('INSPECTOR', `could not read the stack of process ${this.pid}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      const frames = (r.result.value || []).filter((f) => f.url !== STACK_URL);
      return { frames, idle: frames.length === 0 };
    } catch (err) {
      throw await this.#fail(err, 'the stack dump');
    }
  }

  /**
   * Ends the session. An inspector that attach opened is closed and the close verified (the port
   * no longer listens); resolves to { inspectorClosed } (true also when it was never ours to close).
   */
  async detach({ timeoutMs = 10000 } = {}) {
    const s = this.#s;
    if (s.detached) return { inspectorClosed: true };
    s.detached = true;
    try {
      let closed = true;
      if (s.openedByUs && stillRunning(s.pid, s.started)) closed = await inspector.close(s.pid, s.client, s.found.port, { timeoutMs });
      return { inspectorClosed: closed };
    } finally {
      s.client.close();
      s.release();
    }
  }
}

function profileOptions(options, intervalName, range) {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const durationMs = options.durationMs ?? 10000;
  if (!(Number.isFinite(durationMs) && durationMs > 0)) throw invalidArgValue('options.durationMs', durationMs, 'must be a positive number', RangeError);
  const interval = options[intervalName] ?? range.default;
  if (!Number.isInteger(interval) || interval < range.min || interval > range.max) {
    throw invalidArgValue(`options.${intervalName}`, interval, `must be an integer from ${range.min} to ${range.max}`, RangeError);
  }
  if (options.filename !== undefined && typeof options.filename !== 'string') throw invalidArgType('options.filename', 'of type string', options.filename);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', options.signal);
  if (options.includeCollected !== undefined && typeof options.includeCollected !== 'boolean') throw invalidArgType('options.includeCollected', 'of type boolean', options.includeCollected);
  return { durationMs, interval, filename: options.filename, gzip: options.gzip, signal: options.signal, includeCollected: options.includeCollected ?? true };
}

module.exports = { attach, AttachedProcess, validatePid };
