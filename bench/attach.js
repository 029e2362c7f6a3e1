'use strict';
// Attach benchmark: how long `rsheapdump snapshot <pid>` pauses a target's main thread, against
// v8.writeHeapSnapshot called in that same target (the baseline), in one run.
//
//   node bench/attach.js [--node path/to/node] [--mb 20] [--rounds 3]
//
// The target (a plain node script, no rsheapdump) holds about --mb MB of small objects and
// measures its own pauses: a 1 ms timer records the longest gap between two of its ticks, so
// every method is judged by the same clock, in the process that pays for it. Per round, in
// alternating order: the baseline (the target calls v8.writeHeapSnapshot itself from a timer),
// attach + snapshot by the protocol (gzip, plain) and by interrupt (V8's own writer, run in the
// target by an inspector interrupt; the default), gzip afterwards. Each attach opens the inspector by SIGUSR1 and closes it,
// as the CLI does; the gap covers only the snapshot (the timer is reset after attaching).
// Prints the medians and their ratios to the baseline.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { parseArgs } = require('node:util');
const { attach } = require('..');

const { values } = parseArgs({ options: { node: { type: 'string' }, mb: { type: 'string', default: '20' }, rounds: { type: 'string', default: '3' } } });
const node = values.node ?? process.execPath;
const rounds = Number(values.rounds);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsheapdump-bench-attach-'));

const TARGET = `
const v8 = require('node:v8');
class BenchRecord { constructor(i) { this.id = i; this.name = 'record-' + i; this.tags = [i % 7, i % 11]; } }
const keep = [];
while (process.memoryUsage().heapUsed < ${Number(values.mb)} * 1e6) for (let i = 0; i < 10000; i++) keep.push(new BenchRecord(keep.length));
let last = performance.now(), maxGap = 0;
setInterval(() => { const now = performance.now(); maxGap = Math.max(maxGap, now - last); last = now; }, 1);
process.stdin.setEncoding('utf8');
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const [cmd, arg] = buf.slice(0, i).split(' ');
    buf = buf.slice(i + 1);
    if (cmd === 'reset') { last = performance.now(); maxGap = 0; process.stdout.write('ok\\n'); }
    else if (cmd === 'gap') process.stdout.write(maxGap + '\\n');
    else if (cmd === 'self') setTimeout(() => { v8.writeHeapSnapshot(arg); process.stdout.write('done\\n'); }, 5);
  }
});
process.stdout.write(JSON.stringify({ heapUsedMb: process.memoryUsage().heapUsed / 1e6 }) + '\\n');
`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const script = path.join(dir, 'target.js');
  fs.writeFileSync(script, TARGET);
  // --inspect-port=0: SIGUSR1 opens on a free port (9229 may be in use on a shared machine).
  const target = spawn(node, ['--inspect-port=0', script], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = [];
  let waiting = null;
  let rest = '';
  target.stdout.on('data', (d) => {
    rest += d;
    let i;
    while ((i = rest.indexOf('\n')) >= 0) {
      lines.push(rest.slice(0, i));
      rest = rest.slice(i + 1);
    }
    if (waiting && lines.length) waiting();
  });
  const next = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => (waiting = () => ((waiting = null), r(lines.shift())))));
  const ask = async (cmd) => {
    target.stdin.write(cmd + '\n');
    return next();
  };
  try {
    const { heapUsedMb } = JSON.parse(await next());
    const version = await new Promise((r) => {
      const c = spawn(node, ['--version']);
      let v = '';
      c.stdout.on('data', (d) => (v += d));
      c.on('close', () => r(v.trim()));
    });
    const results = { baseline: [], 'attach gzip': [], 'attach plain': [], 'attach interrupt': [] };
    const methods = Object.keys(results);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? [...methods].reverse() : methods;
      for (const m of order) {
        const file = path.join(dir, `s-${r}-${m.replace(/ /g, '-')}.heapsnapshot`);
        if (m === 'baseline') {
          await ask('reset');
          target.stdin.write(`self ${file}\n`);
          await next(); // 'done'
        } else {
          const t = await attach(target.pid);
          try {
            await ask('reset');
            await t.writeSnapshot(file, { gzip: m === 'attach gzip', method: m === 'attach interrupt' ? 'interrupt' : 'inspector' });
          } finally {
            await t.detach();
          }
        }
        await sleep(50);
        results[m].push(Number(await ask('gap')));
        for (const f of fs.readdirSync(dir)) if (f.startsWith('s-')) fs.rmSync(path.join(dir, f), { force: true });
        await sleep(300);
      }
    }
    const base = median(results.baseline);
    console.log(`Node ${version}, heapUsed ${heapUsedMb.toFixed(1)} MB, ${rounds} rounds; longest main-thread gap in the target (median)`);
    for (const m of methods) {
      const p = median(results[m]);
      console.log(`${m.padEnd(18)} ${p.toFixed(0).padStart(6)} ms  ${(p / base).toFixed(2)}x   [${results[m].map((x) => x.toFixed(0)).join(', ')}]`);
    }
  } finally {
    target.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
