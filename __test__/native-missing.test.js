'use strict';
// Without the platform package, require('rsheapdump') throws an error that says how to fix it.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { tmpdir, runChild, copyPackage } = require('./helpers');

test('a missing native binary is ERR_RSHEAPDUMP_NATIVE_MISSING naming the platform, the package and the fix', async () => {
  const pkg = path.join(tmpdir(), 'node_modules', 'rsheapdump');
  copyPackage(pkg, { binary: false });
  const r = await runChild(
    `try { require(${JSON.stringify(pkg)}); console.log('loaded'); }
     catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, name: e.name })); }`,
    { cwd: path.dirname(path.dirname(pkg)) },
  );
  assert.equal(r.code, 0, r.stderr);
  const err = JSON.parse(r.stdout);
  assert.equal(err.code, 'ERR_RSHEAPDUMP_NATIVE_MISSING');
  assert.match(err.message, new RegExp(`${process.platform}-${process.arch}`));
  assert.match(err.message, new RegExp(`'rsheapdump-${process.platform}-${process.arch}`));
  assert.match(err.message, /npm install/);
});
