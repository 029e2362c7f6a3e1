'use strict';
// `rsheapdump report`: the viewer's views, cut to the top N, as one static HTML file (no script,
// no server, nothing loaded from anywhere: it opens from file:// and in ticket attachments).
// Classes expand (<details>) into their largest objects and those into their retainer paths.

const fs = require('node:fs');
const path = require('node:path');
const { formatPath } = require('../retainer-text');
const { statisticsParts } = require('./statistics');

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const pct = (n, total) => (total > 0 ? `${((100 * n) / total).toFixed(1)}%` : '');

const STYLE = `body{font:13px/1.4 system-ui,sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
header{background:#20293a;color:#fff;padding:10px 16px}h1{font-size:16px;margin:0 0 4px}header p{margin:0;color:#b9c4d8}
main{padding:12px 16px}h2{font-size:14px;margin:18px 0 6px}table{border-collapse:collapse;background:#fff;width:100%}
th,td{padding:3px 8px;border-bottom:1px solid #e3e6eb;text-align:right;white-space:nowrap}th{background:#eef0f4}
th:first-child,td:first-child{text-align:left;white-space:normal}details>summary{cursor:pointer}details details{margin-left:18px}
.bar{display:flex;height:14px;border-radius:3px;overflow:hidden;margin:6px 0}.legend span{margin-right:12px;font-size:12px}
.legend i{display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:4px}.path{font-family:ui-monospace,monospace;font-size:12px;color:#3b4458;margin:2px 0 6px 18px;white-space:pre-wrap}
.dim{color:#6b7385}.flame{width:100%;background:#f8f8f0}
.grid{display:grid;grid-template-columns:minmax(0,1fr) 80px 90px 110px 150px;gap:6px;padding:3px 8px;border-bottom:1px solid #e3e6eb;background:#fff}
.grid>span:not(:first-child){text-align:right}div.grid.head{background:#eef0f4;font-weight:600}
details.class>summary{list-style:none}details.class>summary::before{content:"\\25B8";position:absolute;margin-left:-12px;color:#6b7385}
details.class[open]>summary::before{content:"\\25BE"}details.class>summary.grid{padding-left:20px}.objects{background:#fff;padding:4px 8px 8px 28px;border-bottom:1px solid #e3e6eb}`;

function page(title, subtitle, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)} \u2014 rsheapdump report</title><style>${STYLE}</style></head>
<body><header><h1>rsheapdump report: ${esc(title)}</h1><p>${esc(subtitle)}</p></header><main>
${body}
<p class="dim">Written by rsheapdump ${esc(require('../../package.json').version)} on ${esc(new Date().toISOString())}.</p>
</main></body></html>
`;
}

function statistics(st) {
  const parts = statisticsParts(st);
  const bar = parts.map(({ label, value, colour }) => `<span style="width:${(100 * value) / st.total}%;background:${colour}" title="${esc(label)}"></span>`).join('');
  const legend = parts.map(({ label, value, colour }) => `<span><i style="background:${colour}"></i>${esc(label)} ${fmt(value)} bytes (${pct(value, st.total)})</span>`).join('');
  return `<h2>Statistics: ${fmt(st.total)} bytes</h2><div class="bar">${bar}</div><div class="legend">${legend}</div>`;
}

/** A snapshot: statistics, the top classes by retained size, their largest objects, their paths. */
async function snapshotReport(file, { top, objects, paths }) {
  const { openSnapshot } = require('../view');
  const view = await openSnapshot(file);
  try {
    const s = view.summary();
    const total = s.statistics.total;
    const classes = (await view.classes({ sort: 'retainedSize', limit: top })).rows;
    const rows = [];
    for (const [i, r] of classes.entries()) {
      const c = r.class;
      const cells = `<span>${esc(c.name)} <span class="dim">\u00d7${fmt(c.count)}</span></span><span>${c.distance >= 100000000 ? '\u2014' : c.distance}</span><span>${fmt(c.count)}</span><span>${fmt(c.shallowSize)}</span><span>${fmt(c.retainedSize)} <span class="dim">${pct(c.retainedSize, total)}</span></span>`;
      if (i >= objects.classes) {
        rows.push(`<div class="class grid" data-name="${esc(c.name)}">${cells}</div>`);
        continue;
      }
      const objs = (await view.objects(r.index, { limit: objects.perClass })).rows;
      const items = [];
      for (const [j, o] of objs.entries()) {
        const head = `${esc(o.className)} @${o.id} <span class="dim">retains ${fmt(o.retainedSize)} bytes, shallow ${fmt(o.selfSize)}${o.location ? `, ${esc(o.location)}` : ''}</span>`;
        if (j >= paths) {
          items.push(`<div>${head}</div>`);
          continue;
        }
        const rp = await view.retainerPaths(o.id, { limit: 3 });
        const shown = rp.groups.map((g) => `<div class="path">${esc(formatPath(g.path))}</div>`).join('');
        items.push(`<details><summary>${head}</summary>${shown}</details>`);
      }
      const more = c.count > objs.length ? `<div class="dim">\u2026 ${fmt(c.count - objs.length)} more objects</div>` : '';
      rows.push(`<details class="class" data-name="${esc(c.name)}"><summary class="grid">${cells}</summary><div class="objects">${items.join('')}${more}</div></details>`);
    }
    const head = '<div class="grid head"><span>Constructor</span><span>Distance</span><span>Objects</span><span>Shallow size</span><span>Retained size</span></div>';
    const left = s.classes.length - classes.length;
    const body = `${statistics(s.statistics)}
<h2>Summary: the ${classes.length} classes that retain most (of ${fmt(s.classes.length)})</h2>
<div id="classes">${head}${rows.join('\n')}</div>${left > 0 ? `<p class="dim">\u2026 ${fmt(left)} more classes (rsheapdump view ${esc(path.basename(file))} shows them all)</p>` : ''}`;
    return page(path.basename(file), `${fmt(s.nodeCount)} nodes, ${fmt(s.edgeCount)} edges, ${fmt(s.classes.length)} classes`, body);
  } finally {
    view.close();
  }
}

/** Two snapshots: DevTools' Comparison, largest size delta first. */
async function diffReport(base, target, { top }) {
  const { diffSnapshots } = require('../compare');
  const d = await diffSnapshots(base, target);
  const rows = d.classes
    .slice(0, top)
    .map((c) => `<tr class="class" data-name="${esc(c.name)}"><td>${esc(c.name)}</td><td>${fmt(c.newCount)}</td><td>${fmt(c.deletedCount)}</td><td>${c.countDelta > 0 ? '+' : ''}${fmt(c.countDelta)}</td><td>${fmt(c.allocSize)}</td><td>${fmt(c.freedSize)}</td><td>${c.sizeDelta > 0 ? '+' : ''}${fmt(c.sizeDelta)}</td></tr>`);
  const body = `<h2>Comparison: ${esc(path.basename(target))} against ${esc(path.basename(base))}</h2>
<table id="classes"><tr><th>Constructor</th><th># New</th><th># Deleted</th><th># Delta</th><th>Alloc. size</th><th>Freed size</th><th>Size delta</th></tr>${rows.join('\n')}</table>`;
  return page(`${path.basename(base)} \u2192 ${path.basename(target)}`, `${fmt(d.baseNodeCount)} \u2192 ${fmt(d.targetNodeCount)} nodes`, body);
}

/** Three snapshots: leak clusters with their retainer paths. */
async function leaksReport(base, target, final, { top }) {
  const { findLeaks } = require('../compare');
  const l = await findLeaks(base, target, final, { limit: top });
  const rows = l.clusters.map(
    (c) =>
      `<tr class="class" data-name="${esc(c.className)}"><td><details><summary>${esc(c.className)} \u00d7${fmt(c.count)}</summary><div class="path">${esc(formatPath(c.path))}</div><div class="dim">ids: ${c.ids.map((id) => '@' + id).join(' ')}</div></details></td><td>${fmt(c.count)}</td><td>${fmt(c.retainedSize)}</td></tr>`,
  );
  const body = `<h2>Leaks: allocated after ${esc(path.basename(base))}, present in ${esc(path.basename(target))}, still alive in ${esc(path.basename(final))}</h2>
<table id="classes"><tr><th>Cluster (class and retainer path)</th><th>Objects</th><th>Retained size</th></tr>${rows.join('\n')}</table>${rows.length ? '' : '<p>No leak found.</p>'}`;
  return page(path.basename(final), `${fmt(l.clusters.length)} leak clusters`, body);
}

/** A CPU or heap profile: the flame graph (as a picture) and the bottom-up list. */
async function profileReport(file, kind, { top }) {
  const native = require('../native');
  const a = await (kind === 'cpu' ? native.analyzeCpuProfile : native.analyzeHeapProfile)(file, { limit: top });
  const svg = await native.flameGraph(file, { title: path.basename(file) });
  const value = (v) => (kind === 'cpu' ? `${(v / 1000).toFixed(1)} ms` : `${fmt(v)} B`);
  const rows = a.functions.map(
    (f) =>
      `<tr class="class" data-name="${esc(f.name)}"><td>${esc(f.name || '(anonymous)')} <span class="dim">${esc(f.url ? `${f.url}:${f.line}:${f.column}` : '')}</span></td><td>${f.selfPercent.toFixed(2)}%</td><td>${value(f.self)}</td><td>${f.totalPercent.toFixed(2)}%</td><td>${value(f.total)}</td></tr>`,
  );
  const body = `<h2>Flame graph</h2><img class="flame" alt="flame graph" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">
<h2>Bottom-up: the top ${rows.length} of ${fmt(a.functionCount)}</h2>
<table id="classes"><tr><th>Function</th><th>Self %</th><th>Self</th><th>Total %</th><th>Total</th></tr>${rows.join('\n')}</table>`;
  return page(path.basename(file), kind === 'cpu' ? `CPU profile, ${fmt(a.sampleCount)} samples, ${value(a.total)}` : `heap profile, ${fmt(a.total)} bytes sampled`, body);
}

/** Writes `html` to `out` as a complete file (mode 0600: it shows heap contents) or not at all. */
function writeReport(out, html) {
  const partial = `${out}.partial`;
  try {
    fs.writeFileSync(partial, html, { mode: 0o600 });
    fs.renameSync(partial, out);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
}

module.exports = { snapshotReport, diffReport, leaksReport, profileReport, writeReport };
