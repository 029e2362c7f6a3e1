'use strict';
// Runs __test__/*.test.js with node:test under the Node running this script. Node 20 and
// Node 22+ disagree on directory and glob arguments to --test, so the files are listed here.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const dir = path.join(__dirname, '..', '__test__');
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
  .map((f) => path.join(dir, f));
// One file at a time: suites time pauses and share signals. --test-concurrency came in 20.10 (and
// is not listed in allowedNodeEnvironmentFlags, so probe the version); before it, one run per file.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 20 || minor >= 10) {
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
let status = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ['--test', f], { stdio: 'inherit' });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
