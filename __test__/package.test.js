'use strict';
// The package's shape: what loading it costs and what it exposes.

const test = require('node:test');
const assert = require('node:assert/strict');
const { runChild } = require('./helpers');

// Threads of this process, by /proc (Linux only: the count is what the kernel sees).
const THREADS = `() => require('node:fs').readdirSync('/proc/self/task').length`;

test('require with NODE_HEAPDUMP_OPTIONS=nosignal starts no thread', { skip: process.platform !== 'linux' && '/proc is Linux-only' }, async () => {
  const r = await runChild(
    `const threads = ${THREADS};
     const before = threads();
     require('rsheapdump');
     setTimeout(() => console.log(JSON.stringify({ before, after: threads() })), 100);`,
    { env: { NODE_HEAPDUMP_OPTIONS: 'nosignal' } },
  );
  assert.equal(r.code, 0, r.stderr);
  const { before, after } = JSON.parse(r.stdout);
  assert.equal(after, before, 'loading the addon must not start threads nothing uses');
});
