'use strict';
// The Node 20 line-end warm-up, on the thread that is about to take a snapshot.
//
// V8 before 12 (Node 20) finds a function's line by scanning its script from the start unless the
// script's line-end table exists; Debugger.enable builds the table for every loaded script. With a
// 9 MB bundle loaded, this turns a 23 s snapshot into 0.7 s (DESIGN.md §3). Newer V8 builds them
// itself. Scripts loaded since the last snapshot need it too, so it runs before every snapshot.
// RSHEAPDUMP_NO_WARMUP=1 turns it off (for benchmarks).
//
// A session on this thread runs its commands synchronously. It stays connected: V8 forgets its
// heap object ids when any inspector session goes away, and snapshots are compared by those ids.

const inspector = require('node:inspector');

const NEEDS_LINE_END_WARMUP = Number.parseInt(process.versions.v8, 10) < 12 && !process.env.RSHEAPDUMP_NO_WARMUP;

let session = null;

/** Builds the line-end table of every loaded script (Node 20 only); never throws. */
function warmLineEnds() {
  if (!NEEDS_LINE_END_WARMUP) return;
  try {
    if (!session) {
      const s = new inspector.Session();
      s.connect();
      session = s;
    }
    session.post('Debugger.enable');
    session.post('Debugger.disable');
  } catch {
    // Only an optimization: the snapshot is valid without it.
  }
}

module.exports = { warmLineEnds, NEEDS_LINE_END_WARMUP };
