'use strict';
// Real memory cgroups for the tests that must see the kernel's OOM killer (headroom, heap watch):
// v2 when the unified hierarchy has the memory controller, v1 otherwise. Needs root (CI runs as
// root); a child joins by writing its own pid into `procs` before it allocates anything.

const fs = require('node:fs');
const path = require('node:path');

const V2_ROOT = '/sys/fs/cgroup';
const V1_ROOT = '/sys/fs/cgroup/memory';

function v2Available() {
  try {
    return fs.readFileSync(path.join(V2_ROOT, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory');
  } catch {
    return false;
  }
}

/** Creates a memory cgroup; `{ dir, procs, version, setLimit(bytes), usage(), remove() }`. */
function createMemoryCgroup(name = `rsheapdump-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`) {
  const version = v2Available() ? 2 : 1;
  const root = version === 2 ? V2_ROOT : V1_ROOT;
  if (!fs.existsSync(root)) throw new Error(`no memory cgroup hierarchy at ${root}: these tests need Linux with cgroup v1 or v2 memory control`);
  if (version === 2) {
    // The memory controller must be delegated to the root's children.
    const ctl = path.join(V2_ROOT, 'cgroup.subtree_control');
    if (!fs.readFileSync(ctl, 'utf8').split(/\s+/).includes('memory')) fs.writeFileSync(ctl, '+memory');
  }
  const dir = path.join(root, name);
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    throw new Error(`cannot create the memory cgroup ${dir} (${err.code}): run the tests as root`, { cause: err });
  }
  return openMemoryCgroup(dir, version);
}

/** The same object for an existing group (a child sets its own limit through it). */
function openMemoryCgroup(dir, version) {
  const file = (v1, v2) => path.join(dir, version === 2 ? v2 : v1);
  return {
    dir,
    version,
    procs: path.join(dir, 'cgroup.procs'),
    setLimit(bytes) {
      fs.writeFileSync(file('memory.limit_in_bytes', 'memory.max'), String(bytes));
      // No swap to spill into: over the limit means killed, as in a container.
      if (version === 2) fs.writeFileSync(path.join(dir, 'memory.swap.max'), '0');
      else if (fs.existsSync(path.join(dir, 'memory.memsw.limit_in_bytes'))) fs.writeFileSync(path.join(dir, 'memory.memsw.limit_in_bytes'), String(bytes));
    },
    usage() {
      return Number(fs.readFileSync(file('memory.usage_in_bytes', 'memory.current'), 'utf8'));
    },
    /** Removes the group once its processes are gone (retries while the kernel lets go of them). */
    async remove() {
      for (let i = 0; i < 50; i++) {
        try {
          fs.rmdirSync(dir);
          return;
        } catch (err) {
          if (err.code === 'ENOENT') return;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      fs.rmdirSync(dir);
    },
  };
}

module.exports = { createMemoryCgroup, openMemoryCgroup };
