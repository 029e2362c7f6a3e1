#!/usr/bin/env node
'use strict';
// The `rsheapdump` command: dispatches to lib/cli/<command>.js.
// Exit codes: 0 ok, 1 failure, 2 usage.

const { UsageError, run } = require('../lib/cli/common');

// A reader that went away (`rsheapdump summary f | head -1`) ends us quietly, as Unix tools end on
// SIGPIPE: Node ignores that signal, so the write fails with EPIPE instead, which would otherwise
// be an unhandled 'error' event with a stack trace and exit 1.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit();
  });
}

// Each entry: the module that implements the subcommand (exports { summary, usage, main }).
const COMMANDS = {
  top: '../lib/cli/top.js',
  fold: '../lib/cli/fold.js',
  flame: '../lib/cli/flame.js',
  summary: '../lib/cli/summary.js',
  diff: '../lib/cli/diff.js',
  leaks: '../lib/cli/leaks.js',
  retainers: '../lib/cli/retainers.js',
  view: '../lib/cli/view.js',
  ps: '../lib/cli/ps.js',
  snapshot: '../lib/cli/snapshot.js',
  profile: '../lib/cli/cpu-profile.js',
  'heap-profile': '../lib/cli/heap-profile.js',
  stack: '../lib/cli/stack.js',
  report: '../lib/cli/html-report.js',
  stalls: '../lib/cli/stalls.js',
};

function help() {
  const lines = ['Usage: rsheapdump <command> [options]', '', 'Commands:'];
  for (const [name, path] of Object.entries(COMMANDS)) {
    lines.push(`  ${name.padEnd(12)} ${require(path).summary}`);
  }
  lines.push('', "Run 'rsheapdump <command> --help' for a command's options.");
  return lines.join('\n');
}

const [cmd, ...rest] = process.argv.slice(2);
if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
  process.stdout.write(help() + '\n');
  process.exitCode = cmd ? 0 : 2;
} else if (cmd === '--version' || cmd === '-v') {
  process.stdout.write(require('../package.json').version + '\n');
} else if (!Object.hasOwn(COMMANDS, cmd)) {
  process.stderr.write(`rsheapdump: unknown command '${cmd}'\n\n${help()}\n`);
  process.exitCode = 2;
} else {
  run(require(COMMANDS[cmd]), rest);
}

module.exports = { UsageError };
