'use strict';
// What every subcommand shares: option parsing, usage errors, exit codes, progress on stderr.

const { parseArgs } = require('node:util');

/** A mistake in the command line: printed with the usage text, exit code 2. */
class UsageError extends Error {}

/**
 * Parses argv with node:util's parseArgs; unknown options and missing values become UsageErrors.
 * `options` is parseArgs' option table; `--help` is always accepted.
 */
function parse(argv, options) {
  try {
    return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err.message);
  }
}

/** A progress line on stderr that rewrites itself, only when stderr is a terminal. */
function progress(enabled = process.stderr.isTTY) {
  let shown = false;
  return {
    update(text) {
      if (!enabled) return;
      process.stderr.write(`\r\x1b[K${text}`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

/** Runs a subcommand module `{ usage, main(argv) }`, mapping errors to exit codes 1 and 2. */
function run(command, argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(command.usage.trimEnd() + '\n');
    return;
  }
  Promise.resolve()
    .then(() => command.main(argv))
    .then((code) => {
      process.exitCode = code ?? 0;
    })
    .catch((err) => {
      if (err instanceof UsageError) {
        process.stderr.write(`rsheapdump: ${err.message}\n\n${command.usage.trimEnd()}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`rsheapdump: ${err.message}${err.code ? ` [${err.code}]` : ''}\n`);
      process.exitCode = 1;
    });
}

/** Formats a byte count the way DevTools does in its tables (plain integer with separators). */
function bytes(n) {
  return Math.round(n).toLocaleString('en-US');
}

module.exports = { UsageError, parse, progress, run, bytes };
