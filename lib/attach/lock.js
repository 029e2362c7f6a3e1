'use strict';
// One attach per target process at a time, across rsheapdump processes: a lock file in the temp
// directory named by the target's pid and start time (so a reused pid is another lock), holding
// the owner's pid (so a crashed owner's lock is taken over). A second attach is refused, not
// queued: two tools driving one inspector would close it under each other.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { rsError } = require('../errors');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Takes the lock for `pid` (started at `startTicks`); returns its release function. */
function acquire(pid, startTicks) {
  const file = path.join(os.tmpdir(), `rsheapdump-attach-${pid}-${startTicks}.lock`);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST' || attempt > 0) throw err;
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        throw rsError(
          'BUSY',
          `another rsheapdump (pid ${owner}) is attached to process ${pid}; run one command at a time per process (this one was refused, not queued)`,
          { pid },
        );
      }
      fs.rmSync(file, { force: true }); // its owner is gone
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return release;
}

module.exports = { acquire };
