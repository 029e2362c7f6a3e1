'use strict';
// `rsheapdump snapshot <pid>`: heap snapshot of another Node process, by attaching to it.

const path = require('node:path');
const { UsageError, parse, progress } = require('./common');
const { pidArg, withTarget, attachOptions, attachUsage } = require('./attach-common');

const summary = 'heap snapshot of a running Node process, by pid (nothing installed in it)';

const usage = `Usage: rsheapdump snapshot <pid> [options]

Attaches to the process (opening its inspector on 127.0.0.1 with SIGUSR1 if it is not open, and
closing it afterwards), streams a heap snapshot of its main thread to disk and prints the file,
its size and how long the process was paused. Ctrl-C abandons the snapshot (no file is left).

Options:
  -o, --output FILE      where to write (default: Heap.<date>.<time>.<pid>.0.<n>.heapsnapshot.gz)
      --no-gzip          write plain JSON instead of gzip
      --method M         'auto' (default), 'inspector' (V8 streams chunks over the protocol, with
                         progress) or 'interrupt' (V8's own writer, run in the target by interrupt;
                         auto uses it on Node 22+ when the main thread is stuck in a loop)
${attachUsage}
  -h, --help             show this help
`;

async function main(argv) {
  const { values, positionals } = parse(argv, {
    output: { type: 'string', short: 'o' },
    'no-gzip': { type: 'boolean' },
    method: { type: 'string' },
    ...attachOptions,
  });
  const pid = pidArg(positionals);
  if (values.method !== undefined && !['auto', 'inspector', 'interrupt'].includes(values.method)) {
    throw new UsageError(`--method must be 'auto', 'inspector' or 'interrupt', got '${values.method}'`);
  }
  return withTarget(pid, values, async (target, signal) => {
    const bar = progress(!values.json && process.stderr.isTTY);
    const onProgress = (done, total) => {
      const pct = total ? Math.floor((done / total) * 100) : 0;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      bar.update(`snapshot [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}%`);
    };
    let out;
    try {
      out = await target.writeSnapshot(values.output, { gzip: !values['no-gzip'], method: values.method, onProgress, signal });
    } finally {
      bar.done();
    }
    if (values.json) {
      process.stdout.write(JSON.stringify({ pid, nodeVersion: target.nodeVersion, ...out }, null, 2) + '\n');
    } else {
      const rel = path.relative(process.cwd(), out.path);
      const shown = rel && !rel.startsWith('..') ? rel : out.path;
      process.stdout.write(`${shown}  ${mb(out.bytes)}${out.rawBytes !== out.bytes ? ` (${mb(out.rawBytes)} uncompressed)` : ''}, process ${pid} paused ${Math.round(out.pauseMs)} ms\n`);
    }
    return 0;
  });
}

function mb(n) {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

module.exports = { summary, usage, main, mb };
