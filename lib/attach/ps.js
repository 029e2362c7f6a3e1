'use strict';
// The Node processes this user can see, for `rsheapdump ps` and `listNodeProcesses()`.
//
// Whether a process's inspector is open is found by asking each TCP port the process itself
// listens on for `GET /json/list` (a Node inspector answers with its target): this finds an
// inspector opened on any port (--inspect=0, inspector.open(port) in the app), not only 9229. An
// app's own HTTP server sees that one request.

const proc = require('./proc');
const inspector = require('./inspector');

function describe(pid) {
  try {
    if (pid === process.pid || !proc.isNode(pid)) return null;
    const st = proc.status(pid);
    return {
      pid,
      nodeVersion: proc.nodeVersion(pid),
      uptimeSeconds: Math.round(proc.uptimeSeconds(pid)),
      rssBytes: proc.rssBytes(st),
      user: Number((st.Uid || '').split(/\s+/)[0]),
      command: proc.cmdline(pid).join(' '),
      st,
    };
  } catch {
    return null; // gone meanwhile, or another user's
  }
}

/** Resolves to [{ pid, nodeVersion, uptimeSeconds, rssBytes, user, command, inspector }], by pid. */
async function listNodeProcesses() {
  const found = proc.allPids().map(describe).filter(Boolean);
  const sameNet = proc.namespace('self', 'net');
  await Promise.all(
    found.map(async (p) => {
      p.inspector = null;
      p.namespace = proc.namespace(p.pid, 'net') === sameNet ? 'same' : 'other';
      try {
        if (p.namespace === 'same') {
          const open = await inspector.findOpen(p.pid);
          if (open) p.inspector = { host: open.host, port: open.port, address: open.address };
        }
      } catch {
        // fds not ours to read: unknown, shown as closed
      }
      delete p.st;
    }),
  );
  return found;
}

module.exports = { listNodeProcesses };
