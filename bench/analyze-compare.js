'use strict';
// Compares rsheapdump's Summary with DevTools' (run headless) on the same files, class by class
// and number by number. Exit code 1 on any difference.
//
//   node bench/analyze-compare.js a.heapsnapshot [b.heapsnapshot.gz ...]

const { analyzeWithDevTools } = require('./analyze-devtools');

const STAT_KEYS = ['total', 'v8heap', 'native', 'code', 'strings', 'jsArrays', 'typedArrays', 'system'];
const CLASS_KEYS = ['name', 'count', 'shallowSize', 'retainedSize', 'distance'];

/** Lists every difference between two summaries (ours, DevTools'); empty when equal. */
function differences(ours, theirs) {
  const out = [];
  for (const k of STAT_KEYS) {
    if (ours.statistics[k] !== theirs.statistics[k]) out.push(`statistics.${k}: ours ${ours.statistics[k]}, DevTools ${theirs.statistics[k]}`);
  }
  const mine = new Map(ours.classes.map((c) => [c.key, c]));
  const ref = new Map(theirs.classes.map((c) => [c.key, c]));
  for (const [key, c] of ref) {
    const m = mine.get(key);
    if (!m) {
      out.push(`class ${JSON.stringify(key)} missing (DevTools: ${JSON.stringify(c)})`);
      continue;
    }
    for (const k of CLASS_KEYS) {
      if (m[k] !== c[k]) out.push(`class ${JSON.stringify(key)}.${k}: ours ${m[k]}, DevTools ${c[k]}`);
    }
  }
  for (const key of mine.keys()) if (!ref.has(key)) out.push(`class ${JSON.stringify(key)} only in ours`);
  return out;
}

async function main() {
  const files = process.argv.slice(2);
  if (!files.length) {
    process.stderr.write('usage: node bench/analyze-compare.js <file.heapsnapshot[.gz]>...\n');
    process.exitCode = 2;
    return;
  }
  const { analyzeSnapshot } = require('../binding.js');
  for (const f of files) {
    const [ours, theirs] = [await analyzeSnapshot(f), await analyzeWithDevTools(f)];
    const diff = differences(ours, theirs);
    const numbers = STAT_KEYS.length + theirs.classes.length * CLASS_KEYS.length;
    process.stdout.write(`${f}: ${theirs.classes.length} classes, ${ours.nodeCount} nodes: ${diff.length ? `${diff.length} differences` : `all ${numbers} numbers equal`}\n`);
    for (const d of diff.slice(0, 50)) process.stdout.write(`  ${d}\n`);
    if (diff.length) process.exitCode = 1;
  }
}

if (require.main === module) main();

module.exports = { differences };
