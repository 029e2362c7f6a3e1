'use strict';
// `rsheapdump view <file>`: analyzes a snapshot once, keeps it in memory, and serves a page to
// explore it on 127.0.0.1 (token-guarded) until Ctrl-C; a CPU or heap profile gets its bottom-up
// and top-down tables and a searchable flame graph.

const { spawn } = require('node:child_process');
const common = require('./common');
const { progressReporter } = require('./report');
const { kindOf } = require('../viewer/kind');

const summary = 'explore a heap snapshot in the browser (local, token-guarded server)';

const usage = `Usage: rsheapdump view <file.heapsnapshot|.cpuprofile|.heapprofile[.gz]> [--port N] [--no-open]
       rsheapdump view BEFORE.heapsnapshot AFTER.heapsnapshot   (Comparison)
       rsheapdump view BASE TARGET FINAL                         (leak clusters)

Analyzes the snapshot (as 'summary' does), keeps it in memory and serves a page
on 127.0.0.1 to explore it: the Summary sortable by every column and filtered
by name, a class's objects by retained size, an object's shortest paths from
the roots, its retainers and references as expandable trees, search by @id,
and the Statistics as a chart. The page asks for what it shows, page by page,
so snapshots of any size work. For a .cpuprofile or .heapprofile (the kind is
read from the content): bottom-up and top-down tables and a flame graph with
zoom and search (by time for CPU profiles, by bytes for heap profiles).

With two snapshots of one process the page also has DevTools' Comparison (the
last one is explored; click a class for its new objects); with three, the leak
clusters (allocated after BASE, present in TARGET, still alive in FINAL) with
their retainer paths, FINAL explored.

The URL printed carries a random token; requests without it get 403. Nothing
listens beyond 127.0.0.1. Ctrl-C stops the server.

  --port N     port to listen on (default: a free one)
  --no-open    print the URL without opening a browser
  -h, --help   show this help

Exit codes: 0 stopped with Ctrl-C, 1 the file could not be read or the port is
in use, 2 usage error.
`;

/** Opens `url` in the desktop's browser when there is one; quietly does nothing otherwise. */
function openBrowser(url) {
  const cmd = process.platform === 'darwin' ? 'open' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener: the URL is printed anyway.
  }
}

async function main(argv) {
  const { values, positionals } = common.parse(argv, { port: { type: 'string' }, 'no-open': { type: 'boolean' } });
  if (positionals.length < 1 || positionals.length > 3) throw new common.UsageError(positionals.length ? 'view takes one file, or two or three snapshots' : 'missing the snapshot file');
  let port = 0;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new common.UsageError('--port needs a port number (0 to 65535)');
    port = Number(values.port);
  }
  const { openSnapshot } = require('../view');
  const { serve } = require('../viewer/server');
  const progress = common.progress();
  const t0 = Date.now();
  const last = positionals[positionals.length - 1];
  const kind = await kindOf(last);
  if (positionals.length > 1 && kind !== 'snapshot') throw new common.UsageError('two or three files must be heap snapshots (of one process)');
  let view = null;
  let compare;
  if (kind === 'snapshot') {
    try {
      view = await openSnapshot(last, { onProgress: progressReporter(progress) });
    } finally {
      progress.done();
    }
    try {
      const { diffSnapshots, findLeaks } = require('../compare');
      if (positionals.length === 2) {
        const [diff] = await Promise.all([diffSnapshots(positionals[0], last), view.setBaseline(positionals[0])]);
        compare = { base: positionals[0], diff };
      } else if (positionals.length === 3) {
        compare = { files: positionals, leaks: await findLeaks(positionals[0], positionals[1], last, { limit: 100 }) };
      }
    } catch (err) {
      view.close();
      throw err;
    }
  }
  let server;
  try {
    server = await serve(view, { file: last, port, kind, compare });
  } catch (err) {
    if (view) view.close();
    throw err;
  }
  process.stderr.write(`rsheapdump: analyzed ${positionals[0]} in ${((Date.now() - t0) / 1000).toFixed(1)} s; serving on 127.0.0.1 until Ctrl-C\n`);
  process.stdout.write(`${server.url}\n`);
  if (!values['no-open']) openBrowser(server.url);
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close().then(() => {
        if (view) view.close();
        resolve(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

module.exports = { summary, usage, main };
