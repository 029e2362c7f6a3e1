'use strict';
// Shared by diff, leaks and retainers: the progress callback for the sync twins, which turns
// (label, fraction) into a rewriting status line on a terminal.

/** Returns an onProgress(label, fraction) that updates `progress` (from common.progress()). */
function progressReporter(progress) {
  let shown = '';
  return (label, fraction) => {
    const text = `${label} ${Math.floor(fraction * 100)}%`;
    if (text !== shown) progress.update(text);
    shown = text;
  };
}

module.exports = { progressReporter };
