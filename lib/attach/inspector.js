'use strict';
// Finding, opening and closing another Node process's inspector.
//
// Opening is what Node documents: SIGUSR1 makes Node start its inspector on its debug port
// (127.0.0.1:9229 unless --inspect-port says otherwise). The port is then found in /proc (a new
// listening socket in the target's own fd table), not assumed, so a port set elsewhere or 0
// (random) works and an endpoint that is not the target's is never used. Closing evaluates Node's
// own `process._debugEnd()` in the target: it stops the listener even while the main thread is
// stuck in a loop (it runs by interrupt); the reply never comes because the call ends the session,
// so the port's disappearance from /proc is what confirms it.

const http = require('node:http');
const proc = require('./proc');
const { rsError } = require('../errors');

const DEFAULT_PORT = 9229;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Node's own flags from a command line and NODE_OPTIONS: the inspector's { host, port } for SIGUSR1. */
function configuredEndpoint(args, nodeOptions = '') {
  let host = '127.0.0.1';
  let port = DEFAULT_PORT;
  const take = (value) => {
    if (value === undefined || value === '') return;
    const m = /^(?:\[?([^\]]*?)\]?:)?(\d+)$/.exec(value);
    if (m) {
      if (m[1]) host = m[1];
      port = Number(m[2]);
    } else {
      host = value; // a host without a port
    }
  };
  const scan = (list, stopAtScript) => {
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      if (stopAtScript && !a.startsWith('-')) break;
      if (a === '--') break;
      const m = /^--(inspect|inspect-brk|inspect-wait|inspect-port|debug-port)(?:=(.*))?$/.exec(a);
      if (m) {
        let value = m[2];
        if (value === undefined && (m[1] === 'inspect-port' || m[1] === 'debug-port')) value = list[++i];
        take(value);
      } else if (/^(-r|--require|--import|--loader|--experimental-loader|-e|--eval|-p|--print|--input-type|--conditions|-C|--title)$/.test(a)) {
        if (/^(-e|--eval|-p|--print)$/.test(a)) break; // the rest is the program's
        i++;
      }
    }
  };
  scan(nodeOptions.split(/\s+/).filter(Boolean), false);
  scan(args.slice(1), true);
  return { host, port };
}

/** The host to connect to for a socket listening on `address`. */
function connectHost(address) {
  if (address === '0.0.0.0' || address.startsWith('127.')) return '127.0.0.1';
  if (address === '::' || address === '::1' || address === '::ffff:127.0.0.1') return address === '::ffff:127.0.0.1' ? '127.0.0.1' : '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

/** GET http://host:port/<what> as JSON, or null when that is not an inspector answering. */
function getJson(host, port, what, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = http.get({ host: host.replace(/^\[|\]$/g, ''), port, path: `/json/${what}`, timeout: timeoutMs, headers: { host: `localhost:${port}` } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null);
        } catch {
          resolve(null);
        }
      });
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/**
 * The inspector among the sockets the process listens on: { host, port, address, url } or null.
 * Each candidate gets `GET /json/list`; a Node inspector answers with its one target.
 */
async function findOpen(pid, { candidates } = {}) {
  const socks = candidates ?? proc.ownListeners(pid);
  for (const s of socks) {
    const host = connectHost(s.address);
    const list = await getJson(host, s.port, 'list');
    const t = Array.isArray(list) ? list.find((e) => e && e.type === 'node' && typeof e.webSocketDebuggerUrl === 'string') : null;
    if (!t) continue;
    // The URL names the host the inspector thinks it is on; connect where the socket really is.
    const id = t.webSocketDebuggerUrl.replace(/^ws:\/\/[^/]+\//, '');
    return { host, port: s.port, address: s.address, url: `ws://${host}:${s.port}/${id}` };
  }
  return null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Refusals that must come before any signal is sent. */
function checkSignallable(pid, st, endpoint) {
  const disposition = proc.sigusr1Disposition(st);
  if (disposition !== 'caught') {
    throw rsError(
      'SIGUSR1_DISABLED',
      `process ${pid} does not handle SIGUSR1 (${disposition === 'ignored' ? 'it ignores the signal' : 'Node runs with --disable-sigusr1, so the signal would kill it'}); it was not signalled. ` +
        `Fix: start it with --inspect=127.0.0.1:0 (or drop --disable-sigusr1), or have it call require('node:inspector').open(0, '127.0.0.1') itself`,
      { pid },
    );
  }
  if (!LOOPBACK.has(endpoint.host)) {
    throw rsError(
      'NOT_LOOPBACK',
      `process ${pid} would open its inspector on ${endpoint.host}:${endpoint.port} (its --inspect-port/--inspect flags), reachable from other machines; it was not signalled. ` +
        `Fix: start it with --inspect-port=127.0.0.1:${endpoint.port}`,
      { pid },
    );
  }
  if (endpoint.port === 0) return;
  const taken = proc.listeners(pid).find((l) => l.port === endpoint.port && ['0.0.0.0', '127.0.0.1', '::', '::1', '::ffff:127.0.0.1'].includes(l.address));
  if (taken) {
    const owners = proc.socketOwners(taken.inode);
    const who = owners.length ? `process ${owners.join(', ')} (${owners.map((o) => safeCommand(o)).join('; ')})` : 'another process';
    throw rsError(
      'PORT_TAKEN',
      `port ${endpoint.port}, where process ${pid} would open its inspector on SIGUSR1, is taken by ${who}; it was not signalled. ` +
        `Fix: free port ${endpoint.port} (stop the other process or its debugger), or start the target with --inspect-port=<a free port>`,
      { pid, port: endpoint.port },
    );
  }
}

function safeCommand(pid) {
  try {
    return proc.cmdline(pid).join(' ').slice(0, 80);
  } catch {
    return '?';
  }
}

/**
 * Opens the inspector of `pid` with SIGUSR1 (after every check) and waits for it to listen.
 * Resolves to findOpen's result. `st` is the process's /proc status.
 */
async function open(pid, st, { timeoutMs = 5000, signal } = {}) {
  const args = proc.cmdline(pid);
  const endpoint = configuredEndpoint(args, proc.environ(pid, 'NODE_OPTIONS') ?? '');
  checkSignallable(pid, st, endpoint);
  const before = new Set(proc.ownListeners(pid).map((l) => l.inode));
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (err) {
    throw err.code === 'ESRCH' ? proc.noSuchProcess(pid) : err.code === 'EPERM' ? proc.notPermitted(pid) : err;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // `signalled`: the inspector may still open after this; attach closes it if it does.
    if (signal?.aborted) throw rsError('ABORTED', 'interrupted while waiting for the inspector to open', { pid, signalled: true });
    const fresh = proc.ownListeners(pid).filter((l) => !before.has(l.inode));
    if (fresh.length) {
      const found = await findOpen(pid, { candidates: fresh });
      if (found) return found;
    }
    if (Date.now() > deadline) break;
    await sleep(20);
  }
  throw rsError(
    'INSPECTOR_TIMEOUT',
    `process ${pid} did not open its inspector within ${timeoutMs} ms of SIGUSR1. Either the app handles SIGUSR1 itself (process.on('SIGUSR1') replaces Node's handler), ` +
      `or the inspector could not listen on ${endpoint.host}:${endpoint.port} (see the target's stderr). ` +
      `Fix: start it with --inspect=127.0.0.1:0, or have the app call require('node:inspector').open(0, '127.0.0.1'); --timeout gives a slow process longer`,
    { pid },
  );
}

/** Whether a listening socket with this inode is still in the process's fd table. */
function stillListening(pid, port) {
  try {
    return proc.ownListeners(pid).some((l) => l.port === port);
  } catch {
    return false; // the process is gone: nothing listens
  }
}

/**
 * Closes the inspector we opened: `process._debugEnd()` in the target, then waits until the port
 * no longer listens. Resolves to true when verified closed.
 */
async function close(pid, client, port, { timeoutMs = 10000 } = {}) {
  // No reply comes (the call ends this very session); the port is the confirmation.
  client.post('Runtime.evaluate', { expression: "typeof process._debugEnd === 'function' ? process._debugEnd() : process.getBuiltinModule?.('inspector').close()" }).catch(() => {});
  const deadline = Date.now() + timeoutMs;
  while (stillListening(pid, port)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

module.exports = { configuredEndpoint, connectHost, findOpen, open, close, stillListening, getJson };
