'use strict';
// `rsheapdump retainers <file> --class NAME | --id ID`: who holds an object, as shortest paths
// from the GC roots.

const common = require('./common');
const { progressReporter } = require('./report');
const { formatPath } = require('../retainer-text');

const summary = 'shortest retainer paths from the GC roots to a class or an object';

const usage = `Usage: rsheapdump retainers <file> (--class NAME | --id ID) [--limit N] [--json]

Shows who keeps objects alive: shortest paths from the GC roots (global objects
first), over strong edges only (weak references do not retain).

  --class NAME  every object of the class (the Constructor column of
                'rsheapdump summary'), grouped by the shape of its path (array
                indexes and numbers in keys folded), most objects first
  --id ID       one object by its snapshot id (the @number DevTools shows):
                one path through each object that directly holds it, nearest
                first
  --limit N     groups or paths to print (default 10 for --class, 5 for --id;
                0 means all)
  --json        machine-readable output
  -h, --help    show this help

Path notation: .x property, [i] array element, {x} closure variable,
(x) V8 internal; the last object gets its id and its constructor location
(script:line:column) where the snapshot has it.

Exit codes: 0 ok, 1 the file could not be read or nothing matched, 2 usage
error.
`;

/** The answer as text. */
function text(r, query) {
  const what = query.className !== undefined ? `${common.bytes(r.matched)} objects of class ${query.className}` : `object @${query.id}`;
  const out = [`Retainers of ${what}:`, ''];
  for (const g of r.groups) {
    const lead = query.className !== undefined ? `${common.bytes(g.count)} \u00d7 ` : '';
    out.push(`${lead}${formatPath(g.path)}`);
    if (query.className !== undefined) out.push(`    ids: ${g.ids.map((id) => '@' + id).join(' ')}${g.count > g.ids.length ? ' \u2026' : ''}`);
  }
  if (r.omitted > 0) out.push(`\u2026 ${r.omitted} more (--limit 0 for all)`);
  return out.join('\n') + '\n';
}

/** Runs the subcommand; returns the exit code. */
function main(argv) {
  const { values, positionals } = common.parse(argv, {
    json: { type: 'boolean' },
    class: { type: 'string' },
    id: { type: 'string' },
    limit: { type: 'string' },
  });
  if (positionals.length !== 1) throw new common.UsageError(positionals.length ? 'expected exactly one snapshot file' : 'missing the snapshot file');
  if ((values.class === undefined) === (values.id === undefined)) throw new common.UsageError('give exactly one of --class NAME and --id ID');
  const query = {};
  if (values.class !== undefined) {
    if (values.class === '') throw new common.UsageError('--class needs a class name');
    query.className = values.class;
  } else {
    const id = values.id.replace(/^@/, '');
    if (!/^\d+$/.test(id) || !Number.isSafeInteger(Number(id))) throw new common.UsageError('--id needs a node id (a whole number, e.g. 12345 or @12345)');
    query.id = Number(id);
  }
  if (values.limit !== undefined) {
    if (!/^\d+$/.test(values.limit)) throw new common.UsageError('--limit needs a whole number');
    query.limit = Number(values.limit);
  }
  const { retainerPathsSync } = require('../compare');
  const progress = common.progress();
  let result;
  try {
    result = retainerPathsSync(positionals[0], query, progressReporter(progress));
  } finally {
    progress.done();
  }
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : text(result, query));
  return 0;
}

module.exports = { summary, usage, main };
