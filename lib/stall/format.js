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

module.exports = { formatReport };
