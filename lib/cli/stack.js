'use strict';
// `rsheapdump stack <pid>`: the JavaScript stack of another Node process's main thread, now.

const { parse } = require('./common');
const { pidArg, withTarget, attachOptions, attachUsage } = require('./attach-common');

const summary = "JavaScript stack of a running Node process's main thread, by pid (also when stuck)";

const usage = `Usage: rsheapdump stack <pid> [options]

Attaches to the process (opening its inspector on 127.0.0.1 with SIGUSR1 if it is not open, and
closing it afterwards) and prints its main thread's JavaScript stack as it is right now, innermost
frame first: the function, file:line:column. A thread stuck in a loop is interrupted to read it; a
thread with no JavaScript running is reported idle (it waits in the event loop).

Options:
${attachUsage}
  -h, --help             show this help
`;

/** One frame as V8 prints it in a stack trace. */
function frameText(f) {
  let name = f.functionName;
  if (f.typeName && !f.constructor) name = `${f.typeName}.${name || '<anonymous>'}`;
  if (f.methodName && f.methodName !== f.functionName) name += ` [as ${f.methodName}]`;
  if (f.constructor) name = `new ${name}`;
  const where = f.native ? 'native' : f.url ? `${f.url}:${f.line}:${f.column}` : '<anonymous>';
  return `${f.async ? 'async ' : ''}${name ? `${name} (${where})` : where}`;
}

async function main(argv) {
  const { values, positionals } = parse(argv, attachOptions);
  const pid = pidArg(positionals);
  return withTarget(pid, values, async (target) => {
    const s = await target.stack();
    if (values.json) {
      process.stdout.write(JSON.stringify({ pid, nodeVersion: target.nodeVersion, ...s }, null, 2) + '\n');
    } else if (s.idle) {
      process.stdout.write(`process ${pid}: main thread idle (waiting in the event loop, no JavaScript running)\n`);
    } else {
      process.stdout.write(`process ${pid}: main thread, innermost frame first\n${s.frames.map((f) => `    at ${frameText(f)}`).join('\n')}\n`);
    }
    return 0;
  });
}

module.exports = { summary, usage, main, frameText };
