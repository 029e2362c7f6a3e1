'use strict';
// `rsheapdump flame`: an interactive flame graph SVG (hover for names and percentages, click to
// zoom) of a profile or of a collapsed-stacks file.

const fs = require('node:fs');
const path = require('node:path');
const { UsageError, parse } = require('./common');
const { weightOf, weightOptions } = require('./fold');

const summary = 'interactive flame graph SVG of a profile or a .folded file';

const usage = `Usage: rsheapdump flame <file.cpuprofile|file.heapprofile|file.folded> [options]
       rsheapdump flame --diff <before> <after> [options]

Writes a self-contained SVG: open it in a browser; hover a frame for its name and share, click
to zoom into it, "Reset Zoom" to go back; Ctrl-F (or "Search") highlights the frames matching a
regular expression and shows the share of the total they cover. CPU graphs are weighed by samples, heap graphs by bytes.

With --diff, a differential flame graph of two profiles of one kind: the frames of <after>,
each coloured by how its self time (bytes) changed from <before>: red grew, blue shrank,
saturation by the size of the change. Frames only <before> has are not drawn; swap the files
(and add --negate to keep red meaning "more in <after>") to see them.

Options:
  -o, --output FILE      where to write (default: the input's name with .svg; '-' for stdout)
      --title TEXT       title at the top of the graph
      --width N          width in pixels (default 1200)
      --time             CPU: widths by microseconds instead of samples
      --bytes            heap: widths by bytes (default for heap profiles)
      --samples          widths by sample count (default for CPU profiles)
      --timing MODE      with --time: 'samples' (DevTools' rule, default) or 'deltas'
      --diff             a differential graph of <before> <after> (default output:
                         <after>.diff.svg)
      --negate           with --diff: swap the hues (red shrank, blue grew)
      --normalize MODE   with --diff: 'time' (CPU time as recorded, default) or 'share'
                         (percent of each profile's samples, for runs of different length)
  -h, --help             show this help

Exit codes: 0 ok, 1 the file could not be read or drawn, 2 usage error.
`;

async function main(argv) {
  const { values, positionals } = parse(argv, {
    output: { type: 'string', short: 'o' },
    title: { type: 'string' },
    width: { type: 'string' },
    diff: { type: 'boolean' },
    negate: { type: 'boolean' },
    normalize: { type: 'string' },
    ...weightOptions,
  });
  const files = values.diff ? 2 : 1;
  if (positionals.length !== files) {
    throw new UsageError(values.diff ? 'give two profiles: --diff <before> <after>' : positionals.length ? 'give one input file' : 'missing the profile file');
  }
  if (!values.diff && (values.negate || values.normalize !== undefined)) throw new UsageError('--negate and --normalize go with --diff');
  if (values.diff && (values.time || values.bytes || values.samples || values.timing !== undefined)) {
    throw new UsageError('--diff weighs CPU graphs by samples and heap graphs by bytes; --time, --bytes, --samples and --timing do not apply');
  }
  if (values.normalize !== undefined && values.normalize !== 'time' && values.normalize !== 'share') {
    throw new UsageError(`--normalize must be 'time' or 'share', got '${values.normalize}'`);
  }
  const weight = weightOf(values);
  let width;
  if (values.width !== undefined) {
    width = Number(values.width);
    if (!Number.isInteger(width) || width < 200 || width > 100000) throw new UsageError(`--width must be a whole number from 200 to 100000, got '${values.width}'`);
  }
  const input = positionals[files - 1];
  const { flameGraph } = require('../profile-analysis');
  const diff = values.diff ? { baseline: positionals[0], negate: !!values.negate, normalize: values.normalize } : {};
  const svg = await flameGraph(input, { weight, timing: values.timing, title: values.title, width, ...diff });
  const ext = values.diff ? '.diff.svg' : '.svg';
  const out = values.output ?? path.join(path.dirname(input), `${path.basename(input).replace(/(\.(cpuprofile|heapprofile|folded|json|txt))?(\.gz)?$/, '')}${ext}`);
  if (out === '-') {
    process.stdout.write(svg);
  } else {
    fs.writeFileSync(out, svg);
    process.stderr.write(`rsheapdump: wrote ${out} (${Math.ceil(Buffer.byteLength(svg) / 1024)} KB)\n`);
  }
  return 0;
}

module.exports = { summary, usage, main };
