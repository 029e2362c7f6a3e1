'use strict';
// The `rsheapdump` command as a Unix tool: exit codes and what happens around it.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { ROOT, tmpdir } = require('./helpers');

const BIN = path.join(ROOT, 'bin', 'rsheapdump.js');
const dir = tmpdir();
const snapshot = path.join(dir, 'cli.heapsnapshot');
spawnSync(process.execPath, ['-e', `require('v8').writeHeapSnapshot(${JSON.stringify(snapshot)})`]);

test('a closed stdout ends the CLI quietly with exit 0 (summary | head -1)', async () => {
  // The read end is closed before the CLI writes, so its first write fails with EPIPE.
  const child = spawn(process.execPath, [BIN, 'summary', snapshot, '--top', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const [code, signal] = await new Promise((resolve) => child.on('close', (...a) => resolve(a)));
  assert.equal(stderr, '');
  assert.equal(signal, null);
  assert.equal(code, 0);
});

function cpuProfile() {
  const file = path.join(dir, 'cli.cpuprofile');
  const frame = (functionName, lineNumber) => ({ functionName, scriptId: '1', url: 'file:///app.js', lineNumber, columnNumber: 0 });
  // root -> a -> b -> c -> d -> e -> f: a tree of 6 rows below the root.
  const names = ['(root)', 'a', 'b', 'c', 'd', 'e', 'f'];
  const nodes = names.map((n, i) => ({ id: i + 1, callFrame: frame(n, i), hitCount: 1, children: i + 1 < names.length ? [i + 2] : [] }));
  const samples = names.map((_, i) => i + 1);
  fs.writeFileSync(file, JSON.stringify({ nodes, startTime: 0, endTime: 7000, samples, timeDeltas: samples.map(() => 1000) }));
  return file;
}

test('top --tree -n N shows N rows of the tree and says how many more there are', () => {
  const all = spawnSync(process.execPath, [BIN, 'top', cpuProfile(), '--tree', '--min-percent', '0'], { encoding: 'utf8' });
  assert.equal(all.status, 0, all.stderr);
  const rows = (out) => out.split('\n').filter((l) => /^\s*[\d.]+\s+[\d.]+%/.test(l));
  assert.equal(rows(all.stdout).length, 6, all.stdout); // (root) is not a row
  const two = spawnSync(process.execPath, [BIN, 'top', cpuProfile(), '--tree', '--min-percent', '0', '-n', '2'], { encoding: 'utf8' });
  assert.equal(two.status, 0, two.stderr);
  assert.equal(rows(two.stdout).length, 2, two.stdout);
  assert.match(two.stdout, /\.\.\. 4 more rows/);
});

test('every command lists its exit codes in --help', () => {
  for (const cmd of ['summary', 'diff', 'leaks', 'retainers', 'top', 'fold', 'flame']) {
    const r = spawnSync(process.execPath, [BIN, cmd, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
    assert.match(r.stdout, /^Exit codes: 0 ok.*1 .*2 usage/ms, `${cmd} --help`);
  }
});

test('a snapshot given to top names a command that exists', () => {
  const r = spawnSync(process.execPath, [BIN, 'top', snapshot], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  const named = [...r.stderr.matchAll(/'rsheapdump (\w+)'/g)].map((m) => m[1]);
  assert.ok(named.length > 0, r.stderr);
  const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' }).stdout;
  for (const cmd of named) assert.match(help, new RegExp(`^\\s+${cmd}\\b`, 'm'), `'rsheapdump ${cmd}' is not a command`);
});
