// Types for rsheapdump's public API.

/** Options of {@link writeSnapshot}. */
export interface WriteSnapshotOptions {
  /** `true` (level 1), a level from 1 to 9, or `false`. A `.gz` file name implies gzip. */
  gzip?: boolean | number
  /** Record numeric values of heap numbers (about 25% larger files). */
  captureNumericValue?: boolean
  /** Include V8's internal objects. */
  exposeInternals?: boolean
}

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

/** Heap composition in bytes, as the Statistics view of Chrome DevTools' Memory panel shows it. */
export interface SnapshotStatistics {
  /** The root's retained size plus native memory outside the graph. */
  total: number
  /** Total minus native. */
  v8heap: number
  native: number
  code: number
  strings: number
  jsArrays: number
  typedArrays: number
  system: number
}

/** One row of DevTools' Summary view. */
export interface SnapshotClass {
  /** Constructor name (`Function` for closures, `(string)`, `{a, b}` for plain objects...). */
  name: string
  /** DevTools' class key: `,Name`, or `scriptId,line,column,Name` for classes split by location. */
  key: string
  /** Objects with a non-zero shallow size. */
  count: number
  shallowSize: number
  /** Retained size of the class (objects dominated by another of the same class counted once). */
  retainedSize: number
  /** Smallest distance from the GC roots (system-only objects from 100000000). */
  distance: number
}

/** What {@link analyzeSnapshot} resolves to. */
export interface SnapshotSummary {
  statistics: SnapshotStatistics
  classes: SnapshotClass[]
  nodeCount: number
  edgeCount: number
}

/**
 * Analyzes a `.heapsnapshot` (plain or gzip) off the event loop: the numbers of DevTools' Summary.
 * Malformed input rejects with `code: 'ERR_RSHEAPDUMP_PARSE'` and the byte `offset`.
 */
export function analyzeSnapshot(path: string): Promise<SnapshotSummary>

/** Blocking twin of {@link analyzeSnapshot}; `onProgress` is called on this thread. */
export function analyzeSnapshotSync(path: string, onProgress?: (phase: 'parsing' | 'graph' | 'dominators', fraction: number) => void): SnapshotSummary

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
