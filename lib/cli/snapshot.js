'use strict';
// `rsheapdump snapshot <pid>`: heap snapshot of another Node process, by attaching to it.

const path = require('node:path');
const { UsageError, parse, progress } = require('./common');
const { pidArg, withTarget, attachOptions, attachUsage } = require('./attach-common');

const summary = 'heap snapshot of a running Node process, by pid (nothing installed in it)';

const usage = `Usage: rsheapdump snapshot <pid> [options]

Attaches to the process (opening its inspector on 127.0.0.1 with SIGUSR1 if it is not open, and
closing it afterwards), writes a heap snapshot of its main thread and prints the file, its size
and how long the process was paused. Ctrl-C abandons the snapshot (no file is left).

Options:
  -o, --output FILE      where to write (default: Heap.<date>.<time>.<pid>.0.<n>.heapsnapshot.gz)
      --no-gzip          write plain JSON instead of gzip
      --method M         'interrupt': V8's own writer, run in the target by interrupt, into a
                         private directory next to the output, then compressed into place (the
                         shortest pause; works in a stuck main thread); 'inspector': V8 streams
                         it over the protocol, with V8's progress; 'auto' (default): interrupt,
                         or inspector when the target cannot write next to the output
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
    // V8's progress (inspector method), or: bytes V8's own writer has written (total 0, its size
    // is not known ahead), then the copy into the output (interrupt method).
    let label = 'snapshot';
    const onProgress = (done, total) => {
      if (!total) {
        label = values['no-gzip'] ? 'copying' : 'compressing';
        return bar.update(`snapshot: ${mb(done)} written by V8`);
      }
      const pct = Math.floor((done / total) * 100);
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      bar.update(`${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}%`);
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
