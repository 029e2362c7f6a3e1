// Type test: `tsc -p __test__/types` must pass. Right calls type-check; each `@ts-expect-error`
// line is a wrong call that must fail to (tsc reports an unused directive if it compiles).
import rsheapdump, { writeSnapshot, analyzeSnapshot, codes, type ErrorCode, type RsheapdumpError } from 'rsheapdump';
import * as analyze from 'rsheapdump/analyze';

async function rightCalls(): Promise<void> {
  const file: string = await writeSnapshot('/tmp/x.heapsnapshot', { gzip: 6 });
  await writeSnapshot((err, name) => void (err ? err.code : name));
  const summary = await analyzeSnapshot(file, { signal: AbortSignal.timeout(1000), onProgress: (phase, f) => void [phase.length, f] });
  analyze.analyzeSnapshotSync(file, (phase) => void (phase === 'dominators'));
  const total: number = summary.statistics.total;
  const first: string | undefined = summary.classes[0]?.name;
  const same = await analyze.analyzeSnapshot(file);
  const sameTotal: number = same.statistics.total;
  const code: ErrorCode = codes.PARSE;
  const parse: 'ERR_RSHEAPDUMP_PARSE' = analyze.codes.PARSE;
  const cpu = await rsheapdump.analyzeCpuProfile('a.cpuprofile', { limit: 5 });
  const self: number = cpu.functions[0].self;
  const svg: string = await analyze.flameGraph('a.cpuprofile', { width: 800, signal: AbortSignal.timeout(1000), onProgress: (stage) => void (stage === 'reading') });
  analyze.foldProfileSync('a.cpuprofile', (stage) => void (stage === 'analyzing'));
  void svg;
  const d = await analyze.diffProfiles('a.cpuprofile', 'b.cpuprofile', { normalize: 'share', failOnRegression: 10, signal: AbortSignal.timeout(1000) });
  const drop: number = d.functions[0].selfDelta;
  const change: number | undefined = d.functions[0].selfChange;
  const grew: string[] = rsheapdump.diffProfilesSync('a', 'b', { noiseFloor: 0.5 }).regressions.map((r) => r.what);
  const diffSvg: string = analyze.flameGraphSync('after.cpuprofile', { baseline: 'before.cpuprofile', negate: true, normalize: 'share' });
  void [drop, change, grew, codes.MISMATCHED_INPUTS, diffSvg];
  try {
    await rsheapdump.findLeaks('a', 'b', 'c', { limit: 3 });
  } catch (e) {
    const err = e as RsheapdumpError;
    if (err.code === codes.UNRELATED_SNAPSHOTS) void err.message;
  }
  const view = await analyze.openSnapshot(file, { onProgress: (phase) => void phase });
  const page = await view.classes({ sort: 'count', descending: false, filter: 'Map', offset: 0, limit: 50 });
  const objects = await view.objects(page.rows[0].index, { limit: 10 });
  const retained: number = objects.rows[0].retainedSize;
  const edge: string = (await view.retainers(objects.rows[0].id)).rows[0].edge;
  const paths = await view.retainerPaths(objects.rows[0].id, { limit: 0 });
  await view.setBaseline('before.heapsnapshot');
  const fresh: number = (await view.newObjects(page.rows[0].index)).total;
  const closedCode: ErrorCode = codes.VIEW_CLOSED;
  view.close();
  await writeSnapshot('/tmp/y.heapsnapshot', { force: true });
  const room = rsheapdump.memoryHeadroom();
  const available: number | undefined = room?.available;
  const bound: 'cgroup v2' | 'cgroup v1' | 'MemAvailable' | undefined = room?.bound;
  const needed: number = rsheapdump.estimateSnapshotBytes();
  try {
    await writeSnapshot();
  } catch (e) {
    const err = e as RsheapdumpError;
    if (err.code === codes.NO_HEADROOM) void [err.needed, err.available, err.bound];
  }
  const watch = await rsheapdump.watchHeap({ percent: 80, dir: '/tmp', keep: 2, gzip: true, samplingIntervalBytes: 1 << 20, onCapture: (c) => void (c.kind === 'heapprofile' ? c.file : c.needed) });
  const kept: readonly string[] = watch.files;
  await watch.stop();
  const target = await rsheapdump.attach(1234, { timeoutMs: 2000 });
  const snap = await target.writeSnapshot(null, { gzip: false, method: 'auto', onProgress: (done, all) => void [done, all] });
  const pause: number = snap.pauseMs;
  const prof = await target.cpuProfile({ durationMs: 1000, intervalUs: 500 });
  const frames = await target.stack();
  const fn: string | undefined = frames.frames[0]?.functionName;
  const version: unknown = await target.cdp.post('Runtime.evaluate', { expression: 'process.version' });
  const { inspectorClosed } = await target.detach();
  const procs = await rsheapdump.listNodeProcesses();
  const port: number | undefined = procs[0]?.inspector?.port;
  const stalls = rsheapdump.watchEventLoop({ thresholdMs: 200, onStall: (r) => void (r.blockedBy === 'gc' ? r.gcMs : r.stack?.[0]?.functionName) });
  await stalls.ready;
  await stalls.stop();
  const running: 'ERR_RSHEAPDUMP_WATCH_RUNNING' = codes.WATCH_RUNNING;
  void [total, first, sameTotal, code, parse, self, retained, edge, paths.matched, view.indexesReady, closedCode, available, bound, needed, kept, pause, prof.path, fn, version, inspectorClosed, port, running, fresh];
}

function wrongCalls(): void {
  // @ts-expect-error gzip is a boolean or a level, not a string
  void writeSnapshot('x', { gzip: 'yes' });
  // @ts-expect-error force is a boolean
  void writeSnapshot('x', { force: 'yes' });
  // @ts-expect-error memoryHeadroom takes no arguments
  void rsheapdump.memoryHeadroom('/');
  // @ts-expect-error percent is a number
  void rsheapdump.watchHeap({ percent: '85' });
  // @ts-expect-error the files are read-only
  void rsheapdump.watchHeap().then((w) => w.files.push('x'));
  // @ts-expect-error the path is a string
  void analyzeSnapshot(42);
  // @ts-expect-error timing is 'samples' or 'deltas' (a union generated from the Rust struct)
  void rsheapdump.analyzeCpuProfile('a.cpuprofile', { timing: 'wallclock' });
  // @ts-expect-error a limit is a number
  void rsheapdump.analyzeCpuProfile('a.cpuprofile', { limit: 'x' });
  // @ts-expect-error a signal is an AbortSignal
  void analyzeSnapshot('x', { signal: true });
  // @ts-expect-error the phases are named
  void analyzeSnapshot('x', { onProgress: (phase: 'reading') => phase });
  // @ts-expect-error a profile's stages are 'reading', 'parsing', 'analyzing'
  void rsheapdump.analyzeCpuProfile('a', { onProgress: (stage: 'dominators') => stage });
  // @ts-expect-error normalize is 'time' or 'share'
  void analyze.diffProfiles('a', 'b', { normalize: 'samples' });
  // @ts-expect-error the baseline is a file name
  void analyze.flameGraph('a', { baseline: true });
  // @ts-expect-error the blocking twins take no signal
  void analyze.diffProfilesSync('a', 'b', { signal: AbortSignal.abort() });
  // @ts-expect-error the blocking twins take no signal
  void analyze.flameGraphSync('a', { signal: AbortSignal.abort() });
  // @ts-expect-error the blocking twins take no signal
  void analyze.findLeaksSync('a', 'b', 'c', { signal: AbortSignal.abort() });
  // @ts-expect-error no such code
  void codes.NO_SUCH_CODE;
  // @ts-expect-error capture is not part of rsheapdump/analyze
  void analyze.writeSnapshot;
  // @ts-expect-error classes sort by a named column
  void analyze.openSnapshot('x').then((v) => v.classes({ sort: 'size' }));
  // @ts-expect-error a node id is a number
  void analyze.openSnapshot('x').then((v) => v.node('@12'));
  // @ts-expect-error a pid is a number
  void rsheapdump.attach('1234');
  // @ts-expect-error the snapshot method is one of three
  void rsheapdump.attach(1).then((t) => t.writeSnapshot('x', { method: 'fast' }));
  // @ts-expect-error a CPU profile's interval is intervalUs
  void rsheapdump.attach(1).then((t) => t.cpuProfile({ intervalBytes: 10 }));
  // @ts-expect-error the threshold is a number of ms
  rsheapdump.watchEventLoop({ thresholdMs: '100ms' });
  // @ts-expect-error no such cause
  rsheapdump.watchEventLoop({ onStall: (r) => r.blockedBy === 'timer' });
  // @ts-expect-error the watch is not part of rsheapdump/analyze
  void analyze.watchEventLoop;
  // @ts-expect-error an ErrorCode is one of the codes
  const code: ErrorCode = 'ERR_SOMETHING_ELSE';
  void code;
}

void rightCalls;
void wrongCalls;
