'use strict';
// The viewer page: asks the server for pages of data and never holds more than what is shown.
// The class table is virtualized (rows exist only for what is on screen; pages of 200 are
// fetched as they scroll into view), so 100k classes scroll like 100.
(function () {
  const token = new URLSearchParams(location.search).get('token') || '';
  const $ = (sel) => document.querySelector(sel);
  const ROW = 22;
  const BLOCK = 200;
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const pct = (n, total) => (total > 0 ? ((100 * n) / total).toFixed(1) + '%' : '');

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
    return e;
  }

  function status(text, error) {
    const s = $('#status');
    s.textContent = text;
    s.classList.toggle('error', Boolean(error));
  }

  let inflight = 0;
  async function api(route, params) {
    const q = new URLSearchParams(params);
    inflight++;
    document.body.dataset.busy = 'true';
    try {
      const res = await fetch(`/api/${route}?${q}`, { headers: { 'x-rsheapdump-token': token } });
      const body = await res.json();
      if (!res.ok) throw Object.assign(new Error(body.error ? body.error.message : res.statusText), { code: body.error && body.error.code });
      return body;
    } finally {
      if (--inflight === 0) delete document.body.dataset.busy;
    }
  }

  let info = null;

  // ---- Statistics chart ----
  // `parts`: the breakdown the server computed (lib/viewer/statistics.js, shared with the report).
  function showStats(st, parts) {
    const bar = el('div', { class: 'bar' });
    const legend = el('div', { class: 'legend' });
    for (const { label, value, colour } of parts) {
      bar.append(el('span', { style: `width:${(100 * value) / st.total}%;background:${colour}`, title: `${label}: ${fmt(value)} bytes` }));
      legend.append(el('span', { 'data-part': label }, el('i', { style: `background:${colour}` }), `${label} ${fmt(value / 1024)} KB (${pct(value, st.total)})`));
    }
    $('#stats').replaceChildren(bar, legend);
  }

  // ---- Classes (virtualized) ----
  const classes = { sort: 'retainedSize', order: 'desc', filter: '', total: 0, blocks: new Map(), gen: 0, selected: -1 };
  const cbody = $('#classes .body');
  const spacer = $('#classes .spacer');

  function resetClasses() {
    classes.gen++;
    classes.blocks = new Map();
    cbody.scrollTop = 0;
    for (const s of document.querySelectorAll('#classes .head span')) {
      s.classList.toggle('sorted', s.dataset.sort === classes.sort);
      s.classList.toggle('asc', classes.order === 'asc');
    }
    return loadBlock(0).then(renderClasses);
  }

  function loadBlock(b) {
    if (classes.blocks.has(b)) return classes.blocks.get(b);
    const gen = classes.gen;
    const p = api('classes', { sort: classes.sort, order: classes.order, filter: classes.filter, offset: b * BLOCK, limit: BLOCK }).then((page) => {
      if (gen !== classes.gen) return null;
      classes.total = page.total;
      classes.blocks.set(b, page.rows);
      return page.rows;
    });
    classes.blocks.set(b, p);
    return p;
  }

  function renderClasses() {
    spacer.style.height = `${classes.total * ROW}px`;
    const first = Math.floor(cbody.scrollTop / ROW);
    const last = Math.min(classes.total, first + Math.ceil(cbody.clientHeight / ROW) + 2);
    const rows = [];
    let missing = false;
    for (let i = first; i < last; i++) {
      const block = classes.blocks.get(Math.floor(i / BLOCK));
      if (!Array.isArray(block)) {
        missing = true;
        loadBlock(Math.floor(i / BLOCK)).then((r) => r && renderClasses());
        continue;
      }
      const r = block[i % BLOCK];
      const c = r.class;
      rows.push(
        el(
          'div',
          { class: 'row' + (r.index === classes.selected ? ' selected' : ''), style: `top:${i * ROW}px`, 'data-index': r.index, 'data-name': c.name, title: c.name, onclick: () => selectClass(r) },
          el('span', {}, c.name, ' ', el('span', { class: 'id' }, `\u00d7${fmt(c.count)}`)),
          el('span', {}, c.distance >= 100000000 ? '\u2014' : c.distance),
          el('span', {}, fmt(c.count)),
          el('span', {}, fmt(c.shallowSize)),
          el('span', {}, fmt(c.retainedSize), ' ', el('span', { class: 'id' }, pct(c.retainedSize, info.statistics.total))),
        ),
      );
    }
    cbody.replaceChildren(spacer, ...rows);
    if (!missing) status(`${fmt(classes.total)} classes`);
  }
  cbody.addEventListener('scroll', () => requestAnimationFrame(renderClasses));
  window.addEventListener('resize', () => renderClasses());

  for (const s of document.querySelectorAll('#classes .head span')) {
    s.addEventListener('click', () => {
      const sort = s.dataset.sort;
      if (classes.sort === sort) classes.order = classes.order === 'desc' ? 'asc' : 'desc';
      else {
        classes.sort = sort;
        classes.order = sort === 'name' ? 'asc' : 'desc';
      }
      resetClasses().catch(fail);
    });
  }
  let filterTimer = 0;
  $('#filter').addEventListener('input', (e) => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      classes.filter = e.target.value;
      resetClasses().catch(fail);
    }, 150);
  });

  // ---- Objects of a class (all, or with a baseline only the new ones) ----
  const obody = $('#objects .body');
  let objectsGen = 0;
  function selectClass(r, onlyNew) {
    classes.selected = r.index;
    renderClasses();
    const gen = ++objectsGen;
    obody.replaceChildren();
    obody.dataset.index = r.index;
    obody.dataset.new = onlyNew ? 'true' : 'false';
    const more = (offset) =>
      api(onlyNew ? 'new-objects' : 'objects', { index: r.index, offset, limit: 100 }).then((page) => {
        if (gen !== objectsGen) return;
        const old = obody.querySelector('.more');
        if (old) old.remove();
        for (const o of page.rows) obody.append(objectRow(o));
        const shown = offset + page.rows.length;
        if (shown < page.total) obody.append(el('button', { class: 'more', onclick: () => more(shown).catch(fail) }, `Show more (${fmt(page.total - shown)} left)`));
        status(`${r.class.name}: ${fmt(page.total)} ${onlyNew ? 'new ' : ''}objects`);
        if (gen === objectsGen) obody.dataset.loaded = 'true';
      });
    return more(0).catch(fail);
  }

  function objectRow(o) {
    return el(
      'div',
      { class: 'row', 'data-id': o.id, onclick: (e) => selectObject(o.id, e.currentTarget) },
      el('span', {}, label(o)),
      el('span', {}, o.distance >= 100000000 ? '\u2014' : o.distance),
      el('span', {}, fmt(o.edgeCount)),
      el('span', {}, fmt(o.selfSize)),
      el('span', {}, fmt(o.retainedSize)),
    );
  }

  function label(n) {
    const name = n.name && n.name !== n.className ? ` ${n.nodeType === 'string' ? JSON.stringify(n.name) : n.name}` : '';
    return el('span', {}, el('span', { class: 'cls' }, n.className), name, ' ', el('span', { class: 'id' }, `@${n.id}`));
  }

  // ---- One object: details, paths, retainers, references ----
  let objectGen = 0;
  async function selectObject(id, rowEl) {
    for (const s of document.querySelectorAll('#objects .row.selected')) s.classList.remove('selected');
    if (rowEl) rowEl.classList.add('selected');
    const gen = ++objectGen;
    delete document.body.dataset.selected;
    const [node, paths] = await Promise.all([api('node', { id }), api('paths', { id, limit: 5 })]);
    if (gen !== objectGen) return;
    const loc = node.location ? el('dd', { class: 'loc' }, node.location) : el('dd', {}, '\u2014');
    $('#details').replaceChildren(
      el('h3', { 'data-id': node.id }, label(node)),
      el(
        'dl',
        {},
        el('dt', {}, 'Type'), el('dd', {}, node.nodeType),
        el('dt', {}, 'Shallow size'), el('dd', {}, `${fmt(node.selfSize)} bytes`),
        el('dt', {}, 'Retained size'), el('dd', {}, `${fmt(node.retainedSize)} bytes (${pct(node.retainedSize, info.statistics.total)} of the heap)`),
        el('dt', {}, 'Distance'), el('dd', {}, node.distance),
        el('dt', {}, 'Location'), loc,
      ),
    );
    const list = $('#paths');
    list.replaceChildren();
    for (const g of paths.groups) list.append(el('li', { class: 'path' }, g.path ? pathView(g.path) : 'no strong path: held only by weak references, or garbage'));
    if (paths.omitted > 0) list.append(el('li', { class: 'id' }, `${paths.omitted} more retainers`));
    $('#retainers').replaceChildren(...(await edgeItems('retainers', id, 0, gen)));
    $('#references').replaceChildren(...(await edgeItems('references', id, 0, gen)));
    if (gen !== objectGen) return;
    status(`@${id}`);
    document.body.dataset.selected = id; // everything about this object is shown
  }

  function pathView(p) {
    const out = el('span', { class: 'steps' });
    if (p.truncated) out.append('\u2026 ');
    p.steps.forEach((s, i) => {
      if (i > 0) out.append(' \u2192 ');
      out.append(el('span', { class: 'step', 'data-edge': s.edge === undefined || s.edge === null ? '' : s.edge, 'data-id': s.id }, s.edge !== undefined && s.edge !== null ? el('span', { class: 'edge' }, s.edge + ' ') : null, el('span', { class: 'cls' }, s.className), el('span', { class: 'id' }, ` @${s.id}`)));
    });
    const last = p.steps[p.steps.length - 1];
    if (last && last.location) out.append(' ', el('span', { class: 'loc' }, last.location));
    return out;
  }

  // Retainers and references as expandable trees: each item opens a page of its own edges.
  async function edgeItems(kind, id, offset, gen) {
    const page = await api(kind, { id, offset, limit: 50 });
    if (gen !== undefined && gen !== objectGen) return [];
    const items = page.rows.map((r) => edgeItem(kind, r));
    const shown = offset + page.rows.length;
    if (shown < page.total) {
      const more = el('button', { class: 'more' }, `Show more (${fmt(page.total - shown)} left)`);
      more.addEventListener('click', async () => more.replaceWith(...(await edgeItems(kind, id, shown))));
      items.push(more);
    }
    if (page.total === 0 && offset === 0) items.push(el('p', { class: 'hint' }, kind === 'retainers' ? 'Nothing holds it (a root).' : 'No outgoing references.'));
    return items;
  }

  function edgeItem(kind, r) {
    const n = r.node;
    const toggle = el('span', { class: 'toggle' }, '\u25B8');
    const kids = el('div', { class: 'kids', hidden: '' });
    const line = el(
      'div',
      { class: 'line' + (r.edgeType === 'weak' ? ' weak' : ''), title: `${r.edgeType} edge` },
      toggle,
      el('span', { class: 'edge' }, r.edgeType === 'element' || r.edgeType === 'hidden' ? r.edge : r.edgeType === 'context' ? `{${r.edge}}` : r.edge),
      kind === 'retainers' ? 'in' : '\u2192',
      label(n),
      n.location ? el('span', { class: 'loc' }, n.location) : null,
      el('span', { class: 'num' }, `d ${n.distance >= 100000000 ? '\u2014' : n.distance} \u00b7 ${fmt(n.retainedSize)}`),
    );
    const item = el('div', { class: 'item', 'data-id': n.id, 'data-edge': r.edge }, line, kids);
    let loaded = false;
    line.addEventListener('click', async () => {
      const open = kids.hidden;
      kids.hidden = !open;
      toggle.textContent = open ? '\u25BE' : '\u25B8';
      if (open && !loaded) {
        loaded = true;
        kids.replaceChildren(...(await edgeItems(kind, n.id, 0).catch((e) => [el('p', { class: 'hint' }, e.message)])));
      }
    });
    return item;
  }

  $('#find').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = $('#find-id').value.trim().replace(/^@/, '');
    if (!/^\d+$/.test(id)) return status('an id is a number, e.g. @12345', true);
    selectObject(Number(id)).catch(fail);
  });

  function fail(err) {
    status(err.message, true);
  }

  // ---- Two snapshots: the Comparison; three: the leak clusters ----
  function showTab(tab) {
    for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.tab === tab);
    for (const id of ['classes', 'comparison', 'leaks']) $(`#${id}`).hidden = id !== tab;
    if (tab === 'classes') renderClasses();
  }

  async function comparisonMode(i) {
    $('#tabs').hidden = false;
    $('#tabs button[data-tab="comparison"]').hidden = false;
    $('#tabs button[data-tab="comparison"]').textContent = `Comparison with ${i.base}`;
    for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => showTab(b.dataset.tab));
    const d = await api('comparison', { limit: 1000 });
    const sign = (n) => (n > 0 ? '+' : '') + fmt(n);
    const rows = d.classes.map((c) =>
      el(
        'div',
        {
          class: 'row',
          'data-name': c.name,
          'data-index': c.index === null ? '' : c.index,
          onclick: () => (c.index === null ? status(`no ${c.name} is left in ${i.file}`) : selectClass({ index: c.index, class: { name: c.name } }, true).then(() => {})),
        },
        el('span', {}, c.name),
        el('span', { class: c.newCount ? 'plus' : '' }, fmt(c.newCount)),
        el('span', {}, fmt(c.deletedCount)),
        el('span', {}, fmt(c.allocSize)),
        el('span', { class: c.sizeDelta > 0 ? 'plus' : '' }, sign(c.sizeDelta)),
      ),
    );
    $('#comparison .body').replaceChildren(...rows);
    showTab('comparison');
  }

  async function leaksMode(i) {
    $('#tabs').hidden = false;
    $('#tabs button[data-tab="leaks"]').hidden = false;
    for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => showTab(b.dataset.tab));
    const l = await api('leaks', {});
    const items = l.clusters.map((c) =>
      el(
        'div',
        { class: 'cluster', 'data-name': c.className },
        el('h3', {}, el('span', { class: 'cls' }, c.className), ` \u00d7${fmt(c.count)} `, el('span', { class: 'id' }, `retaining ${fmt(c.retainedSize)} bytes`)),
        c.path ? pathView(c.path) : el('span', { class: 'hint' }, 'no strong path'),
        el('div', { class: 'ids' }, ...c.ids.slice(0, 10).map((id) => el('a', { 'data-id': id, onclick: () => selectObject(id).catch(fail) }, `@${id}`))),
      ),
    );
    $('#leaks').replaceChildren(el('p', { class: 'hint' }, `Allocated after ${i.files[0]}, present in ${i.files[1]}, still alive in ${i.files[2]}.`), ...(items.length ? items : [el('p', {}, 'No leak found.')]));
    showTab('leaks');
  }

  // ---- Profiles: a flame graph (the `flame` SVG, framed) and bottom-up / top-down tables ----
  function profileMode(i) {
    for (const id of ['#snapshot', '#toolbar', '#stats']) $(id).hidden = true;
    $('#profile').hidden = false;
    const cpu = i.kind === 'cpu';
    const value = (v) => (cpu ? `${(v / 1000).toFixed(1)} ms` : `${fmt(v)} B`);
    const frame = $('#flame');
    const framed = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.src = `/flame.svg?token=${encodeURIComponent(token)}`;
    let timer = 0;
    $('#flame-search').addEventListener('input', (e) => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        await framed;
        const term = e.target.value;
        const share = frame.contentWindow.search(term === '' ? null : term);
        $('#flame-matched').textContent = term === '' ? '' : `Matched: ${share.toFixed(2)}% of ${cpu ? 'the samples' : 'the bytes'}`;
        $('#flame-matched').dataset.share = term === '' ? '' : share;
      }, 150);
    });
    const body = $('#functions .body');
    async function show(mode) {
      for (const b of document.querySelectorAll('#modes button')) b.classList.toggle('active', b.dataset.mode === mode);
      const a = await api(mode, {});
      const rows = (mode === 'top-down' ? a.tree : a.functions).map((f) =>
        el(
          'div',
          { class: 'row', 'data-name': f.name, title: `${f.name} ${f.url}:${f.line}:${f.column}` },
          el('span', { style: mode === 'top-down' ? `padding-left:${f.depth * 14}px` : '' }, el('span', { class: 'fn' }, f.name || '(anonymous)'), ' ', el('span', { class: 'loc' }, f.url ? `${f.url}:${f.line}:${f.column}` : '')),
          el('span', {}, `${f.selfPercent.toFixed(2)}%`),
          el('span', {}, value(f.self)),
          el('span', {}, `${f.totalPercent.toFixed(2)}%`),
          el('span', {}, value(f.total)),
        ),
      );
      body.replaceChildren(...rows);
      body.dataset.mode = mode;
      $('#counts').textContent = cpu ? `CPU profile \u00b7 ${fmt(a.sampleCount)} samples \u00b7 ${value(a.total)}` : `heap profile \u00b7 ${fmt(a.total)} bytes sampled`;
    }
    for (const b of document.querySelectorAll('#modes button')) b.addEventListener('click', () => show(b.dataset.mode).catch(fail));
    return Promise.all([framed, show('bottom-up')]);
  }

  api('info', {})
    .then((i) => {
      info = i;
      $('#file').textContent = i.file;
      document.title = `${i.file} \u2014 rsheapdump view`;
      if (i.kind !== 'snapshot') return profileMode(i);
      $('#counts').textContent = `${fmt(i.nodeCount)} nodes \u00b7 ${fmt(i.classCount)} classes \u00b7 ${fmt(i.statistics.total / 1024)} KB`;
      showStats(i.statistics, i.statisticsParts);
      return resetClasses().then(() => (i.compare === 'diff' ? comparisonMode(i) : i.compare === 'leaks' ? leaksMode(i) : null));
    })
    .then(() => (document.body.dataset.ready = 'true'))
    .catch(fail);
})();
