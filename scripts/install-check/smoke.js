'use strict';
// Run inside a fresh install of the packed tarballs: a gzip snapshot through the installed
// package, then its summary through the API (when present) and through the `rsheapdump` bin.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const rsheapdump = require('rsheapdump');

class InstalledCheckThing {}
globalThis.keep = Array.from({ length: 1234 }, () => new InstalledCheckThing());

(async () => {
  const resolved = require.resolve('rsheapdump');
  assert.ok(resolved.includes(`${path.sep}node_modules${path.sep}rsheapdump${path.sep}`), `loaded from node_modules: ${resolved}`);
  const file = await rsheapdump.writeSnapshot(path.join(__dirname, 'installed.heapsnapshot.gz'), { gzip: true });
  const bytes = fs.readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
  console.log(`snapshot: ${file} (${bytes.length} bytes)`);
  if (typeof rsheapdump.analyzeSnapshot === 'function') {
    const s = await rsheapdump.analyzeSnapshot(file);
    const cls = s.classes.find((c) => c.name === 'InstalledCheckThing');
    assert.equal(cls && cls.count, 1234, 'the summary counts the instances');
    console.log(`analyzeSnapshot: ${s.classes.length} classes, InstalledCheckThing x ${cls.count}`);
    const bin = path.join(__dirname, 'node_modules', '.bin', 'rsheapdump');
    const out = execFileSync(bin, ['summary', file, '--json'], { encoding: 'utf8' });
    const json = JSON.parse(out);
    assert.equal(json.classes.find((c) => c.name === 'InstalledCheckThing').count, 1234);
    console.log('rsheapdump summary (bin): ok');
    const esm = await import('rsheapdump/analyze');
    assert.equal(esm.analyzeSnapshot, require('rsheapdump/analyze').analyzeSnapshot);
    assert.equal((await import('rsheapdump')).writeSnapshot, rsheapdump.writeSnapshot);
    console.log('rsheapdump/analyze and the ESM entries: ok');
    if (typeof rsheapdump.attach === 'function') {
      // Attaching needs the bundled WebSocket client (ws) to resolve from the installed package.
      const { spawn } = require('node:child_process');
      const target = spawn(process.execPath, ['--inspect-port=0', '-e', 'setInterval(function installedLoop() {}, 5); console.log("ready")'], { stdio: ['ignore', 'pipe', 'ignore'] });
      try {
        await new Promise((resolve) => target.stdout.once('data', resolve));
        const out = JSON.parse(execFileSync(bin, ['stack', String(target.pid), '--json'], { encoding: 'utf8' }));
        assert.equal(out.pid, target.pid);
        console.log('rsheapdump stack <pid> (bin, bundled ws): ok');
      } finally {
        target.kill();
      }
    }
  } else {
    const bin = path.join(__dirname, 'node_modules', '.bin', 'rsheapdump');
    execFileSync(bin, ['--help'], { encoding: 'utf8' });
    console.log('rsheapdump --help (bin): ok (no analyzer in this build)');
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
