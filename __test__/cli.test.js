'use strict';
// The `rsheapdump` command as a Unix tool: exit codes and what happens around it.

const test = require('node:test');
const assert = require('node:assert/strict');
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
