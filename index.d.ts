// Types of rsheapdump's public API: what JavaScript adds (argument shapes, options, overloads).
// What the native analyzers resolve to is declared once, from the Rust structs that produce it,
// in the generated binding.d.ts.

import type {
  ClassDiff,
  ProfileDiff,
  ProfileFunctionDiff,
  ProfileRegression,
  SnapshotStatistics,
  SnapshotClass,
  SnapshotSummary,
  SnapshotDiff,
  RetainerPathStep,
  RetainerPath,
  RetainerGroup,
  LeakCluster,
  LeakClass,
  LeakReport,
  RetainerPaths,
  ViewClass,
  ViewClassPage,
  ViewNode,
  ViewNodePage,
  ViewEdge,
  ViewEdgePage,
  MemoryHeadroom,
  ProfileOptions,
  ProfileRow,
  ProfileAnalysis,
} from './binding'

export type {
  MemoryHeadroom,
  ProfileOptions,
  ProfileRow,
  ProfileAnalysis,
  ProfileDiff,
  ProfileFunctionDiff,
  ProfileRegression,
  SnapshotStatistics,
  SnapshotClass,
  SnapshotSummary,
  SnapshotDiff,
  RetainerPathStep,
  RetainerPath,
  RetainerGroup,
  LeakCluster,
  LeakClass,
  LeakReport,
  RetainerPaths,
  ViewClass,
  ViewClassPage,
  ViewNode,
  ViewNodePage,
  ViewEdge,
  ViewEdgePage,
}

/** One row of DevTools' Comparison view ({@link diffSnapshots}). */
export type SnapshotClassDiff = ClassDiff

/** Options of {@link writeSnapshot}. */
export interface WriteSnapshotOptions {
  /** `true` (level 1), a level from 1 to 9, or `false`. A `.gz` file name implies gzip. */
  gzip?: boolean | number
  /** Record numeric values of heap numbers (about 25% larger files). */
  captureNumericValue?: boolean
  /** Include V8's internal objects. */
  exposeInternals?: boolean
  /**
   * Take the snapshot even when it does not fit in the memory the process may still use (see
   * {@link memoryHeadroom}); otherwise that rejects with `ERR_RSHEAPDUMP_NO_HEADROOM`.
   * `NODE_HEAPDUMP_OPTIONS=force` does the same for every snapshot.
   */
  force?: boolean
}

/**
 * What this process may still allocate before the kernel kills it: the tightest memory cgroup
 * limit (v2 `memory.max − memory.current`, v1 `memory.limit_in_bytes − memory.usage_in_bytes`,
 * less inactive page cache, over the process's group and its ancestors) or the machine's
 * `MemAvailable`, whichever is smaller. `null` where none is readable (not Linux).
 */
export function memoryHeadroom(): MemoryHeadroom | null

/**
 * Bytes V8 is expected to allocate to take a heap snapshot of this thread's heap now (the
 * headroom rule's estimate: 20 × small-object heap + large objects + 32 MB, see docs/headroom.md).
 */
export function estimateSnapshotBytes(): number

/** Options of {@link watchHeap}. */
export interface WatchHeapOptions {
  /** Threshold in percent (1–99, default 85) of V8's heap limit or of the memory cgroup limit, whichever is nearer. */
  percent?: number
  /** Where the files go (default: the cwd). */
  dir?: string
  /** Files kept (default 3): the oldest of the watch's own files is removed. */
  keep?: number
  /** gzip the files (default true: level 1). */
  gzip?: boolean | number
  /** V8's sampling interval: one sample per this many bytes allocated on average (default 1 MiB). */
  samplingIntervalBytes?: number
  /** How often memory is compared with the threshold, in ms (default 1000). */
  checkIntervalMs?: number
  /** Called after each file is written. */
  onCapture?: (capture: HeapWatchCapture) => void
}

/** What the heap watch wrote at a threshold crossing. */
export interface HeapWatchCapture {
  /** The absolute file name. */
  file: string
  /** A heap snapshot when one fitted in the memory left, otherwise the sampled heap profile of live memory. */
  kind: 'snapshot' | 'heapprofile'
  /** How full memory was (0–1). */
  ratio: number
  /** What `ratio` was measured against: `'heap_size_limit'` or `'cgroup v1 limit'` / `'cgroup v2 limit'`. */
  against: string
  /** The snapshot estimate at that moment, in bytes. */
  needed: number
}

/** A running heap watch. */
export interface HeapWatch {
  /** Stops the watch and V8's sampling profiler. */
  stop(): Promise<void>
  /** The files written so far and still kept. */
  readonly files: readonly string[]
}

/**
 * Evidence before an out-of-memory death: samples the heap from now on and, when memory crosses
 * `percent`, writes a gzip heap snapshot if it fits in the memory left, and otherwise the sampled
 * heap profile of live memory (the allocation sites that hold it). Once per crossing, files 0600,
 * at most `keep`. Never keeps the process alive. `NODE_HEAPDUMP_OPTIONS=watch=<percent>` starts it
 * at require time. Rejects with `ERR_RSHEAPDUMP_WATCH_RUNNING` while another watch runs.
 */
export function watchHeap(options?: WatchHeapOptions): Promise<HeapWatch>

/** heapdump's callback: `(null, filename)` on success, `(err)` on failure. */
export type WriteSnapshotCallback = (err: (Error & { code?: string }) | null, filename?: string) => void

/**
 * Writes a V8 heap snapshot, streamed off the main thread; resolves to the absolute file name.
 * Default name: `heapdump-<ms>.<ns>.heapsnapshot` in the cwd.
 */
export function writeSnapshot(filename?: string, options?: WriteSnapshotOptions, callback?: WriteSnapshotCallback): Promise<string>
export function writeSnapshot(filename: string, callback: WriteSnapshotCallback): Promise<string>
export function writeSnapshot(options: WriteSnapshotOptions, callback?: WriteSnapshotCallback): Promise<string>
export function writeSnapshot(callback: WriteSnapshotCallback): Promise<string>

/** A stage of a snapshot's analysis, as progress reports name it. */
export type AnalysisPhase = 'parsing' | 'graph' | 'dominators'

/** Options of the blocking analyses (`…Sync`): progress, called on the calling thread. */
export interface SyncAnalysisOptions<Label extends string = string> {
  /** Called as the work goes (the fraction is 0 to 1 within each stage). */
  onProgress?: (label: Label, fraction: number) => void
}

/** Options of the analyses that return a Promise. */
export interface AnalysisOptions<Label extends string = string> extends SyncAnalysisOptions<Label> {
  /**
   * Aborts the analysis: the promise rejects with an `AbortError` (`code: 'ABORT_ERR'`, `cause`:
   * the signal's reason) and the work stops at its next checkpoint (each chunk of the file read,
   * each analysis step). Progress calls are queued to the event loop and may trail the result.
   */
  signal?: AbortSignal
}

/**
 * Analyzes a `.heapsnapshot` (plain or gzip) off the event loop: the numbers of DevTools' Summary.
 * Malformed input rejects with `code: 'ERR_RSHEAPDUMP_PARSE'` and the byte `offset`.
 */
export function analyzeSnapshot(path: string, options?: AnalysisOptions<AnalysisPhase>): Promise<SnapshotSummary>

/** Blocking twin of {@link analyzeSnapshot}. (A bare `onProgress` function in place of the options is still accepted.) */
export function analyzeSnapshotSync(path: string, options?: SyncAnalysisOptions<AnalysisPhase> | SyncAnalysisOptions<AnalysisPhase>['onProgress']): SnapshotSummary

/**
 * Compares two snapshots of one process as DevTools' Comparison view does (objects matched by id),
 * off the event loop. Snapshots of different processes reject with
 * `ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS`.
 */
export function diffSnapshots(base: string, target: string, options?: AnalysisOptions): Promise<SnapshotDiff>
/** Blocking twin of {@link diffSnapshots}. */
export function diffSnapshotsSync(base: string, target: string, options?: SyncAnalysisOptions | SyncAnalysisOptions['onProgress']): SnapshotDiff

/**
 * memlab's three-snapshot leak model, deterministic: objects allocated after `base`, present in
 * `target` and still strongly reachable in `final`, clustered by class and shortest retainer path.
 * `options.limit`: clusters to return (default 20, 0 = all).
 */
export function findLeaks(base: string, target: string, final: string, options?: FindLeaksOptions): Promise<LeakReport>
/** Blocking twin of {@link findLeaks}. (`onProgress` as a fifth argument is still accepted.) */
export function findLeaksSync(base: string, target: string, final: string, options?: Omit<FindLeaksOptions, 'signal'>, onProgress?: (label: string, fraction: number) => void): LeakReport

/** Options of {@link findLeaks}. */
export interface FindLeaksOptions extends AnalysisOptions {
  /** Clusters to return (default 20, 0 = all). */
  limit?: number
}

/** `{ className }` (every object of the class, grouped by path shape) or `{ id }` (one object). */
export type RetainerQuery = ({ className: string; id?: undefined } | { id: number; className?: undefined }) & {
  /** Groups (class) or paths (id) to return; default 10 / 5, 0 = all. */
  limit?: number
}

/**
 * Shortest retainer paths from the GC roots (global objects first, weak edges excluded). Rejects
 * with `ERR_RSHEAPDUMP_CLASS_NOT_FOUND` / `ERR_RSHEAPDUMP_NODE_NOT_FOUND` when nothing matches.
 */
export function retainerPaths(file: string, query: RetainerQuery, options?: AnalysisOptions<AnalysisPhase>): Promise<RetainerPaths>
/** Blocking twin of {@link retainerPaths}. */
export function retainerPathsSync(file: string, query: RetainerQuery, options?: SyncAnalysisOptions<AnalysisPhase> | SyncAnalysisOptions<AnalysisPhase>['onProgress']): RetainerPaths

/** `offset` and `limit` (default 100, at most 10000) of a page of rows. */
export interface PageOptions {
  offset?: number
  limit?: number
}

/** Options of {@link SnapshotView.classes}. */
export interface ClassPageOptions extends PageOptions {
  /** Column to sort by (default `retainedSize`). */
  sort?: 'index' | 'name' | 'distance' | 'count' | 'shallowSize' | 'retainedSize'
  /** Largest first (default: true, but false for `index` and `name`). */
  descending?: boolean
  /** Keep classes whose name contains this (any case). */
  filter?: string
}

/**
 * A snapshot analyzed once and held in memory (from {@link openSnapshot}): each query answers one
 * page from memory, on the thread pool. {@link SnapshotView.close} frees it.
 */
export interface SnapshotView {
  /** The Summary and Statistics, as {@link analyzeSnapshot} resolves them. */
  summary(): SnapshotSummary
  /** A page of Summary rows with their indexes. */
  classes(options?: ClassPageOptions): Promise<ViewClassPage>
  /** A page of the objects of Summary row `index`, largest retained size first. */
  objects(index: number, options?: PageOptions): Promise<ViewNodePage>
  /** A page of the objects of Summary row `index` that the baseline lacks (new since it), largest retained size first. */
  newObjects(index: number, options?: PageOptions): Promise<ViewNodePage>
  /** Reads the object ids of an earlier snapshot of the same process, for {@link SnapshotView.newObjects}. Once per view. */
  setBaseline(path: string): Promise<void>
  /** One object by node id (rejects with `ERR_RSHEAPDUMP_NODE_NOT_FOUND`). */
  node(id: number): Promise<ViewNode>
  /** A page of the edges into `id` with their sources, nearest retainer first (weak ones too). */
  retainers(id: number, options?: PageOptions): Promise<ViewEdgePage>
  /** A page of `id`'s outgoing edges with their targets, in snapshot order. */
  references(id: number, options?: PageOptions): Promise<ViewEdgePage>
  /** What {@link retainerPaths}`(file, { id })` gives, from memory; `limit` default 5, 0 = all. */
  retainerPaths(id: number, options?: { limit?: number }): Promise<RetainerPaths>
  /** True once the background indexes are built (queries asked earlier wait for them). */
  readonly indexesReady: boolean
  /** Stops the background indexing and frees the snapshot; later queries reject with `ERR_RSHEAPDUMP_VIEW_CLOSED`. */
  close(): void
}

/**
 * Parses and analyzes a snapshot as {@link analyzeSnapshot} does (same time) and keeps it open for
 * paged queries: what `rsheapdump view` serves.
 */
export function openSnapshot(path: string, options?: AnalysisOptions<AnalysisPhase>): Promise<SnapshotView>

/** Options of {@link assertNoLeak}. */
export interface AssertNoLeakOptions {
  /** Runs between the snapshots (default 10). */
  iterations?: number
  /** Runs before the baseline, so one-time allocations do not count (default min(iterations, 3)). */
  warmup?: number
  /** Leaked objects of one class that make it a leak (default `iterations`: one per run). */
  threshold?: number
  /** Class names (or patterns) that may leak. */
  allow?: (string | RegExp)[]
  /** Where the three snapshots are written (default: a temporary directory, removed after). */
  dir?: string
  /** Keep the snapshots (their paths are on the error as `snapshots`). */
  keepSnapshots?: boolean
}

/**
 * Runs `fn` `warmup` times, snapshots, `iterations` times, snapshots, `iterations` more times,
 * snapshots, and finds the leaks (v8.writeHeapSnapshot, so object ids stay comparable). Rejects
 * with an `AssertionError` (code `ERR_ASSERTION`, `leaks` = the report) listing leaking classes,
 * their counts and retainer paths; resolves to the report otherwise.
 */
export function assertNoLeak(fn: (run: number) => unknown, options?: AssertNoLeakOptions): Promise<LeakReport>

/**
 * A retainer path as one line: `global .cache Map (table) (array) [12] SessionRecord@4321 (app.js:10:5)`.
 * Edges: `.x` property, `[i]` element or table slot, `{x}` closure variable, `(x)` V8 internal.
 */
export function formatRetainerPath(path: RetainerPath | undefined): string

/** Options of {@link createDebugHandler}. */
export interface DebugHandlerOptions {
  /** Required: requests must send `Authorization: Bearer <token>`. At least 16 characters. */
  token: string
  /** Where snapshots are written. Default: the cwd. */
  dir?: string
  /** Compress the snapshots (`true` = level 1, or 1..9). Default: false. */
  gzip?: boolean | number
}

/** The answer of `POST /debug/heap` (without `?download=1`). */
export interface DebugHeapResponse {
  /** Absolute path of the snapshot on the server. */
  file: string
  /** Its base name. */
  name: string
  /** Its size in bytes. */
  bytes: number
}

/**
 * A `(req, res, next?)` handler for node:http or Express serving `POST /debug/heap` behind a
 * bearer token. One snapshot at a time (429 while busy); other paths go to `next()` or get 404.
 */
export function createDebugHandler(options: DebugHandlerOptions): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: (err?: unknown) => void) => void

/** A stage of a profile's analysis, as progress reports name it. */
export type ProfilePhase = 'reading' | 'parsing' | 'analyzing'
/** Options of the profile analyses that return a Promise: theirs plus `onProgress` and `signal`. */
export type ProfileAnalysisOptions = ProfileOptions & AnalysisOptions<ProfilePhase>
/** Options of the blocking profile analyses (or a bare `onProgress` function). */
export type SyncProfileAnalysisOptions = (ProfileOptions & SyncAnalysisOptions<ProfilePhase>) | SyncAnalysisOptions<ProfilePhase>['onProgress']

/** Analyzes a `.cpuprofile` (plain or gzip) off the event loop. */
export function analyzeCpuProfile(file: string, options?: ProfileAnalysisOptions): Promise<ProfileAnalysis>
/** Blocking twin of {@link analyzeCpuProfile}. */
export function analyzeCpuProfileSync(file: string, options?: SyncProfileAnalysisOptions): ProfileAnalysis
/** Analyzes a `.heapprofile` (plain or gzip) off the event loop: allocation sites by bytes. */
export function analyzeHeapProfile(file: string, options?: ProfileAnalysisOptions): Promise<ProfileAnalysis>
/** Blocking twin of {@link analyzeHeapProfile}. */
export function analyzeHeapProfileSync(file: string, options?: SyncProfileAnalysisOptions): ProfileAnalysis
/** Collapsed stacks (`frame;frame;frame weight` lines) of a profile, off the event loop. */
export function foldProfile(file: string, options?: ProfileAnalysisOptions): Promise<string>
/** Blocking twin of {@link foldProfile}. */
export function foldProfileSync(file: string, options?: SyncProfileAnalysisOptions): string
/** An interactive flame graph SVG of a profile or a collapsed-stacks file, off the event loop. */
export function flameGraph(file: string, options?: ProfileAnalysisOptions): Promise<string>
/** Blocking twin of {@link flameGraph}. */
export function flameGraphSync(file: string, options?: SyncProfileAnalysisOptions): string

/** Options of {@link diffProfiles}. */
export interface DiffProfilesOptions extends AnalysisOptions<ProfilePhase> {
  /**
   * `'time'` (default): µs of CPU (samples × the profile's sampling interval) or bytes as
   * recorded, right when both runs did the same work.
   * `'share'`: percent of each profile's total, for runs of different length.
   */
  normalize?: 'time' | 'share'
  /** List in `regressions` the total (idle excluded) and the functions that grew by more than this percentage. */
  failOnRegression?: number
  /** Functions below this percentage of the second profile's total are never regressions (default 1). */
  noiseFloor?: number
}
/** Options of {@link diffProfilesSync}: those of {@link diffProfiles} without `signal`. */
export type SyncDiffProfilesOptions = Omit<DiffProfilesOptions, 'signal'>

/**
 * Compares two profiles of one kind (two `.cpuprofile` or two `.heapprofile`) per function, off
 * the event loop: self and total before and after, largest change of self first. A snapshot or
 * profiles of different kinds reject with `ERR_RSHEAPDUMP_MISMATCHED_INPUTS`.
 */
export function diffProfiles(before: string, after: string, options?: DiffProfilesOptions): Promise<ProfileDiff>
/** Blocking twin of {@link diffProfiles}. */
export function diffProfilesSync(before: string, after: string, options?: SyncDiffProfilesOptions | SyncAnalysisOptions<ProfilePhase>['onProgress']): ProfileDiff

// <profiles>
/** A V8 call frame, as in DevTools protocol profiles. `lineNumber`/`columnNumber` are 0-based. */
export interface ProfileCallFrame {
  functionName: string
  scriptId: string
  url: string
  lineNumber: number
  columnNumber: number
}

/** A node of a CPU profile's call tree. */
export interface CpuProfileNode {
  id: number
  callFrame: ProfileCallFrame
  hitCount?: number
  children?: number[]
  deoptReason?: string
  positionTicks?: { line: number; ticks: number }[]
}

/** A `.cpuprofile`: exactly what `node --cpu-prof` writes. Times in µs. */
export interface CpuProfile {
  nodes: CpuProfileNode[]
  startTime: number
  endTime: number
  /** Node id of each sample. */
  samples: number[]
  /** µs since the previous sample (the first: since `startTime`). */
  timeDeltas: number[]
}

/** A node of a sampling heap profile's allocation tree. */
export interface HeapProfileNode {
  callFrame: ProfileCallFrame
  /** Bytes sampled as allocated here (still live when the profile stopped, unless asked otherwise). */
  selfSize: number
  id: number
  children: HeapProfileNode[]
}

/** A `.heapprofile`: exactly what `node --heap-prof` writes. */
export interface HeapProfile {
  head: HeapProfileNode
  samples: { size: number; nodeId: number; ordinal: number }[]
}

/** Options of {@link startCpuProfile}. */
export interface CpuProfileStartOptions {
  /** Sampling interval in µs: an integer from 10 to 1,000,000. Default 1000 (as `node --cpu-prof`). */
  samplingIntervalUs?: number
  /**
   * Deoptimize all code right after the start (default `true`), so that loops already running in
   * on-stack-replaced code, which V8's profiler never learns about, are attributed to their own
   * function instead of their caller. Costs a short re-warm-up; skipped under NODE_V8_COVERAGE.
   */
  deoptimize?: boolean
}

/** Options of {@link startHeapSampling}. */
export interface HeapSamplingStartOptions {
  /** Mean bytes between samples: an integer from 1 to 1 GiB. Default 32768 (`node --heap-prof` uses 524288). */
  samplingIntervalBytes?: number
  /** Keep samples of objects a major GC has collected (default false: live objects only). */
  includeObjectsCollectedByMajorGC?: boolean
  /** Keep samples of objects a minor GC has collected (default false). */
  includeObjectsCollectedByMinorGC?: boolean
}

/** Options of {@link stopCpuProfile} and {@link stopHeapSampling}. */
export interface ProfileStopOptions {
  /**
   * The file. Default: Node's name `CPU.<yyyymmdd>.<hhmmss>.<pid>.0.<seq>.cpuprofile` (or
   * `Heap.….heapprofile`) in the cwd. Opened before the profiler stops: a bad path rejects and the
   * profile keeps running.
   */
  filename?: string
  /** `true` (level 1), a level from 1 to 9, or `false`. A `.gz` name implies gzip; gzip adds `.gz`. */
  gzip?: boolean | number
  /** Resolve to the profile object instead and write no file (not with `filename`/`gzip`). */
  returnProfile?: boolean
}

/**
 * Starts a CPU profile of the main thread, driven by the capture worker (works while the main
 * thread is busy). Rejects with `ERR_RSHEAPDUMP_PROFILE_RUNNING` if one is running.
 */
export function startCpuProfile(options?: CpuProfileStartOptions): Promise<void>
/**
 * Stops the CPU profile; the worker serializes and writes it (0600, `.partial` then renamed).
 * Resolves to the absolute file name. Rejects with `ERR_RSHEAPDUMP_NO_PROFILE` without a start.
 */
export function stopCpuProfile(options?: ProfileStopOptions & { returnProfile?: false }): Promise<string>
export function stopCpuProfile(options: { returnProfile: true }): Promise<CpuProfile>
/** Starts V8's sampling heap profiler. Rejects with `ERR_RSHEAPDUMP_PROFILE_RUNNING` if one is running. */
export function startHeapSampling(options?: HeapSamplingStartOptions): Promise<void>
/** Stops the sampling heap profile and writes it; like {@link stopCpuProfile}. */
export function stopHeapSampling(options?: ProfileStopOptions & { returnProfile?: false }): Promise<string>
export function stopHeapSampling(options: { returnProfile: true }): Promise<HeapProfile>

/** Options of {@link profile}. */
export interface ProfileCallOptions extends CpuProfileStartOptions, HeapSamplingStartOptions {
  /** `'cpu'` (default) or `'heap'`. */
  kind?: 'cpu' | 'heap'
  /** Also write the profile to this file (or, with only `gzip`, to the default name). */
  filename?: string
  gzip?: boolean | number
}

/**
 * Profiles one call of `fn` (awaited): resolves to its result, the profile object and, when
 * `filename` or `gzip` is given, the file written. If `fn` throws, the profile is discarded.
 */
export function profile<T>(fn: () => T | Promise<T>, options?: ProfileCallOptions & { kind?: 'cpu' }): Promise<{ result: T; profile: CpuProfile; file?: string }>
export function profile<T>(fn: () => T | Promise<T>, options: ProfileCallOptions & { kind: 'heap' }): Promise<{ result: T; profile: HeapProfile; file?: string }>
// </profiles>

// <attach>
/** Options of {@link attach}. */
export interface AttachOptions {
  /** How long to wait for the inspector to open after SIGUSR1, and for its first answer (ms, default 5000). */
  timeoutMs?: number
  /** Aborting it while attach waits for the inspector rejects with `ERR_RSHEAPDUMP_ABORTED`. */
  signal?: AbortSignal
}

/** Options of {@link AttachedProcess.writeSnapshot}. */
export interface AttachSnapshotOptions {
  /** gzip level or on/off; default `true` (level 1). A `.gz` file name always means gzip. */
  gzip?: boolean | number
  /**
   * `'interrupt'`: V8's own writer runs in the target by interrupt, into a private directory next to
   * the output, and the file is then copied (compressed) into place: the shortest pause, also in a
   * stuck main thread. `'inspector'`: V8 streams the snapshot over the protocol (V8's progress
   * reported). `'auto'` (default): interrupt, or inspector when the target cannot create its file there.
   */
  method?: 'auto' | 'inspector' | 'interrupt'
  captureNumericValue?: boolean
  /** V8's progress (inspector method); interrupt method: (bytes V8 has written, 0), then (bytes copied, total). */
  onProgress?: (done: number, total: number) => void
  /** Aborting abandons the snapshot: `ERR_RSHEAPDUMP_ABORTED`, no file, no `.partial` file. */
  signal?: AbortSignal
}

/** Where a snapshot of another process went. */
export interface AttachSnapshotResult {
  path: string
  bytes: number
  rawBytes: number
  /** How long the target's main thread was paused (interrupt method: measured in the target; inspector method: the command's round trip). */
  pauseMs: number
  method: 'inspector' | 'interrupt'
}

/** Options of {@link AttachedProcess.cpuProfile} and {@link AttachedProcess.heapProfile}. */
export interface AttachProfileOptions {
  /** How long to record (ms, default 10000). */
  durationMs?: number
  /** Default: Node's `CPU.<date>.<time>.<pid>.0.<n>.cpuprofile` / `Heap.….heapprofile` name, with the target's pid, in the cwd. */
  filename?: string
  gzip?: boolean | number
  /** Aborting stops the recording early; the profile is still written. */
  signal?: AbortSignal
}

/** A written profile of another process. */
export interface AttachProfileResult {
  path: string
  bytes: number
  rawBytes: number
  durationMs: number
}

/** One frame of {@link AttachedProcess.stack}, innermost first. */
export interface StackFrame {
  functionName: string
  typeName: string
  methodName: string
  url: string
  line: number
  column: number
  native: boolean
  constructor: boolean
  async: boolean
}

/** A Chrome DevTools Protocol client (the WebSocket to the target's inspector). */
export interface CdpClient {
  /** Sends a command; resolves to its result, rejects with `ERR_RSHEAPDUMP_INSPECTOR` (protocol error) or `ERR_RSHEAPDUMP_DISCONNECTED`. */
  post(method: string, params?: object): Promise<any>
  /** Protocol events by method name, e.g. `'Debugger.paused'`; `'close'` when the connection is gone. */
  on(event: string, listener: (params: any) => void): this
  off(event: string, listener: (params: any) => void): this
  readonly closed: boolean
}

/** A process {@link attach} is attached to. Call `detach()` when done. */
export interface AttachedProcess {
  readonly pid: number
  /** The target's `process.version`. */
  readonly nodeVersion: string
  /** Where its inspector listens, and whether attach opened it (then `detach()` closes it). */
  readonly inspector: { host: string; port: number; openedByAttach: boolean }
  readonly cdp: CdpClient
  /** Heap snapshot of the target's main thread (default name `Heap.<date>.<time>.<pid>.0.<n>.heapsnapshot.gz` in the cwd). */
  writeSnapshot(filename?: string | null, options?: AttachSnapshotOptions): Promise<AttachSnapshotResult>
  cpuProfile(options?: AttachProfileOptions & { intervalUs?: number }): Promise<AttachProfileResult>
  /** `includeCollected` (default true): also samples of objects collected since (allocation sites, not only what is live). */
  heapProfile(options?: AttachProfileOptions & { intervalBytes?: number; includeCollected?: boolean }): Promise<AttachProfileResult>
  /** The main thread's JavaScript stack right now (read by interrupt, so also when stuck in a loop); `idle` when no JavaScript runs. */
  stack(): Promise<{ frames: StackFrame[]; idle: boolean }>
  /** Whether the target's event loop turns (an immediate runs within `ms`, default 500). */
  loopTurns(ms?: number): Promise<boolean>
  /** Ends the session; closes (and verifies closed) an inspector that attach opened. */
  detach(options?: { timeoutMs?: number }): Promise<{ inspectorClosed: boolean }>
}

/**
 * Attaches to a running Node process by pid (Linux), with nothing installed in it: opens its
 * inspector on 127.0.0.1 with SIGUSR1 unless one is open, after checking that it is Node, ours to
 * touch, in our network namespace and that the signal is safe. See README, "Diagnosing a running process".
 */
export function attach(pid: number, options?: AttachOptions): Promise<AttachedProcess>

/** One Node process of {@link listNodeProcesses}. */
export interface NodeProcessInfo {
  pid: number
  /** `null` when its binary cannot be run from here. */
  nodeVersion: string | null
  uptimeSeconds: number
  rssBytes: number
  /** Real user id. */
  user: number
  command: string
  /** `'other'`: another network namespace (a container); its inspector is not looked for. */
  namespace: 'same' | 'other'
  /** The open inspector, or null. */
  inspector: { host: string; port: number; address: string } | null
}

/** The Node processes this user can see (Linux), as `rsheapdump ps` lists them. */
export function listNodeProcesses(): Promise<NodeProcessInfo[]>
// </attach>
// <stalls>
/** Options of {@link watchEventLoop}. */
export interface WatchEventLoopOptions {
  /** A stall is the loop not turning for this long (loop time: waiting for a CPU does not count). Integer 10..3,600,000; default 100. */
  thresholdMs?: number
  /** Record a CPU profile from detection until the loop turns (default `true`), written to `dir`. */
  profile?: boolean
  /** The longest such profile, in ms (100..600,000; default 10,000): a longer stall's profile is written at this point. */
  profileMaxMs?: number
  /** The profile's sampling interval in µs (10..1,000,000; default 1000). */
  samplingIntervalUs?: number
  /** While a stall lasts, at most one stderr report per this many ms (100..3,600,000; default 10,000). */
  intervalMs?: number
  /** Where profiles go (default: the cwd); must be a writable directory. */
  dir?: string
  /** Called on the main thread once per stall, when it ends. */
  onStall?: (report: StallReport) => void
  /** One line per report on stderr, also while a stall lasts (default: `true` when there is no `onStall`). */
  stderr?: boolean
}

/** A frame of the blocked main thread's JavaScript stack. */
export interface StallFrame {
  functionName: string
  /** File path (CommonJS), URL (ESM) or `node:` name; empty for native frames. */
  url: string
  /** 1-based, as in stack traces. */
  line: number
  column: number
  /** A caller awaiting this frame (V8's async stack trace). */
  async: boolean
}

/** One stall, reported when the loop turns again. */
export interface StallReport {
  /** When the loop last turned before the stall (ms since the Unix epoch). */
  startedAt: number
  /** How long the loop did not turn, in ms (wall clock; within one tick, a fifth of the threshold, of the truth). */
  durationMs: number
  /** `'javascript'`: JavaScript ran (the stack is where); `'gc'`: at least half of it was GC; `'native'`: a native call (the stack is its caller); `'unknown'`: it ended before a stack could be taken. */
  blockedBy: 'javascript' | 'gc' | 'native' | 'unknown'
  /** GC pause time within the stall, in ms. */
  gcMs: number
  /** The main thread's stack while it was blocked (innermost first), or null. */
  stack: StallFrame[] | null
  /** The `.cpuprofile` recorded from detection to the end (with `profile`). */
  profile?: string
  /** The profile's hottest functions by self time. */
  top?: { functionName: string; url: string; line: number; column: number; selfMs: number; selfPercent: number }[]
  /** Why there is no profile, if one was asked for. */
  profileError?: string
}

/** What {@link watchEventLoop} returns. */
export interface EventLoopWatch {
  readonly thresholdMs: number
  /** Resolves once stacks and profiles can be taken (the capture worker is set up); stalls are detected from the start. */
  readonly ready: Promise<void>
  /** Stops the watch (a stall in progress is not reported); idempotent: every call returns the same promise. */
  stop(): Promise<void>
}

/**
 * Watches the main thread's event loop from a native thread: when it has not turned for
 * `thresholdMs`, the stuck thread's stack is taken (and a CPU profile recorded) while it is still
 * stuck. Never keeps the process alive. Throws `ERR_RSHEAPDUMP_WATCH_RUNNING` while a watch runs
 * (also one from `NODE_HEAPDUMP_OPTIONS=stall=<ms>`), `ERR_WORKER_UNSUPPORTED_OPERATION` in a worker thread.
 */
export function watchEventLoop(options?: WatchEventLoopOptions): EventLoopWatch
// </stalls>

/** Every `code` an rsheapdump error can carry besides Node's errno names (see README, Errors). */
export declare const codes: {
  readonly INVALID_ARG_TYPE: 'ERR_INVALID_ARG_TYPE'
  readonly INVALID_ARG_VALUE: 'ERR_INVALID_ARG_VALUE'
  readonly OUT_OF_RANGE: 'ERR_OUT_OF_RANGE'
  readonly WORKER_UNSUPPORTED_OPERATION: 'ERR_WORKER_UNSUPPORTED_OPERATION'
  readonly ABORT: 'ABORT_ERR'
  readonly PROFILE_RUNNING: 'ERR_RSHEAPDUMP_PROFILE_RUNNING'
  readonly NO_PROFILE: 'ERR_RSHEAPDUMP_NO_PROFILE'
  readonly INSPECTOR: 'ERR_RSHEAPDUMP_INSPECTOR'
  readonly SNAPSHOT: 'ERR_RSHEAPDUMP_SNAPSHOT'
  readonly NO_HEADROOM: 'ERR_RSHEAPDUMP_NO_HEADROOM'
  readonly WATCH_RUNNING: 'ERR_RSHEAPDUMP_WATCH_RUNNING'
  readonly WORKER: 'ERR_RSHEAPDUMP_WORKER'
  readonly EXITING: 'ERR_RSHEAPDUMP_EXITING'
  readonly SINK: 'ERR_RSHEAPDUMP_SINK'
  readonly ABORTED: 'ERR_RSHEAPDUMP_ABORTED'
  readonly SIGNAL: 'ERR_RSHEAPDUMP_SIGNAL'
  readonly THREAD: 'ERR_RSHEAPDUMP_THREAD'
  readonly UNSUPPORTED: 'ERR_RSHEAPDUMP_UNSUPPORTED'
  readonly NO_SUCH_PROCESS: 'ERR_RSHEAPDUMP_NO_SUCH_PROCESS'
  readonly NOT_PERMITTED: 'ERR_RSHEAPDUMP_NOT_PERMITTED'
  readonly NOT_NODE: 'ERR_RSHEAPDUMP_NOT_NODE'
  readonly NAMESPACE: 'ERR_RSHEAPDUMP_NAMESPACE'
  readonly BUSY: 'ERR_RSHEAPDUMP_BUSY'
  readonly SIGUSR1_DISABLED: 'ERR_RSHEAPDUMP_SIGUSR1_DISABLED'
  readonly NOT_LOOPBACK: 'ERR_RSHEAPDUMP_NOT_LOOPBACK'
  readonly PORT_TAKEN: 'ERR_RSHEAPDUMP_PORT_TAKEN'
  readonly INSPECTOR_TIMEOUT: 'ERR_RSHEAPDUMP_INSPECTOR_TIMEOUT'
  readonly TARGET_MISMATCH: 'ERR_RSHEAPDUMP_TARGET_MISMATCH'
  readonly TARGET_EXITED: 'ERR_RSHEAPDUMP_TARGET_EXITED'
  readonly DISCONNECTED: 'ERR_RSHEAPDUMP_DISCONNECTED'
  readonly PARSE: 'ERR_RSHEAPDUMP_PARSE'
  readonly NOT_A_PROFILE: 'ERR_RSHEAPDUMP_NOT_A_PROFILE'
  readonly INVALID_PROFILE: 'ERR_RSHEAPDUMP_INVALID_PROFILE'
  readonly UNRELATED_SNAPSHOTS: 'ERR_RSHEAPDUMP_UNRELATED_SNAPSHOTS'
  readonly MISMATCHED_INPUTS: 'ERR_RSHEAPDUMP_MISMATCHED_INPUTS'
  readonly CLASS_NOT_FOUND: 'ERR_RSHEAPDUMP_CLASS_NOT_FOUND'
  readonly NODE_NOT_FOUND: 'ERR_RSHEAPDUMP_NODE_NOT_FOUND'
  readonly VIEW_CLOSED: 'ERR_RSHEAPDUMP_VIEW_CLOSED'
  readonly NATIVE_MISSING: 'ERR_RSHEAPDUMP_NATIVE_MISSING'
  readonly INTERNAL: 'ERR_RSHEAPDUMP_INTERNAL'
}

/** A code of {@link codes}. */
export type ErrorCode = (typeof codes)[keyof typeof codes]

/** The errors rsheapdump rejects or throws with: a stable `code`, and where it applies the file and system call (as Node's own errors), or the byte offset of malformed input. */
export interface RsheapdumpError extends Error {
  /** One of {@link codes}, or an errno name such as `ENOENT` or `ENOSPC`. */
  code: ErrorCode | (string & {})
  syscall?: string
  path?: string
  errno?: number
  offset?: number
  cause?: unknown
  /** `ERR_RSHEAPDUMP_NO_HEADROOM`: the bytes V8 was expected to need for the snapshot. */
  needed?: number
  /** `ERR_RSHEAPDUMP_NO_HEADROOM`: the bytes the process could still use. */
  available?: number
  /** `ERR_RSHEAPDUMP_NO_HEADROOM`: which bound gave `available`. */
  bound?: MemoryHeadroom['bound']
}
