'use strict';
// One owner for a native sink (src/capture/sink.rs: `<file>.partial`, 0600, gzip on a thread of
// its own, fsync and rename at finish) from open to finish or abort, so that no failure path
// leaves a partial file behind. A leaf over lib/native.js: the main thread, the capture worker,
// the stall worker and attach all use it.
//
// A sink may be opened on one thread and fed on another (the file is opened on the caller's
// thread so that a bad path fails at once; the capture worker writes it): the opener lends it
// with `guard`, which aborts if the other thread's job fails (the worker may even die), and the
// worker `adopt`s the id, writes and finishes. Abort is idempotent across threads: the native
// registry ignores an id that is already finished or aborted.

const native = require('./native');

class Sink {
  #id;
  #settled = false;

  constructor(id) {
    this.#id = id;
  }

  /** Opens `<file>.partial` (gzip `level` or none); throws the open error (ENOENT, EACCES, EISDIR...). */
  static open(file, level) {
    return new Sink(native.sinkOpen(file, level ?? undefined));
  }

  /** The sink another thread opened and passed by id; null when there is none (no file wanted). */
  static adopt(id) {
    return id === undefined || id === null ? null : new Sink(id);
  }

  /** The id to pass to another thread, which adopts it. */
  get id() {
    return this.#id;
  }

  /** Queues a chunk (string or bytes) for the writer thread; throws if the sink is gone. */
  write(chunk) {
    native.sinkWrite(this.#id, chunk);
  }

  /** Completes the file (flush, fsync, rename); resolves to { path, bytes, rawBytes }. */
  finish() {
    this.#settled = true;
    return native.sinkFinish(this.#id);
  }

  /** Removes the partial file. Idempotent and never throws: it runs on failure paths. */
  abort() {
    if (this.#settled) return;
    this.#settled = true;
    try {
      native.sinkAbort(this.#id);
    } catch {
      // Nothing left to clean up; the caller's own error is the one that matters.
    }
  }

  /**
   * Runs `fn(sink)` (called synchronously, so a job it posts keeps its order); aborts the sink if
   * it throws or rejects. Resolves to fn's result; finishing is fn's (or another thread's) part.
   */
  async guard(fn) {
    try {
      return await fn(this);
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  /**
   * Runs `fn(sink)`, which writes, then finishes the sink; aborts it on any failure (of fn or of
   * the finish). Resolves to { path, bytes, rawBytes } plus the fields of the object fn returns.
   */
  complete(fn) {
    return this.guard(async () => {
      const extra = await fn(this);
      const written = await this.finish();
      return { path: written.path, bytes: written.bytes, rawBytes: written.rawBytes, ...extra };
    });
  }
}

/**
 * Opens a sink on `file` (gzip `level` or none), runs `fn(sink)` to write it and finishes it;
 * the sink is aborted if anything fails, the open's error included (a rejection, never a throw).
 * Resolves as Sink#complete.
 */
async function withSink(file, level, fn) {
  return Sink.open(file, level).complete(fn);
}

module.exports = { Sink, withSink };
