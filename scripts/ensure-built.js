'use strict';
// Builds the addon when it is missing or older than any Rust source, Cargo.toml or build.rs.
// `npm test` and `npm run demo` call this first, so a fresh clone needs no separate build step.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const binaries = fs.readdirSync(root).filter((f) => f.endsWith('.node'));
const built = binaries.length ? Math.min(...binaries.map((f) => fs.statSync(path.join(root, f)).mtimeMs)) : 0;
const sources = Math.max(
  newest(path.join(root, 'src')),
  ...['Cargo.toml', 'build.rs'].map((f) => fs.statSync(path.join(root, f)).mtimeMs),
);

if (built < sources || process.argv.includes('--force')) {
  process.stderr.write(binaries.length ? 'rsheapdump: sources changed, rebuilding the addon...\n' : 'rsheapdump: building the addon (first run)...\n');
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const r = spawnSync(npx, ['napi', 'build', '--platform', '--release', '--js', 'binding.js', '--dts', 'binding.d.ts'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('rsheapdump: building the addon failed (see above). A Rust toolchain (cargo) is needed to build from source.\n');
    process.exit(r.status || 1);
  }
}
