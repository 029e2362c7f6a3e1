'use strict';
// What /proc says about another process: whether it exists and may be touched, whether it is Node,
// how it handles SIGUSR1, which TCP ports it listens on, its namespaces, RSS and uptime. Linux only;
// nothing here signals or connects to anything.

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { rsError } = require('../errors');

const SIGUSR1 = 10;
// Clock ticks per second for /proc/<pid>/stat: 100 on every Linux architecture Node runs on.
const CLK_TCK = 100;

function procPath(pid, ...rest) {
  return path.join('/proc', String(pid), ...rest);
}

/** Maps a /proc read failure to the attach errors. */
function procError(pid, err) {
  if (err.code === 'ENOENT' || err.code === 'ESRCH') return noSuchProcess(pid);
  if (err.code === 'EACCES' || err.code === 'EPERM') return notPermitted(pid);
  return err;
}

function noSuchProcess(pid) {
  return rsError('NO_SUCH_PROCESS', `there is no process ${pid} (check the pid with 'rsheapdump ps')`, { pid });
}

function notPermitted(pid) {
  return rsError(
    'NOT_PERMITTED',
    `not permitted to inspect process ${pid}: it belongs to another user. Run rsheapdump as that user (sudo -u <user> rsheapdump ...) or as root`,
    { pid },
  );
}

/** Throws ERR_RSHEAPDUMP_NO_SUCH_PROCESS / NOT_PERMITTED unless `pid` exists and may be signalled. */
function checkAccess(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    throw procError(pid, err);
  }
}

function read(pid, file) {
  try {
    return fs.readFileSync(procPath(pid, file), 'utf8');
  } catch (err) {
    throw procError(pid, err);
  }
}

/** /proc/<pid>/status as a map of its fields. */
function status(pid) {
  const out = {};
  for (const line of read(pid, 'status').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** Whether signal `sig` is set in a hex signal mask from /proc/<pid>/status (SigCgt, SigIgn). */
function inMask(hex, sig) {
  return hex ? (BigInt(`0x${hex}`) >> BigInt(sig - 1)) & 1n ? true : false : false;
}

/**
 * How the process treats SIGUSR1: 'caught' (Node's inspector handler, or the app's own listener),
 * 'ignored', or 'default' (the signal would kill it: not Node, or Node with --disable-sigusr1).
 */
function sigusr1Disposition(st) {
  if (inMask(st.SigCgt, SIGUSR1)) return 'caught';
  if (inMask(st.SigIgn, SIGUSR1)) return 'ignored';
  return 'default';
}

/** The pid as the process itself sees it (innermost pid namespace), from NSpid. */
function innerPid(st, pid) {
  const ns = (st.NSpid || '').split(/\s+/).filter(Boolean);
  return ns.length ? Number(ns[ns.length - 1]) : pid;
}

function cmdline(pid) {
  return read(pid, 'cmdline').split('\0').filter((s, i, a) => s !== '' || i < a.length - 1);
}

function exe(pid) {
  try {
    return fs.readlinkSync(procPath(pid, 'exe'));
  } catch (err) {
    throw procError(pid, err);
  }
}

// A node binary is named node, nodejs, node20, node-v22.1.0 ...; an embedder (Electron) is not
// Node for our purpose: its SIGUSR1 and inspector behave differently.
const NODE_NAME = /^node(js)?([-_.]?v?\d[\w.-]*)?$/;

/** Whether the process runs a Node binary (by its executable's name, with ' (deleted)' ignored). */
function isNode(pid) {
  const file = exe(pid).replace(/ \(deleted\)$/, '');
  return NODE_NAME.test(path.basename(file));
}

const versionCache = new Map();

/**
 * The Node version of the process's executable (`<exe> --version`, cached per binary), or null
 * when it cannot be run from here (another mount namespace, a deleted binary).
 */
function nodeVersion(pid) {
  let file;
  try {
    file = exe(pid);
  } catch {
    return null;
  }
  if (versionCache.has(file)) return versionCache.get(file);
  let v = null;
  try {
    // Through /proc/<pid>/exe: the very binary the process runs, also after an upgrade replaced the file.
    v = execFileSync(procPath(pid, 'exe'), ['--version'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'], env: {} }).trim();
    if (!/^v\d+\.\d+\.\d+/.test(v)) v = null;
  } catch {
    v = null;
  }
  versionCache.set(file, v);
  return v;
}

/** Seconds since the process started. */
function uptimeSeconds(pid) {
  const stat = read(pid, 'stat');
  // Fields after the command name (which may hold spaces and parentheses): field 22 is starttime.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = Number(rest[19]) / CLK_TCK;
  const up = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Math.max(0, up - start);
}

/** The process's start time in clock ticks since boot: with the pid, it names one process for good. */
function startTicks(pid) {
  const stat = read(pid, 'stat');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** Whether the process has exited and only waits for its parent to reap it. */
function isZombie(pid) {
  const stat = read(pid, 'stat');
  return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
}

/** Resident set size in bytes. */
function rssBytes(st) {
  const m = /^(\d+)\s*kB/.exec(st.VmRSS || '');
  return m ? Number(m[1]) * 1024 : 0;
}

/** The namespace identity (net, mnt, pid) of a process, or null where it cannot be read. */
function namespace(pid, kind) {
  try {
    return fs.readlinkSync(procPath(pid, 'ns', kind));
  } catch {
    return null;
  }
}

/** Inodes of the sockets the process has open. */
function socketInodes(pid) {
  let fds;
  try {
    fds = fs.readdirSync(procPath(pid, 'fd'));
  } catch (err) {
    throw procError(pid, err);
  }
  const out = new Set();
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(procPath(pid, 'fd', fd)));
      if (m) out.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

function hexIPv4(hex) {
  const n = Number.parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
}

function hexIPv6(hex) {
  // Four 32-bit words, each in host (little-endian) order.
  const bytes = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

/**
 * Every TCP socket in LISTEN state in the process's network namespace: { address, port, inode }.
 */
function listeners(pid) {
  const out = [];
  for (const [file, v6] of [
    ['net/tcp', false],
    ['net/tcp6', true],
  ]) {
    let text;
    try {
      text = fs.readFileSync(procPath(pid, file), 'utf8');
    } catch (err) {
      if (err.code === 'ENOENT' && v6) continue; // no IPv6 in this kernel
      throw procError(pid, err);
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue;
      const [addr, port] = f[1].split(':');
      out.push({ address: v6 ? hexIPv6(addr) : hexIPv4(addr), port: Number.parseInt(port, 16), inode: f[9] });
    }
  }
  return out;
}

/** The TCP ports the process itself listens on (sockets in its own fd table). */
function ownListeners(pid) {
  const mine = socketInodes(pid);
  return listeners(pid).filter((l) => mine.has(l.inode));
}

/** The pids (in this pid namespace) that hold the socket `inode`, as far as we may look. */
function socketOwners(inode) {
  const owners = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (socketInodes(Number(p)).has(inode)) owners.push(Number(p));
    } catch {
      // gone, or not ours to see
    }
  }
  return owners;
}

/** The process's environment variable `name`, or undefined (also when it may not be read). */
function environ(pid, name) {
  try {
    const prefix = `${name}=`;
    const entry = fs
      .readFileSync(procPath(pid, 'environ'), 'latin1')
      .split('\0')
      .find((e) => e.startsWith(prefix));
    return entry === undefined ? undefined : entry.slice(prefix.length);
  } catch {
    return undefined;
  }
}

/** Every pid in /proc. */
function allPids() {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .sort((a, b) => a - b);
}

module.exports = {
  checkAccess,
  noSuchProcess,
  notPermitted,
  status,
  sigusr1Disposition,
  innerPid,
  cmdline,
  exe,
  isNode,
  nodeVersion,
  uptimeSeconds,
  startTicks,
  isZombie,
  rssBytes,
  namespace,
  listeners,
  ownListeners,
  socketOwners,
  environ,
  allPids,
  hexIPv6,
};
