'use strict';
// createDebugHandler: POST /debug/heap behind a bearer token, for node:http and Express.
// Off unless mounted; nothing from the request reaches the file system (names are made here).

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { writeSnapshot } = require('./snapshot');
const { heapdumpName, gzipLevel } = require('./names');
const { invalidArgType, invalidArgValue } = require('./errors');

const ROUTE = '/debug/heap';
const MIN_TOKEN_LENGTH = 16;

function digest(s) {
  return crypto.createHash('sha256').update(String(s)).digest();
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

function pathOf(url) {
  if (typeof url !== 'string') return '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Whether a request is for the route, wherever the handler is mounted: `/debug/heap` below the
 * mount point (node:http, or Express' `app.use('/admin', handler)` serving `/admin/debug/heap`), or
 * a mount point that ends the route itself (`app.use('/debug', handler)`: Express strips the mount
 * path from req.url and keeps it in req.baseUrl).
 */
function isRoute(req) {
  const rel = pathOf(req.url);
  if (rel === ROUTE) return true;
  const base = typeof req.baseUrl === 'string' ? req.baseUrl : '';
  if (base && `${base}${rel === '/' ? '' : rel}`.replace(/\/+$/, '').endsWith(ROUTE)) return true;
  // A router that rewrote req.url and kept the original.
  return pathOf(req.originalUrl) === ROUTE;
}

/**
 * Returns a `(req, res, next?)` handler serving `POST /debug/heap`: it writes a snapshot into
 * `dir` and answers `{ file, name, bytes }`, or with `?download=1` streams the file back (and
 * removes it). Requests need `Authorization: Bearer <token>`. One snapshot at a time: a request
 * while one runs gets 429. Any other path goes to `next()` (Express) or gets 404.
 */
function createDebugHandler(options) {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const { token, dir = process.cwd(), gzip = false } = options;
  if (typeof token !== 'string') throw invalidArgType('options.token', 'of type string', token);
  if (token.length < MIN_TOKEN_LENGTH) throw invalidArgValue('options.token', '(hidden)', `must be at least ${MIN_TOKEN_LENGTH} characters (use e.g. crypto.randomBytes(24).toString('hex'))`);
  if (typeof dir !== 'string') throw invalidArgType('options.dir', 'of type string', dir);
  const level = gzipLevel(gzip, 'options.gzip');
  const outDir = path.resolve(dir);
  const expected = digest(token);
  let running = false;

  function authorized(req) {
    const given = req.headers.authorization;
    // An auth scheme is case-insensitive (RFC 9110 §11.1): `bearer <token>` is as good.
    const m = typeof given === 'string' ? /^Bearer +(\S+) *$/i.exec(given) : null;
    // Hashing both sides gives equal lengths, so the comparison is constant-time for any input.
    return m !== null && crypto.timingSafeEqual(digest(m[1]), expected);
  }

  async function serve(req, res, download) {
    running = true;
    try {
      const file = await writeSnapshot(heapdumpName(outDir, level ? '.heapsnapshot.gz' : '.heapsnapshot'), { gzip: level ?? false });
      const { size } = fs.statSync(file);
      if (!download) return send(res, 200, { file, name: path.basename(file), bytes: size });
      res.writeHead(200, {
        'Content-Type': level ? 'application/gzip' : 'application/json',
        'Content-Length': size,
        'Content-Disposition': `attachment; filename="${path.basename(file)}"`,
        'Cache-Control': 'no-store',
      });
      await new Promise((resolve) => {
        const stream = fs.createReadStream(file);
        stream.on('error', (err) => {
          res.destroy(err);
          resolve();
        });
        res.on('close', resolve);
        stream.pipe(res);
      });
      fs.rm(file, { force: true }, () => {});
    } catch (err) {
      // 507 Insufficient Storage: the server cannot store what the request needs (the snapshot's memory).
      if (!res.headersSent && err.code === 'ERR_RSHEAPDUMP_NO_HEADROOM') send(res, 507, { error: err.message, code: err.code, needed: err.needed, available: err.available, bound: err.bound });
      else if (!res.headersSent) send(res, 500, { error: err.message, code: err.code });
      else res.destroy();
    } finally {
      running = false;
    }
  }

  return function debugHandler(req, res, next) {
    const raw = req.url ?? '';
    const q = raw.indexOf('?');
    if (!isRoute(req)) {
      if (typeof next === 'function') return next();
      return send(res, 404, { error: 'not found' });
    }
    if (!authorized(req)) return send(res, 401, { error: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { Allow: 'POST' });
    if (running) return send(res, 429, { error: 'a snapshot is already being taken; retry later' }, { 'Retry-After': '5' });
    const download = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)).get('download') === '1';
    req.resume();
    serve(req, res, download);
  };
}

module.exports = { createDebugHandler, ROUTE };
