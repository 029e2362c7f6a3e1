'use strict';
// `rsheapdump fold`: collapsed stacks of a profile, for flamegraph.pl, inferno or speedscope.

const fs = require('node:fs');
const { UsageError, parse } = require('./common');

const summary = 'collapsed stacks (one "a;b;c N" line per stack) of a profile';

const usage = `Usage: rsheapdump fold <file.cpuprofile|file.heapprofile> [options] > out.folded

One line per unique stack: frames root to leaf joined by ';' (a ';' or '\\' inside a frame is
escaped with '\\'), a space, the weight. Frames are 'name url:line:column'. (root) is left out.
The weights add up to the sample count (CPU) or to the sampled bytes (heap).

Options:
  -o, --output FILE      write to FILE instead of stdout
      --time             CPU: weigh stacks in microseconds instead of samples
      --bytes            heap: weigh stacks in bytes (the default for heap profiles)
      --samples          weigh stacks by sample count (the default for CPU profiles)
      --timing MODE      with --time: 'samples' (DevTools' rule, default) or 'deltas'
  -h, --help             show this help

Exit codes: 0 ok, 1 the file could not be read or folded, 2 usage error.
`;

/** The weight option shared with `flame`. */
function weightOf(values) {
  const picked = ['time', 'bytes', 'samples'].filter((k) => values[k]);
  if (picked.length > 1) throw new UsageError(`choose one of --${picked.join(', --')}`);
  if (values.timing !== undefined && !['samples', 'deltas'].includes(values.timing)) {
    throw new UsageError(`--timing must be 'samples' or 'deltas', got '${values.timing}'`);
  }
  return picked[0];
}

const weightOptions = {
  time: { type: 'boolean' },
  bytes: { type: 'boolean' },
  samples: { type: 'boolean' },
  timing: { type: 'string' },
};

async function main(argv) {
  const { values, positionals } = parse(argv, { output: { type: 'string', short: 'o' }, ...weightOptions });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give one profile file' : 'missing the profile file');
  const weight = weightOf(values);
  const { foldProfile } = require('../profile-analysis');
  const text = await foldProfile(positionals[0], { weight, timing: values.timing });
  if (values.output && values.output !== '-') fs.writeFileSync(values.output, text);
  else process.stdout.write(text);
  return 0;
}

module.exports = { summary, usage, main, weightOf, weightOptions };
