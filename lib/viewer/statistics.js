'use strict';
// The Memory panel's Statistics breakdown (DevTools' colours and labels), for the viewer page
// (sent in its info) and the static report alike.

const PARTS = [
  ['code', 'Code', '#f0a43a'],
  ['strings', 'Strings', '#d35c5c'],
  ['jsArrays', 'JS arrays', '#5c8fd3'],
  ['typedArrays', 'Typed arrays', '#48b39b'],
  ['system', 'System objects', '#9d7bd8'],
];

/** The non-empty parts of a snapshot's statistics, in DevTools' order: [{ label, value, colour }]. */
function statisticsParts(st) {
  const other = Math.max(0, st.v8heap - PARTS.reduce((a, [k]) => a + st[k], 0));
  return [...PARTS.map(([k, label, colour]) => [label, st[k], colour]), ['Other JS objects', other, '#7f8ba0'], ['Native', st.native, '#c7c26a']]
    .filter(([, value]) => value > 0)
    .map(([label, value, colour]) => ({ label, value, colour }));
}

module.exports = { statisticsParts };
