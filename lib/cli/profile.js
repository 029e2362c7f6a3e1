'use strict';
// `rsheapdump profile <pid>` and `rsheapdump heap-profile <pid>`: a CPU or sampling heap profile
// of another Node process, by attaching to it, then its top functions or allocation sites.

const fs = require('node:fs');
const { UsageError, parse } = require('./common');
const { pidArg, duration, byteSize, withTarget, attachOptions, attachUsage } = require('./attach-common');
const { printBottomUp } = require('./top');
const { mb } = require('./snapshot');
const { CPU_INTERVAL_US, HEAP_INTERVAL_BYTES } = require('../defaults');

function usageOf(kind) {
  const cpu = kind === 'cpu';
  return `Usage: rsheapdump ${cpu ? 'profile' : 'heap-profile'} <pid> [options]

Attaches to the process (opening its inspector on 127.0.0.1 with SIGUSR1 if it is not open, and
closing it afterwards), records a ${cpu ? 'CPU profile (.cpuprofile, as node --cpu-prof writes)' : 'sampling heap profile (.heapprofile, as node --heap-prof writes)'}
for the duration, writes it and prints the top ${cpu ? 'functions by self time' : 'allocation sites by sampled bytes'}.
Ctrl-C stops early and still writes the profile.

Options:
  -d, --duration T       how long to record: 10s (default), 500ms, 2m
      --interval ${cpu ? 'T       sampling interval: 1ms (default), 100us (a bare number is microseconds)' : 'BYTES   mean bytes between samples: 32k (default)'}
  -o, --output FILE      where to write (default: ${cpu ? 'CPU' : 'Heap'}.<date>.<time>.<pid>.0.<n>.${cpu ? 'cpuprofile' : 'heapprofile'}; .gz compresses)
${cpu ? '      --flame FILE.svg   also write an interactive flame graph\n' : '      --live             only objects still alive at the end (default: every sampled allocation)\n'}  -n, --limit N          rows to show (default 15; 0 shows all)
${attachUsage}
  -h, --help             show this help
`;
}

function command(kind) {
  const cpu = kind === 'cpu';
  const usage = usageOf(kind);
  async function main(argv) {
    const { values, positionals } = parse(argv, {
      duration: { type: 'string', short: 'd' },
      interval: { type: 'string' },
      output: { type: 'string', short: 'o' },
      limit: { type: 'string', short: 'n' },
      ...(cpu ? { flame: { type: 'string' } } : { live: { type: 'boolean' } }),
      ...attachOptions,
    });
    const pid = pidArg(positionals);
    const durationMs = values.duration === undefined ? 10000 : duration(values.duration, 'duration');
    const limit = values.limit === undefined ? 15 : /^\d+$/.test(values.limit) ? Number(values.limit) : badLimit(values.limit);
    let interval;
    if (values.interval !== undefined) {
      interval = cpu ? Math.round(duration(values.interval, 'interval', 'us') * 1000) : byteSize(values.interval, 'interval');
      const { min, max } = cpu ? CPU_INTERVAL_US : HEAP_INTERVAL_BYTES;
      if (interval < min || interval > max) throw new UsageError(`--interval must be from ${cpu ? '10us to 1s' : `1 to ${max} bytes`}, got '${values.interval}'`);
    }
    return withTarget(pid, values, async (target, signal) => {
      if (!values.json) process.stderr.write(`rsheapdump: recording for ${durationMs / 1000} s (Ctrl-C stops early)\n`);
      const opts = { durationMs, filename: values.output, signal };
      const out = cpu ? await target.cpuProfile({ ...opts, intervalUs: interval }) : await target.heapProfile({ ...opts, intervalBytes: interval, includeCollected: !values.live });
      const native = require('../native');
      const a = cpu ? await native.analyzeCpuProfile(out.path, {}) : await native.analyzeHeapProfile(out.path, {});
      let flame;
      if (values.flame) {
        const svg = await native.flameGraph(out.path, { title: `CPU profile of process ${pid}` });
        fs.writeFileSync(values.flame, svg);
        flame = values.flame;
      }
      if (values.json) {
        const functions = limit ? a.functions.slice(0, limit) : a.functions;
        process.stdout.write(JSON.stringify({ pid, nodeVersion: target.nodeVersion, ...out, flame, functions }, null, 2) + '\n');
        return 0;
      }
      process.stdout.write(`${out.path}  ${mb(out.bytes)}, ${(out.durationMs / 1000).toFixed(1)} s\n${flame ? `${flame}  flame graph\n` : ''}\n`);
      process.stdout.write(printBottomUp(a, out.path, limit) + '\n');
      return 0;
    });
  }
  return { usage, main };
}

function badLimit(v) {
  throw new UsageError(`--limit needs a whole number, got '${v}'`);
}

module.exports = { command };
