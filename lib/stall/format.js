'use strict';
// A stall report as one line of text: what NODE_HEAPDUMP_OPTIONS=stall=<ms> prints on stderr.

const ms = (n) => `${Math.round(n).toLocaleString('en-US')} ms`;

function where(f) {
  const loc = f.url ? `${f.url}:${f.line}:${f.column}` : 'native';
  return `${f.async ? 'async ' : ''}${f.functionName} (${loc})`;
}

/** `rsheapdump: event loop blocked 512 ms (javascript) at crunch (/app/server.js:4:9) < ...; top ...; profile ...` */
function formatReport(r) {
  const head = r.ongoing ? `event loop blocked for ${ms(r.durationMs)} so far, still blocked` : `event loop blocked ${ms(r.durationMs)}`;
  const parts = [`rsheapdump: ${head}${r.blockedBy ? ` (${r.blockedBy})` : ''}`];
  parts[0] += r.stack && r.stack.length ? ` at ${r.stack.slice(0, 4).map(where).join(' < ')}` : ' (no JavaScript stack: the main thread did not run JavaScript before the loop turned)';
  if (r.gcMs >= 1) parts.push(`GC ${ms(r.gcMs)}`);
  if (r.top && r.top.length) parts.push(`top ${r.top.slice(0, 3).map((t) => `${t.functionName} ${Math.round(t.selfPercent)}%`).join(', ')}`);
  if (r.profile) parts.push(`profile ${r.profile}`);
  if (r.profileError) parts.push(`no profile: ${r.profileError}`);
  return parts.join('; ');
}

/**
 * A report's `top`: the hottest functions of a profile analysis (analyzeCpuProfile) by self time.
 * `(idle)` is left out: the loop idles in the profile after the stall, until the stop reached it.
 */
function topFunctions(analysis, n = 5) {
  const { fileURLToPath } = require('node:url');
  return analysis.functions
    .filter((f) => f.name !== '(idle)' && f.self > 0)
    .slice(0, n)
    .map((f) => ({
      functionName: f.name,
      // As in the stack: V8's profiles name CommonJS files by file: URL.
      url: f.url.startsWith('file:') ? fileURLToPath(f.url) : f.url,
      line: f.line,
      column: f.column,
      selfMs: f.self / 1000,
      selfPercent: f.selfPercent,
    }));
}

module.exports = { formatReport, topFunctions };
