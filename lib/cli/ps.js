'use strict';
// `rsheapdump ps`: the Node processes this user can see, and whether their inspector is open.

const { parse } = require('./common');
const { mb } = require('./snapshot');

const summary = 'the Node processes you can attach to: pid, version, uptime, RSS, inspector, command';

const usage = `Usage: rsheapdump ps [options]

Lists the Node processes this user can see (all of them for root): pid, Node version, uptime,
resident memory, whether the inspector is open and on which port, and the command line. A
process in another network namespace (a container) is marked 'other netns': run rsheapdump
inside the container for it.

Options:
      --json             print the list as JSON
  -h, --help             show this help
`;

function uptime(s) {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

async function main(argv) {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (positionals.length) {
    const { UsageError } = require('./common');
    throw new UsageError('ps takes no arguments');
  }
  const { listNodeProcesses } = require('../attach/ps');
  const list = await listNodeProcesses();
  if (values.json) {
    process.stdout.write(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  if (!list.length) {
    process.stdout.write('no Node processes found\n');
    return 0;
  }
  const rows = list.map((p) => [
    String(p.pid),
    p.nodeVersion ?? '?',
    uptime(p.uptimeSeconds),
    mb(p.rssBytes),
    p.namespace === 'other' ? 'other netns' : p.inspector ? `${p.inspector.address}:${p.inspector.port}` : '-',
    p.command.length > 80 ? p.command.slice(0, 77) + '...' : p.command,
  ]);
  const head = ['PID', 'NODE', 'UPTIME', 'RSS', 'INSPECTOR', 'COMMAND'];
  // Numbers right-aligned, words left-aligned, the command last and unpadded.
  const right = [true, false, true, true, false, false];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === r.length - 1 ? c : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  process.stdout.write([head, ...rows].map(line).join('\n') + '\n');
  return 0;
}

module.exports = { summary, usage, main };
