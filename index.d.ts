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
