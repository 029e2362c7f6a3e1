'use strict';
// createDebugHandler: token guard, what a good request gets, and what a bad one cannot do.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');
const { tmpdir, readSnapshot, assertValidSnapshot, waitFor } = require('./helpers');
const { createDebugHandler } = require('..');

const TOKEN = 'test-token-0123456789abcdef';

async function serve(handler) {
  const server = http.createServer(handler);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  const request = (method, url, headers = {}) =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: url, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  return { request, close: () => new Promise((r) => server.close(r)) };
}

const auth = { Authorization: `Bearer ${TOKEN}` };

test('construction needs a token', () => {
  assert.throws(() => createDebugHandler({}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /options\.token/ });
  assert.throws(() => createDebugHandler(), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => createDebugHandler({ token: 'short' }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => createDebugHandler({ token: TOKEN, gzip: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('401 without a token or with a wrong one, and no snapshot is taken', async () => {
  const dir = tmpdir();
  const s = await serve(createDebugHandler({ token: TOKEN, dir }));
  try {
    const none = await s.request('POST', '/debug/heap');
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    assert.equal((await s.request('POST', '/debug/heap', { Authorization: `Bearer ${TOKEN}x` })).status, 401);
    assert.equal((await s.request('POST', '/debug/heap', { Authorization: TOKEN })).status, 401);
    assert.equal((await s.request('POST', '/debug/heap', { Authorization: `Bearer ${TOKEN.slice(0, -1)}` })).status, 401);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    await s.close();
  }
});

test('200 with the right token: a 0600 snapshot in dir that parses, named and sized in the answer', async () => {
  const dir = tmpdir();
  const s = await serve(createDebugHandler({ token: TOKEN, dir, gzip: true }));
  try {
    const r = await s.request('POST', '/debug/heap', auth);
    assert.equal(r.status, 200, r.body.toString());
    const body = JSON.parse(r.body);
    assert.equal(path.dirname(body.file), dir);
    assert.match(body.name, /^heapdump-\d+\.\d+\.heapsnapshot\.gz$/);
    assert.equal(body.bytes, fs.statSync(body.file).size);
    assert.equal(fs.statSync(body.file).mode & 0o777, 0o600);
    assertValidSnapshot(assert, readSnapshot(body.file));
  } finally {
    await s.close();
  }
});

test('?download=1 streams the snapshot back and removes it from dir', async () => {
  const dir = tmpdir();
  const s = await serve(createDebugHandler({ token: TOKEN, dir, gzip: true }));
  try {
    const r = await s.request('POST', '/debug/heap?download=1', auth);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/gzip');
    assert.match(r.headers['content-disposition'], /^attachment; filename="heapdump-\d+\.\d+\.heapsnapshot\.gz"$/);
    const snap = JSON.parse(zlib.gunzipSync(r.body).toString());
    assertValidSnapshot(assert, snap);
    // Removed once the response is done, which the client may see first.
    await waitFor(() => fs.readdirSync(dir).length === 0, 10_000, 'the downloaded file to be removed');
  } finally {
    await s.close();
  }
});

test('path traversal in the URL or query reaches nothing; other paths and methods are refused', async () => {
  const root = tmpdir();
  const dir = path.join(root, 'snaps');
  fs.mkdirSync(dir);
  const s = await serve(createDebugHandler({ token: TOKEN, dir }));
  try {
    assert.equal((await s.request('POST', '/debug/heap/../../../etc/passwd', auth)).status, 404);
    assert.equal((await s.request('POST', '/debug/../debug/heap', auth)).status, 404);
    assert.equal((await s.request('POST', '/debug/heap%2F..%2F..%2Fx', auth)).status, 404);
    assert.equal((await s.request('GET', '/debug/heap', auth)).status, 405);
    const r = await s.request('POST', `/debug/heap?file=../x.heapsnapshot&dir=${encodeURIComponent(root)}&name=../../evil`, auth);
    assert.equal(r.status, 200);
    assert.equal(path.dirname(JSON.parse(r.body).file), dir, 'the file lands in dir whatever the query says');
    assert.deepEqual(fs.readdirSync(root), ['snaps']);
    assert.equal(fs.readdirSync(dir).length, 1);
  } finally {
    await s.close();
  }
});

test('a second request while one runs gets 429', async () => {
  const dir = tmpdir();
  const s = await serve(createDebugHandler({ token: TOKEN, dir }));
  try {
    const [a, b] = await Promise.all([s.request('POST', '/debug/heap', auth), new Promise((r) => setTimeout(r, 20)).then(() => s.request('POST', '/debug/heap', auth))]);
    assert.deepEqual([a.status, b.status].sort(), [200, 429]);
    assert.equal(fs.readdirSync(dir).length, 1);
  } finally {
    await s.close();
  }
});

test('as Express middleware: other paths go to next()', async () => {
  const handler = createDebugHandler({ token: TOKEN, dir: tmpdir() });
  const s = await serve((req, res) => handler(req, res, () => res.end('next')));
  try {
    const r = await s.request('GET', '/other', auth);
    assert.equal(r.body.toString(), 'next');
    // Express strips a mount prefix from req.url but keeps req.originalUrl: the route still matches.
    const mounted = await serve((req, res) => {
      req.originalUrl = req.url;
      req.url = req.url.replace(/^\/debug/, '');
      handler(req, res, () => res.end('next'));
    });
    try {
      assert.equal((await mounted.request('POST', '/debug/heap', {})).status, 401);
    } finally {
      await mounted.close();
    }
  } finally {
    await s.close();
  }
});

test('the auth scheme is case-insensitive: bearer, BEARER and Bearer all work; nothing else does', async () => {
  const dir = tmpdir();
  const s = await serve(createDebugHandler({ token: TOKEN, dir }));
  try {
    for (const scheme of ['bearer', 'BEARER']) {
      const r = await s.request('POST', '/debug/heap', { Authorization: `${scheme} ${TOKEN}` });
      assert.equal(r.status, 200, `${scheme}: ${r.body}`);
    }
    assert.equal((await s.request('POST', '/debug/heap', { Authorization: `Basic ${TOKEN}` })).status, 401);
    assert.equal((await s.request('POST', '/debug/heap', { Authorization: `bearer ${TOKEN} extra` })).status, 401);
    assert.equal(fs.readdirSync(dir).length, 2);
  } finally {
    await s.close();
  }
});

test("Express: app.use('/admin', handler) serves /admin/debug/heap, app.use('/debug', handler) serves /debug/heap", async () => {
  const express = require('express');
  const dir = tmpdir();
  const handler = createDebugHandler({ token: TOKEN, dir });
  const app = express();
  app.use('/admin', handler);
  app.use('/debug', handler);
  app.use((req, res) => res.status(404).end('app 404'));
  const s = await serve(app);
  try {
    assert.equal((await s.request('POST', '/admin/debug/heap', auth)).status, 200);
    assert.equal((await s.request('POST', '/debug/heap', auth)).status, 200);
    const other = await s.request('POST', '/admin/other', auth);
    assert.equal(other.status, 404);
    assert.equal(other.body.toString(), 'app 404', 'other paths go on to the app');
    assert.equal(fs.readdirSync(dir).length, 2);
  } finally {
    await s.close();
  }
});
