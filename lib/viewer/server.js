'use strict';
// The HTTP side of `rsheapdump view`: one page (lib/viewer/page.*, inlined, no network) and a
// JSON API over an open SnapshotView. Bound to 127.0.0.1 only; every request must carry the
// random token (403 otherwise) and name this server in its Host header (so a web page elsewhere
// cannot reach it by DNS rebinding). Nothing a request says names a file: the snapshot is the one
// given on the command line.

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { statisticsParts } = require('./statistics');

const PAGE_LIMIT = 1000;

/** The page with its script and style inlined (read once). */
function pageHtml() {
  const dir = __dirname;
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
  return read('page.html').replace('/*STYLE*/', () => read('page.css')).replace('/*SCRIPT*/', () => read('page.js'));
}

// The page needs nothing from elsewhere: no network, no frames, no plugins.
// The flame graph (an SVG with its own script) is framed by the page, from this server only.
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const SVG_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'self'";

function send(res, status, type, body, csp = CSP) {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': csp,
  });
  res.end(body);
}

function json(res, status, value) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/** A whole number query parameter, or `fallback`; throws a 400 for anything else. */
function num(params, name, fallback, max = Number.MAX_SAFE_INTEGER) {
  const v = params.get(name);
  if (v === null || v === '') {
    if (fallback === undefined) throw badRequest(`missing '${name}'`);
    return fallback;
  }
  if (!/^\d+$/.test(v) || Number(v) > max) throw badRequest(`'${name}' must be a whole number up to ${max}`);
  return Number(v);
}

function badRequest(message) {
  return Object.assign(new Error(message), { status: 400, code: 'ERR_INVALID_ARG_VALUE' });
}

/** The API's routes for a snapshot: each takes the query parameters and returns a promise of the answer. */
function snapshotRoutes(view, info) {
  const pageOf = (p) => ({ offset: num(p, 'offset', 0), limit: num(p, 'limit', 100, PAGE_LIMIT) });
  return {
    '/api/info': () => info,
    '/api/classes': (p) => view.classes({ sort: p.get('sort') ?? undefined, descending: p.has('order') ? p.get('order') === 'desc' : undefined, filter: p.get('filter') ?? '', ...pageOf(p) }),
    '/api/objects': (p) => view.objects(num(p, 'index'), pageOf(p)),
    '/api/node': (p) => view.node(num(p, 'id')),
    '/api/retainers': (p) => view.retainers(num(p, 'id'), pageOf(p)),
    '/api/references': (p) => view.references(num(p, 'id'), pageOf(p)),
    '/api/paths': (p) => view.retainerPaths(num(p, 'id'), { limit: num(p, 'limit', 5, PAGE_LIMIT) }),
  };
}

/**
 * The routes for a CPU or heap profile (`kind` 'cpu' or 'heap'): the bottom-up list, the
 * top-down tree, and the flame graph SVG (framed by the page, searchable).
 */
function profileRoutes(file, kind, info) {
  const native = require('../native');
  const analyze = kind === 'cpu' ? native.analyzeCpuProfile : native.analyzeHeapProfile;
  return {
    '/api/info': () => info,
    '/api/bottom-up': (p) => analyze(file, { limit: num(p, 'limit', 500, 100000) }),
    '/api/top-down': () => analyze(file, { tree: true, minPercent: 0.1 }),
    '/flame.svg': () => native.flameGraph(file, { title: info.file }).then((svg) => ({ svg })),
  };
}

/**
 * What `rsheapdump view` serves for a snapshot (`view`, a SnapshotView) or a profile; with
 * `compare` also the Comparison with an earlier snapshot (`{ base, diff }`, the view having that
 * baseline) or the leak clusters of three (`{ files, leaks }`).
 */
function sourceOf(view, { file, kind = 'snapshot', compare }) {
  const name = path.basename(file ?? '');
  if (kind !== 'snapshot') return profileRoutes(file, kind, { kind, file: name });
  const s = view.summary();
  const info = { kind, file: name, nodeCount: s.nodeCount, edgeCount: s.edgeCount, classCount: s.classes.length, statistics: s.statistics, statisticsParts: statisticsParts(s.statistics) };
  const routes = snapshotRoutes(view, info);
  if (compare?.diff) {
    info.compare = 'diff';
    info.base = path.basename(compare.base);
    const byKey = new Map(s.classes.map((c, i) => [c.key, i]));
    // Each Comparison row with the index of its class in this snapshot's Summary (absent when
    // every object of the class is gone).
    const rows = compare.diff.classes.map((c) => ({ ...c, index: byKey.get(c.key) ?? null }));
    routes['/api/comparison'] = (p) => ({ ...compare.diff, classes: rows.slice(0, num(p, 'limit', 1000, 100000)), total: rows.length });
    routes['/api/new-objects'] = (p) => view.newObjects(num(p, 'index'), { offset: num(p, 'offset', 0), limit: num(p, 'limit', 100, PAGE_LIMIT) });
  } else if (compare?.leaks) {
    info.compare = 'leaks';
    info.files = compare.files.map((f) => path.basename(f));
    routes['/api/leaks'] = () => compare.leaks;
  }
  return routes;
}

function statusOf(err) {
  if (err.status) return err.status;
  if (err.code === 'ERR_RSHEAPDUMP_NODE_NOT_FOUND' || err.code === 'ERR_RSHEAPDUMP_CLASS_NOT_FOUND') return 404;
  if (err.code === 'ERR_INVALID_ARG_VALUE' || err.code === 'ERR_INVALID_ARG_TYPE' || err.code === 'ERR_OUT_OF_RANGE') return 400;
  return 500;
}

/** Constant-time token comparison (the token is the only secret). */
function tokenMatches(given, token) {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * Serves `view` (a SnapshotView; null for a profile, `kind` 'cpu' or 'heap') on
 * 127.0.0.1:`port` (0: a free port). Resolves to `{ url, port, token, close() }` once
 * listening; rejects with EADDRINUSE (and a message that says what to do) when the port is taken.
 */
function serve(view, { file, port = 0, kind = 'snapshot', compare } = {}) {
  const token = crypto.randomBytes(24).toString('base64url');
  const html = pageHtml();
  const api = sourceOf(view, { file, kind, compare });
  let hosts = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (!hosts.includes(req.headers.host)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden: unexpected Host\n');
    const given = req.headers['x-rsheapdump-token'] ?? url.searchParams.get('token');
    if (!tokenMatches(given, token)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden: open the URL rsheapdump printed (it carries the token)\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', html);
    const route = Object.hasOwn(api, url.pathname) ? api[url.pathname] : undefined;
    if (!route) return json(res, 404, { error: { code: 'ERR_NOT_FOUND', message: `no such route ${url.pathname}` } });
    Promise.resolve()
      .then(() => route(url.searchParams))
      .then(
        (value) => (url.pathname === '/flame.svg' ? send(res, 200, 'image/svg+xml; charset=utf-8', value.svg, SVG_CSP) : json(res, 200, value)),
        (err) => json(res, statusOf(err), { error: { code: err.code ?? 'ERR_RSHEAPDUMP_INTERNAL', message: err.message } }),
      );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) => {
      if (err.code === 'EADDRINUSE') err.message = `port ${port} on 127.0.0.1 is in use: choose another with --port N, or leave --port out for a free one`;
      reject(err);
    });
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      hosts = [`127.0.0.1:${actual}`, `localhost:${actual}`];
      resolve({
        url: `http://127.0.0.1:${actual}/?token=${token}`,
        port: actual,
        token,
        server,
        close: () => {
          const closed = new Promise((done) => server.close(() => done()));
          // A browser keeps its connections open: close them, or server.close() waits for it.
          server.closeAllConnections();
          return closed;
        },
      });
    });
  });
}

module.exports = { serve };
