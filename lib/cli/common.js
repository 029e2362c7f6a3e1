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

/**
 * A text table: `head` and each row are arrays of strings; the first column is left-aligned, the
 * others right-aligned, two spaces apart. Returns the lines, header first.
 */
function columns(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)];
}

/** A `--top N` / `--limit N` value: a whole number, or `fallback` when the option is absent. */
function count(value, option, fallback) {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${option} needs a whole number`);
  return Number(value);
}

/**
 * Prints `classes` (already sorted), cut to `top` (0: all): with `json` the whole result with the
 * cut list, else `table(result, rows)` and a line saying how many were left out.
 */
function printClasses(result, classes, { top, json, table }) {
  const shown = top > 0 ? classes.slice(0, top) : classes;
  if (json) {
    process.stdout.write(JSON.stringify({ ...result, classes: shown }, null, 2) + '\n');
    return;
  }
  process.stdout.write(table(result, shown));
  if (shown.length < classes.length) process.stdout.write(`\u2026 ${classes.length - shown.length} more classes (--top 0 for all)\n`);
}

/** Formats a byte count the way DevTools does in its tables (plain integer with separators). */
function bytes(n) {
  return Math.round(n).toLocaleString('en-US');
}

module.exports = { UsageError, parse, progress, run, bytes, columns, count, printClasses };
