'use strict';
// heapdump 0.3.15's own test suite (test/test-*.js in bnoordhuis/node-heapdump), one test each,
// named after it. Each runs the original test's steps in a child process with only the require
// line changed (tap's assertions become node:assert; shelljs' rm/ls/exec become fs and
// child_process calls with the same effect).

const test = require('node:test');
const assert = require('node:assert/strict');
const { runChild } = require('./helpers');

test('test-callback: writeSnapshot(callback) writes heapdump-*.heapsnapshot before calling back', async () => {
  const r = await runChild(`
    const fs = require('fs');
    const http = require('http');
    const assert = require('assert');
    const heapdump = require('rsheapdump');
    const server = http.createServer((req, res) => { res.writeHeader(200); res.end(); });
    server.on('listening', () => {
      for (const f of fs.readdirSync('.')) if (/^heapdump-.*\\.heapsnapshot$/.test(f)) fs.rmSync(f, { force: true });
      function waitForHeapdump() {
        const files = fs.readdirSync('.').filter((f) => /^heapdump-.*\\.heapsnapshot$/.test(f));
        assert.equal(files.length, 1, 'Heap file should be present');
        server.close();
        console.log('ok');
      }
      heapdump.writeSnapshot(waitForHeapdump);
    });
    server.listen(0);
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ok');
});

test('test-callback-without-filename: writeSnapshot(filename, callback) writes that file before calling back', async () => {
  const r = await runChild(`
    const fs = require('fs');
    const path = require('path');
    const http = require('http');
    const assert = require('assert');
    const heapdump = require('rsheapdump');
    const server = http.createServer((req, res) => { res.writeHeader(200); res.end(); });
    server.on('listening', () => {
      const heapSnapshotFile = path.join(__dirname, 'heapdump-' + Date.now() + '.heapsnapshot');
      fs.rmSync(heapSnapshotFile, { force: true });
      function waitForHeapdump() {
        assert.equal(fs.existsSync(heapSnapshotFile) ? 1 : 0, 1, 'Heap file should be present');
        server.close();
        console.log('ok');
      }
      heapdump.writeSnapshot(heapSnapshotFile, waitForHeapdump);
    });
    server.listen(0);
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ok');
});

test('test-callback-error: a bad path calls back with "heapdump write error" before writeSnapshot returns', async () => {
  const r = await runChild(`
    const assert = require('assert');
    const heapdump = require('rsheapdump');
    let ncalls = 0;
    heapdump.writeSnapshot('/does/not/exist', function (err) {
      assert(/heapdump write error/.test(err.message));
      ncalls++;
    });
    assert(ncalls === 1);
    console.log('ok');
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ok');
  assert.equal(r.stderr, '', 'no unhandled rejection is reported');
});

test('test-sigusr2: kill -usr2 <pid> writes heapdump-*.heapsnapshot within 500 ms', async () => {
  const r = await runChild(`
    const fs = require('fs');
    const http = require('http');
    const assert = require('assert');
    const { execSync } = require('child_process');
    const heapdump = require('rsheapdump');
    process.chdir(__dirname);
    const server = http.createServer((req, res) => {
      res.writeHeader(200, { 'Content-Type': 'text/plain;charset=utf-8', 'Content-Length': '2' });
      res.end('OK');
    });
    server.on('listening', () => {
      for (const f of fs.readdirSync('.')) if (/^heapdump-.*\\.heapsnapshot$/.test(f)) fs.rmSync(f, { force: true });
      execSync(['kill', '-usr2', process.pid].join(' '));
      function waitForHeapdump() {
        const files = fs.readdirSync('.').filter((f) => /^heapdump-.*\\.heapsnapshot$/.test(f));
        assert.equal(files.length, 1, 'Heap file should be present');
        server.close();
        console.log('ok');
      }
      setTimeout(waitForHeapdump, 500);
    });
    server.listen(0);
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ok');
});
