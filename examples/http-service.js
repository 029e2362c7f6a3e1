'use strict';
// A node:http service that mounts rsheapdump's guarded snapshot route.
//
//   DEBUG_TOKEN=$(node -e "console.log(require('crypto').randomBytes(24).toString('hex'))") \
//     node examples/http-service.js
//   curl -X POST -H "Authorization: Bearer $DEBUG_TOKEN" http://127.0.0.1:3000/debug/heap
//   curl -X POST -H "Authorization: Bearer $DEBUG_TOKEN" -o app.heapsnapshot.gz \
//     'http://127.0.0.1:3000/debug/heap?download=1'

const http = require('node:http');
const os = require('node:os');
const rsheapdump = require('..');

const token = process.env.DEBUG_TOKEN;
// Mount the route only when a token is configured: off by default.
const debug = token ? rsheapdump.createDebugHandler({ token, dir: os.tmpdir(), gzip: true }) : null;

const server = http.createServer((req, res) => {
  if (debug && req.url.startsWith('/debug/')) return debug(req, res);
  res.end('hello\n');
});

server.listen(Number(process.env.PORT) || 3000, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`listening on http://127.0.0.1:${port}; debug route ${debug ? 'mounted at POST /debug/heap' : 'off (set DEBUG_TOKEN)'}`);
});
