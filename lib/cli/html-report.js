'use strict';
// `rsheapdump report FILE... -o report.html`: the viewer's views, top-N limited, as one static
// HTML file (no server, no script, nothing loaded from elsewhere).

const path = require('node:path');
const common = require('./common');
const { kindOf } = require('../viewer/kind');

const summary = 'one self-contained HTML report of a snapshot, a comparison, leaks or a profile';

const usage = `Usage: rsheapdump report FILE [FILE2 [FILE3]] [-o report.html] [--top N]

Writes the views of 'rsheapdump view', cut to the top N, as one static HTML file
for tickets and CI artifacts: it needs no server and loads nothing (it opens
from file:// with no network).

  one snapshot     statistics, the classes that retain most; each opens into
                   its largest objects, and those into their retainer paths
  two snapshots    DevTools' Comparison (BEFORE AFTER), largest size delta first
  three snapshots  leak clusters (BASE TARGET FINAL) with their retainer paths
  a profile        the flame graph and the bottom-up list (.cpuprofile or
                   .heapprofile, recognized by content)

  -o, --output FILE  where to write (default: the last input's name + .html)
      --top N        classes, clusters or functions to list (default 100)
  -h, --help         show this help

The file is written with mode 0600 (it shows what the heap held).
Exit codes: 0 written, 1 a file could not be read, 2 usage error.
`;

async function main(argv) {
  const { values, positionals } = common.parse(argv, { output: { type: 'string', short: 'o' }, top: { type: 'string' } });
  if (positionals.length < 1 || positionals.length > 3) throw new common.UsageError(positionals.length ? 'give one, two or three files' : 'missing the file to report on');
  const top = common.count(values.top, 'top', 100) || 100;
  const r = require('../viewer/report');
  let html;
  if (positionals.length === 1) {
    const kind = await kindOf(positionals[0]);
    html = kind === 'snapshot' ? await r.snapshotReport(positionals[0], { top, objects: { classes: Math.min(top, 20), perClass: 20 }, paths: 5 }) : await r.profileReport(positionals[0], kind, { top });
  } else if (positionals.length === 2) {
    html = await r.diffReport(positionals[0], positionals[1], { top });
  } else {
    html = await r.leaksReport(positionals[0], positionals[1], positionals[2], { top });
  }
  const last = positionals[positionals.length - 1];
  const out = values.output ?? path.join(path.dirname(last), `${path.basename(last).replace(/(\.(heapsnapshot|cpuprofile|heapprofile|json))?(\.gz)?$/, '')}.html`);
  r.writeReport(out, html);
  process.stderr.write(`rsheapdump: wrote ${out} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB)\n`);
  return 0;
}

module.exports = { summary, usage, main };
