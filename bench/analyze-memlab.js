'use strict';
// memlab as a benchmark contender: load a snapshot the way memlab's getFullHeapFromFile does
// (@memlab/heap-analysis; it calls @memlab/core's utils.getSnapshotFromFile with a node-id
// index, which parses and computes dominators and retained sizes) and sum count, shallow and
// retained size per class, the closest memlab gets to DevTools' Summary.
//
//   MEMLAB_MODULES=/tmp/memlab/node_modules node bench/analyze-memlab.js app.heapsnapshot
//
// Install memlab outside the project: `PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-save @memlab/core`.

const path = require('node:path');

async function main() {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/analyze-memlab.js <file.heapsnapshot>\n');
    process.exitCode = 2;
    return;
  }
  const modules = process.env.MEMLAB_MODULES || path.join(__dirname, '..', 'node_modules');
  const { utils, config } = require(path.join(modules, '@memlab/core'));
  if (config) config.muteConsole = true;
  const t0 = process.hrtime.bigint();
  const heap = await utils.getSnapshotFromFile(file, { buildNodeIdIndex: true });
  const classes = new Map();
  heap.nodes.forEach((node) => {
    if (!node.self_size) return;
    // DevTools-like classes: objects by constructor name, everything else by node type.
    const name = node.type === 'object' || node.type === 'native' ? node.name : node.type === 'closure' ? 'Function' : `(${node.type})`;
    const c = classes.get(name) ?? { count: 0, shallowSize: 0, retainedSize: 0 };
    c.count++;
    c.shallowSize += node.self_size;
    c.retainedSize += node.retainedSize;
    classes.set(name, c);
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(`memlab: ${classes.size} classes, ${heap.nodes.length} nodes, ${ms.toFixed(0)} ms\n`);
}

main().catch((err) => {
  process.stderr.write(String(err?.stack || err) + '\n');
  process.exitCode = 1;
});
