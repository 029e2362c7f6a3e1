'use strict';
// Retainer paths as one line of text, for the CLI and assertNoLeak's message:
//   global .cache Map (table) (array) [12] SessionRecord@4321 (app.js:10:5)
// Edges: `.x` property, `[i]` element or table slot, `{x}` closure variable (context), `(x)` V8
// internal.

/** How an edge reads in a path. */
function edgeText(step) {
  const e = step.edge;
  if (e === undefined || e === null) return '';
  switch (step.edgeType) {
    case 'property':
      return `.${e}`;
    case 'element':
    case 'hidden':
      return e.startsWith('[') ? e : `[${e}]`;
    case 'context':
      return `{${e}}`;
    case 'shortcut':
      return '';
    default:
      // V8 names hash-table slots (a Map's entries) by their index.
      return /^\d+$/.test(e) ? `[${e}]` : `(${e})`;
  }
}

/** How a node reads in a path: the class for objects, the function name for closures. */
function nodeText(step) {
  switch (step.nodeType) {
    case 'object':
    case 'native':
      return step.className;
    case 'closure':
      return `${step.name || '(anonymous)'}()`;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return JSON.stringify(step.name.length > 30 ? step.name.slice(0, 29) + '\u2026' : step.name);
    default:
      return step.name || step.className;
  }
}

/** Formats a path `{ steps, truncated }`; the last node gets its id and location. */
function formatPath(path) {
  if (!path) return '(no strong path from a GC root: held only by weak references, or garbage)';
  const parts = path.truncated ? ['\u2026'] : [];
  path.steps.forEach((s, i) => {
    const edge = i === 0 ? '' : edgeText(s);
    if (edge) parts.push(edge);
    let node = nodeText(s);
    if (i === path.steps.length - 1) node += `@${s.id}${s.location ? ` (${s.location})` : ''}`;
    parts.push(node);
  });
  return parts.join(' ');
}

module.exports = { formatPath, edgeText, nodeText };
