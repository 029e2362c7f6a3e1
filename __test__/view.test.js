'use strict';
// openSnapshot (a snapshot held open for paged queries), the `rsheapdump view` server (127.0.0.1,
// token, Host check), and its page in a real headless Chromium driven by puppeteer-core.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { ROOT, tmpdir, launchBrowser, findChromium, foldedShare } = require('./helpers');
const { openSnapshot, analyzeSnapshot, retainerPaths, analyzeCpuProfile, analyzeHeapProfile, codes } = require('../analyze');

const BIN = path.join(ROOT, 'bin', 'rsheapdump.js');
const dir = tmpdir();
const file = path.join(dir, 'view.heapsnapshot');
// 300 sessions in a Map on the global object, and a closure that holds the Map.
const made = spawnSync(process.execPath, [
  '-e',
  `class ViewSession { constructor(i) { this.n = i; this.payload = 'session payload ' + i + ' '.repeat(i % 7); } }
   globalThis.viewCache = new Map();
   (function fill() { for (let i = 0; i < 300; i++) viewCache.set('s' + i, new ViewSession(i)); })();
   globalThis.viewHandler = function viewHandler() { return viewCache.size; };
   require('v8').writeHeapSnapshot(${JSON.stringify(file)});`,
]);
assert.equal(made.status, 0, String(made.stderr));

/** Fetches `url` with optional headers; resolves to { status, body }. */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

// Viewers still running when this file's process exits (a test that timed out never reaches its
// finally) are stopped then, so none outlives the run (seen: viewers left by timed-out runs).
const viewers = new Set();
process.on('exit', () => {
  for (const c of viewers) c.kill('SIGKILL');
});

/** Starts `rsheapdump view` and resolves once it printed its URL. */
function startViewer(args) {
  const child = spawn(process.execPath, [BIN, 'view', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  viewers.add(child);
  child.on('exit', () => viewers.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const url = new Promise((resolve, reject) => {
    closed.catch(() => {});
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)\n/m.exec(stdout);
      if (m) resolve(m[1]);
    });
    closed.then((r) => reject(new Error(`viewer exited ${r.code}: ${r.stderr}`)));
  });
  url.catch(() => {}); // awaited by the tests that expect a URL
  return { child, url, closed };
}

test('openSnapshot: the Summary analyzeSnapshot gives, pages of classes and objects, retainers, references, paths', async () => {
  const view = await openSnapshot(file);
  try {
    assert.deepEqual(view.summary(), await analyzeSnapshot(file));

    const byRetained = await view.classes({ limit: 500 });
    assert.equal(byRetained.total, view.summary().classes.length);
    const sizes = byRetained.rows.map((r) => r.class.retainedSize);
    assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a));
    const byCountAsc = await view.classes({ sort: 'count', descending: false, limit: 500 });
    const counts = byCountAsc.rows.map((r) => r.class.count);
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
    const byName = await view.classes({ sort: 'name', limit: 5, offset: 2 });
    assert.deepEqual(byName.rows.map((r) => r.class.name), view.summary().classes.map((c) => c.name).sort().slice(2, 7));

    const found = await view.classes({ filter: 'viewsess' });
    assert.equal(found.total, 1);
    const row = found.rows[0];
    assert.equal(row.class.name, 'ViewSession');
    assert.equal(row.class.count, 300);
    assert.deepEqual(row.class, view.summary().classes[row.index]);

    // Two pages make the whole list, largest retained first, no object twice.
    const first = await view.objects(row.index, { limit: 200 });
    const second = await view.objects(row.index, { offset: 200, limit: 200 });
    assert.equal(first.total, 300);
    const all = [...first.rows, ...second.rows];
    assert.equal(new Set(all.map((o) => o.id)).size, 300);
    assert.ok(all.every((o) => o.className === 'ViewSession' && o.nodeType === 'object'));
    assert.deepEqual(all.map((o) => o.retainedSize), all.map((o) => o.retainedSize).sort((a, b) => b - a));
    assert.equal(all.reduce((s, o) => s + o.selfSize, 0), row.class.shallowSize);

    const obj = all[0];
    assert.deepEqual(await view.node(obj.id), obj);
    const refs = await view.references(obj.id, { limit: 100 });
    assert.equal(refs.total, obj.edgeCount);
    assert.ok(refs.rows.some((r) => r.edge === 'payload' && r.edgeType === 'property' && r.node.nodeType.includes('string')), JSON.stringify(refs.rows));
    const holders = await view.retainers(obj.id);
    assert.ok(holders.total >= 1);
    // The nearest retainer is nearer the roots, and it holds the object by an edge to it.
    const held = holders.rows[0];
    assert.ok(held.node.distance < obj.distance, 'a retainer is nearer the roots');
    const back = await view.references(held.node.id, { limit: 10000 });
    assert.ok(back.rows.some((r) => r.node.id === obj.id && r.edge === held.edge));
    assert.deepEqual(await view.retainerPaths(obj.id, { limit: 0 }), await retainerPaths(file, { id: obj.id, limit: 0 }));
    const steps = (await view.retainerPaths(obj.id)).groups[0].path.steps;
    assert.ok(steps.some((s) => s.edge === 'viewCache'), JSON.stringify(steps));

    await assert.rejects(view.node(1e15), { code: codes.NODE_NOT_FOUND });
    await assert.rejects(view.objects(1e6), { code: codes.CLASS_NOT_FOUND });
    assert.throws(() => view.classes({ sort: 'size' }), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => view.node('1'), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => view.retainers(1, { limit: 10001 }), { code: 'ERR_INVALID_ARG_VALUE', name: 'RangeError' });
  } finally {
    view.close();
  }
  await assert.rejects(view.node(1), { code: codes.VIEW_CLOSED });
  await assert.rejects(view.classes(), { code: codes.VIEW_CLOSED });
  assert.throws(() => view.summary(), { code: codes.VIEW_CLOSED });
  assert.equal(view.indexesReady, false);
  view.close(); // twice is fine
});

test('openSnapshot: a malformed file rejects with the analyzer error; an aborted open rejects with AbortError', async () => {
  const bad = path.join(dir, 'bad.heapsnapshot');
  fs.writeFileSync(bad, '{"snapshot":{"meta":');
  await assert.rejects(openSnapshot(bad), { code: codes.PARSE });
  await assert.rejects(openSnapshot(path.join(dir, 'missing.heapsnapshot')), { code: 'ENOENT' });
  await assert.rejects(openSnapshot(file, { signal: AbortSignal.abort() }), { name: 'AbortError', code: 'ABORT_ERR' });
  assert.throws(() => openSnapshot(''), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('rsheapdump view: 127.0.0.1 only, the token on every request, Host checked, no route to files, Ctrl-C exits 0', async () => {
  const v = startViewer([file, '--no-open']);
  try {
    const url = new URL(await v.url);
    const token = url.searchParams.get('token');
    const base = `http://127.0.0.1:${url.port}`;
    assert.ok(token.length >= 24);

    const page = await get(url.href);
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>rsheapdump view<\/title>/);
    assert.match(page.headers['content-security-policy'], /default-src 'none'/);
    assert.doesNotMatch(page.body, /https?:\/\/(?!127\.0\.0\.1)/, 'the page loads nothing from elsewhere');

    assert.equal((await get(`${base}/`)).status, 403);
    assert.equal((await get(`${base}/api/info`)).status, 403);
    assert.equal((await get(`${base}/api/info?token=${token}x`)).status, 403);
    assert.equal((await get(`${base}/api/info`, { 'x-rsheapdump-token': token.slice(1) })).status, 403);
    assert.equal((await get(`${base}/api/info?token=${token}`, { host: `attacker.example:${url.port}` })).status, 403, 'DNS rebinding: a foreign Host');
    const info = await get(`${base}/api/info`, { 'x-rsheapdump-token': token });
    assert.equal(info.status, 200);
    assert.equal(JSON.parse(info.body).file, 'view.heapsnapshot');
    assert.equal((await get(`${base}/api/../../../etc/passwd?token=${token}`)).status, 404);
    assert.equal((await get(`${base}/etc/passwd?token=${token}`)).status, 404);
    assert.equal((await get(`${base}/api/node?id=..%2Fetc&token=${token}`)).status, 400);
    assert.equal((await get(`${base}/api/node?id=1&token=${token}`)).status, 200);
    assert.equal(JSON.parse((await get(`${base}/api/node?id=999999999999&token=${token}`)).body).error.code, codes.NODE_NOT_FOUND);

    // Nothing listens on the machine's other addresses.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === 'IPv4');
    if (external) {
      const err = await new Promise((resolve) => {
        const s = net.connect(Number(url.port), external.address);
        s.on('connect', () => resolve(null));
        s.on('error', resolve);
      });
      assert.equal(err && err.code, 'ECONNREFUSED', `reachable on ${external.address}`);
    }
  } finally {
    v.child.kill('SIGINT');
  }
  const r = await v.closed;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(fs.existsSync(file), 'the snapshot is still there');
});

test('rsheapdump view: a file the analyzer rejects exits 1 before serving; a port in use is a clear error', async () => {
  const bad = path.join(dir, 'bad2.heapsnapshot');
  fs.writeFileSync(bad, '{"snapshot":{"meta":{"node_fields":[');
  const r1 = await startViewer([bad, '--no-open']).closed;
  assert.equal(r1.code, 1);
  assert.equal(r1.stdout, '', 'no URL printed');
  assert.match(r1.stderr, /ERR_RSHEAPDUMP_PARSE/);

  const blocker = net.createServer();
  await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  try {
    const port = blocker.address().port;
    const r2 = await startViewer([file, '--no-open', '--port', String(port)]).closed;
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use: choose another with --port N`));
  } finally {
    blocker.close();
  }
  const r3 = await startViewer([file, '--port', 'x']).closed;
  assert.equal(r3.code, 2);
});

test('the page in headless Chromium: sort, filter, a class\'s objects, an object\'s paths equal retainerPaths, retainers tree, @id search', { timeout: 120000, skip: !findChromium() && 'chromium is not installed (.ci/setup-chromium.sh installs it)' }, async () => {
  const v = startViewer([file, '--no-open']);
  const browser = await launchBrowser();
  try {
    const url = await v.url;
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const denied = await page.goto(url.replace(/\?token=.*/, ''));
    assert.equal(denied.status(), 403);
    await page.goto(url);
    await page.waitForSelector('body[data-ready]');
    const view = await openSnapshot(file);
    try {
      const rows = () => page.$$eval('#classes .row', (els) => els.map((e) => ({ index: Number(e.dataset.index), name: e.dataset.name })));
      // First screen: the largest retained sizes first, as the API sorts them.
      const top = (await view.classes({ limit: 10 })).rows.map((r) => r.index);
      assert.deepEqual((await rows()).slice(0, 10).map((r) => r.index), top);
      // The statistics chart has its parts.
      assert.ok((await page.$$('#stats .bar span')).length >= 3);
      // ...the same, in the same order, as the static report lists (one breakdown serves both).
      const { statisticsParts } = require('../lib/viewer/statistics');
      const legend = await page.$$eval('#stats .legend span', (els) => els.map((e) => e.dataset.part));
      assert.deepEqual(legend, statisticsParts(view.summary().statistics).map((p) => p.label));
      assert.ok(legend.includes('Strings') && legend.includes('Code'), legend.join(', '));

      // Sort by object count (descending), then ascending with a second click.
      const headerClick = async (sort) => {
        await page.click(`#classes .head span[data-sort="${sort}"]`);
        await page.waitForFunction(() => !document.body.dataset.busy);
      };
      await headerClick('count');
      assert.deepEqual((await rows()).slice(0, 10).map((r) => r.index), (await view.classes({ sort: 'count', limit: 10 })).rows.map((r) => r.index));
      await headerClick('count');
      assert.deepEqual((await rows()).slice(0, 10).map((r) => r.index), (await view.classes({ sort: 'count', descending: false, limit: 10 })).rows.map((r) => r.index));

      // Scrolling the virtual table loads later rows (only the visible ones exist).
      const total = view.summary().classes.length;
      assert.ok((await rows()).length < total, 'rows are virtualized');
      await page.$eval('#classes .body', (b) => (b.scrollTop = b.scrollHeight));
      await page.waitForFunction(() => !document.body.dataset.busy);
      await page.waitForFunction((n) => [...document.querySelectorAll('#classes .row')].some((r) => parseInt(r.style.top, 10) >= (n - 1) * 22), {}, total);
      const tail = (await view.classes({ sort: 'count', descending: false, offset: total - 1, limit: 1 })).rows[0].index;
      assert.ok((await rows()).some((r) => r.index === tail), 'the last row is shown at the bottom');

      // Filter, expand the class, select its largest object.
      await page.type('#filter', 'ViewSess');
      await page.waitForFunction(() => document.querySelectorAll('#classes .row').length === 1 && document.querySelector('#classes .row').dataset.name === 'ViewSession');
      await page.$eval('#classes .row', (r) => r.click());
      await page.waitForSelector('#objects .row');
      const objIds = await page.$$eval('#objects .row', (els) => els.map((e) => Number(e.dataset.id)));
      const cls = (await view.classes({ filter: 'ViewSession' })).rows[0];
      assert.deepEqual(objIds, (await view.objects(cls.index, { limit: 100 })).rows.map((o) => o.id));
      assert.match(await page.$eval('#objects .more', (b) => b.textContent), /200 left/);

      await page.click('#objects .row');
      await page.waitForSelector(`body[data-selected="${objIds[0]}"]`);
      const shown = await page.$$eval('#paths li.path', (lis) => lis.map((li) => [...li.querySelectorAll('.step')].map((s) => ({ edge: s.dataset.edge, id: Number(s.dataset.id) }))));
      const expected = await retainerPaths(file, { id: objIds[0], limit: 5 });
      assert.deepEqual(
        shown,
        expected.groups.map((g) => g.path.steps.map((s) => ({ edge: s.edge ?? '', id: s.id }))),
      );
      assert.ok(shown[0].some((s) => s.edge === 'viewCache'));

      // The retainers tree: the first item is the nearest retainer; expanding it lists its own.
      const firstRetainer = (await view.retainers(objIds[0], { limit: 1 })).rows[0];
      assert.equal(await page.$eval('#retainers > .item', (e) => Number(e.dataset.id)), firstRetainer.node.id);
      await page.click('#retainers > .item > .line');
      await page.waitForSelector('#retainers > .item > .kids:not([hidden]) .item');
      const second = await page.$$eval('#retainers > .item > .kids > .item', (els) => els.map((e) => Number(e.dataset.id)));
      assert.deepEqual(second, (await view.retainers(firstRetainer.node.id, { limit: 50 })).rows.map((r) => r.node.id));
      const refs = await page.$$eval('#references > .item', (els) => els.map((e) => e.dataset.edge));
      assert.ok(refs.includes('payload'));

      // Search by @id.
      const mapId = shown[0].find((s) => s.edge === 'viewCache').id;
      await page.click('#find-id', { clickCount: 3 });
      await page.type('#find-id', `@${mapId}`);
      await page.keyboard.press('Enter');
      await page.waitForSelector(`body[data-selected="${mapId}"]`);
      assert.equal(await page.$eval('#details h3', (h) => Number(h.dataset.id)), mapId);

      // For the picture: the session again, its retainers open, every class by retained size.
      await page.click('#objects .row');
      await page.waitForSelector(`body[data-selected="${objIds[0]}"]`);
      await page.click('#retainers > .item > .line');
      await page.waitForSelector('#retainers > .item > .kids:not([hidden]) .item');
      await page.click('#filter', { clickCount: 3 });
      await page.keyboard.press('Backspace');
      await page.waitForFunction(() => document.querySelectorAll('#classes .row').length > 1);
      await headerClick('retainedSize');
      await page.$eval('#find-id', (i) => (i.value = ''));
      const out = process.env.RSHEAPDUMP_SCREENSHOTS ? path.join(ROOT, 'docs', 'view.png') : path.join(dir, 'view.png');
      await page.screenshot({ path: out });
      const png = fs.readFileSync(out);
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      assert.ok(png.length > 20000, `${png.length} bytes`);
      assert.deepEqual(errors, []);
    } finally {
      view.close();
    }
  } finally {
    await browser.close();
    v.child.kill('SIGINT');
    await v.closed;
  }
});

test('a CPU profile in the page: bottom-up and top-down tables, flame graph search shows the share of samples', { timeout: 120000, skip: !findChromium() && 'chromium is not installed (.ci/setup-chromium.sh installs it)' }, async () => {
  const profDir = tmpdir();
  const made = spawnSync(process.execPath, [
    '--cpu-prof',
    `--cpu-prof-dir=${profDir}`,
    '--cpu-prof-interval=200',
    '-e',
    `function viewSpinB(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
     function viewSpinA(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 2); return x + viewSpinB(ms / 2); }
     for (let i = 0; i < 6; i++) { viewSpinA(40); viewSpinB(30); }`,
  ]);
  assert.equal(made.status, 0, String(made.stderr));
  const cpu = path.join(profDir, fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile')));
  const v = startViewer([cpu, '--no-open']);
  const browser = await launchBrowser();
  try {
    const url = await v.url;
    const info = JSON.parse((await get(url.replace('/?', '/api/info?'))).body);
    assert.equal(info.kind, 'cpu');
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-ready]');
    assert.deepEqual(await page.$$eval('#snapshot, #toolbar', (els) => els.map((m) => getComputedStyle(m).display)), ['none', 'none']);
    const bottomUp = await analyzeCpuProfile(cpu, { limit: 500 });
    const names = await page.$$eval('#functions .row', (rows) => rows.map((r) => r.dataset.name));
    assert.deepEqual(names, bottomUp.functions.map((f) => f.name));

    await page.type('#flame-search', 'viewSpinA');
    await page.waitForFunction(() => document.getElementById('flame-matched').dataset.share);
    const share = Number(await page.$eval('#flame-matched', (m) => m.dataset.share));
    const frame = page.frames().find((f) => f.url().includes('/flame.svg'));
    const hits = await frame.$$eval('#frames > g.match title', (ts) => ts.map((t) => t.textContent.split('\n')[0]));
    assert.ok(hits.length > 0 && hits.every((h) => h.startsWith('viewSpinA ')), JSON.stringify(hits));
    const expected = foldedShare(cpu, /viewSpinA/);
    assert.ok(Math.abs(share - expected) < 0.2, `shown ${share}%, samples ${expected}%`);
    assert.match(await page.$eval('#flame-matched', (m) => m.textContent), /^Matched: \d+\.\d\d% of the samples$/);

    await page.click('#modes button[data-mode="top-down"]');
    await page.waitForSelector('#functions .body[data-mode="top-down"]');
    const tree = await analyzeCpuProfile(cpu, { tree: true, minPercent: 0.1 });
    assert.deepEqual(await page.$$eval('#functions .row', (rows) => rows.map((r) => r.dataset.name)), tree.tree.map((f) => f.name));
    assert.ok(tree.tree.some((f) => f.depth > 2), 'a tree, not the flat list');
    const out = process.env.RSHEAPDUMP_SCREENSHOTS ? path.join(ROOT, 'docs', 'view-profile.png') : path.join(profDir, 'view-profile.png');
    await page.screenshot({ path: out });
    assert.ok(fs.statSync(out).size > 20000);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    v.child.kill('SIGINT');
    await v.closed;
  }
});

test('rsheapdump view on a heap profile serves it as one (the kind from the content)', async () => {
  const profDir = tmpdir();
  const made = spawnSync(process.execPath, ['--heap-prof', `--heap-prof-dir=${profDir}`, '-e', 'globalThis.keep = Array.from({ length: 20000 }, (_, i) => ({ i, s: "x" + i }));']);
  assert.equal(made.status, 0, String(made.stderr));
  const heap = path.join(profDir, fs.readdirSync(profDir).find((f) => f.endsWith('.heapprofile')));
  const renamed = path.join(profDir, 'profile.json'); // the name says nothing
  fs.renameSync(heap, renamed);
  const v = startViewer([renamed, '--no-open']);
  try {
    const url = await v.url;
    assert.equal(JSON.parse((await get(url.replace('/?', '/api/info?'))).body).kind, 'heap');
    const bu = JSON.parse((await get(url.replace('/?', '/api/bottom-up?'))).body);
    assert.deepEqual(bu, await analyzeHeapProfile(renamed, { limit: 500 }));
    const svg = await get(url.replace('/?', '/flame.svg?'));
    assert.equal(svg.status, 200);
    assert.match(svg.headers['content-type'], /^image\/svg\+xml/);
    assert.match(svg.body, /id="search"/);
    assert.equal((await get(url.replace(/\/\?token=.*/, '/flame.svg'))).status, 403);
  } finally {
    v.child.kill('SIGINT');
    assert.equal((await v.closed).code, 0);
  }
});

test('rsheapdump report: one static HTML file that opens from file:// with no network and shows the top classes', { timeout: 120000, skip: !findChromium() && 'chromium is not installed (.ci/setup-chromium.sh installs it)' }, async () => {
  const out = path.join(dir, 'report.html');
  const r = spawnSync(process.execPath, [BIN, 'report', file, '-o', out, '--top', '30'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.statSync(out).mode & 0o777, 0o600);
  assert.ok(!fs.existsSync(`${out}.partial`));
  const html = fs.readFileSync(out, 'utf8');
  assert.doesNotMatch(html, /<script|https?:\/\//, 'no script, no link out');

  const expected = (await analyzeSnapshot(file)).classes
    .map((c, i) => [c, i])
    .sort((a, b) => b[0].retainedSize - a[0].retainedSize || a[1] - b[1])
    .slice(0, 30)
    .map(([c]) => c.name);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setOfflineMode(true);
    const requests = [];
    page.on('request', (q) => requests.push(q.url()));
    await page.goto(`file://${out}`);
    assert.deepEqual(await page.$$eval('#classes > .class', (rows) => rows.map((row) => row.dataset.name)), expected);
    // The first class opens into its objects, and the first object into its retainer paths (the
    // first 20 classes open; which classes those are depends on the Node version).
    const row = await page.$('#classes > details.class');
    assert.equal(await row.evaluate((r) => r.dataset.name), expected[0]);
    await row.$eval('summary', (s) => s.click());
    const first = await row.$eval('.objects details', (d) => {
      d.querySelector('summary').click();
      return { text: d.querySelector('summary').textContent, path: d.querySelector('.path').textContent, visible: d.querySelector('.path').getBoundingClientRect().height > 0 };
    });
    const id = Number(/@(\d+)/.exec(first.text)[1]);
    const { formatRetainerPath } = require('../analyze');
    assert.equal(first.path, formatRetainerPath((await retainerPaths(file, { id, limit: 3 })).groups[0].path));
    assert.equal(first.visible, true);
    assert.deepEqual(requests, [`file://${out}`]);
  } finally {
    await browser.close();
  }
});

/** Three snapshots of one process; 500 ReportLeak objects more in each. */
let threeFiles;
function three() {
  if (threeFiles) return threeFiles;
  const files = ['a', 'b', 'c'].map((n) => path.join(dir, `r-${n}.heapsnapshot`));
  const made = spawnSync(process.execPath, [
    '-e',
    `const v8 = require('v8'); class ReportLeak { constructor(i) { this.i = i; } }
     globalThis.kept = [];
     const grow = (n) => { for (let i = 0; i < n; i++) kept.push(new ReportLeak(i)); };
     v8.writeHeapSnapshot(${JSON.stringify(files[0])}); grow(500);
     v8.writeHeapSnapshot(${JSON.stringify(files[1])}); grow(500);
     v8.writeHeapSnapshot(${JSON.stringify(files[2])});`,
  ]);
  assert.equal(made.status, 0, String(made.stderr));
  threeFiles = files;
  return files;
}

test('view with two snapshots: the Comparison, a class opens its new objects; with three: the leak clusters', { timeout: 120000, skip: !findChromium() && 'chromium is not installed (.ci/setup-chromium.sh installs it)' }, async () => {
  const files = three();
  const { diffSnapshots, findLeaks } = require('../analyze');
  const browser = await launchBrowser();
  try {
    const v = startViewer([files[1], files[2], '--no-open']);
    try {
      const page = await browser.newPage();
      await page.goto(await v.url);
      await page.waitForSelector('#comparison:not([hidden]) .row');
      const d = await diffSnapshots(files[1], files[2]);
      const names = await page.$$eval('#comparison .row', (rows) => rows.map((r) => r.dataset.name));
      assert.deepEqual(names, d.classes.slice(0, 1000).map((c) => c.name));
      await page.$eval('#comparison .row[data-name="ReportLeak"]', (r) => r.click());
      await page.waitForSelector('#objects .body[data-new="true"][data-loaded="true"]');
      const shown = await page.$$eval('#objects .row', (rows) => rows.map((r) => Number(r.dataset.id)));
      const view = await openSnapshot(files[2]);
      try {
        await view.setBaseline(files[1]);
        const index = (await view.classes({ filter: 'ReportLeak' })).rows.find((r) => r.class.name === 'ReportLeak').index;
        const fresh = await view.newObjects(index, { limit: 100 });
        assert.equal(fresh.total, d.classes.find((c) => c.name === 'ReportLeak').newCount);
        assert.equal(fresh.total, 500);
        assert.deepEqual(shown, fresh.rows.map((o) => o.id));
        const all = await view.objects(index, { limit: 10000 });
        assert.equal(all.total, 1000, 'the class has 1000 objects, 500 of them new');
        await assert.rejects(view.setBaseline(files[1]), { code: 'ERR_INVALID_ARG_VALUE' });
      } finally {
        view.close();
      }
    } finally {
      v.child.kill('SIGINT');
      await v.closed;
    }

    const v3 = startViewer([...files, '--no-open']);
    try {
      const page = await browser.newPage();
      await page.goto(await v3.url);
      await page.waitForSelector('#leaks:not([hidden]) .cluster');
      const l = await findLeaks(...files, { limit: 100 });
      assert.deepEqual(await page.$$eval('#leaks .cluster', (cs) => cs.map((c) => c.dataset.name)), l.clusters.map((c) => c.className));
      const id = l.clusters[0].ids[0];
      await page.$eval(`#leaks .cluster a[data-id="${id}"]`, (a) => a.click());
      await page.waitForSelector(`body[data-selected="${id}"]`);
    } finally {
      v3.child.kill('SIGINT');
      await v3.closed;
    }
  } finally {
    await browser.close();
  }
});

test('rsheapdump report with two snapshots is the Comparison, with three the leak clusters', async () => {
  const files = three();
  const diffOut = path.join(dir, 'diff.html');
  assert.equal(spawnSync(process.execPath, [BIN, 'report', files[0], files[1], '-o', diffOut, '--top', '10']).status, 0);
  const { diffSnapshots, findLeaks } = require('../analyze');
  const d = await diffSnapshots(files[0], files[1]);
  const names = (html) => [...html.matchAll(/<tr class="class" data-name="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'"));
  assert.deepEqual(names(fs.readFileSync(diffOut, 'utf8')), d.classes.slice(0, 10).map((c) => c.name));
  assert.ok(names(fs.readFileSync(diffOut, 'utf8')).includes('ReportLeak'));

  const leaksOut = path.join(dir, 'leaks.html');
  assert.equal(spawnSync(process.execPath, [BIN, 'report', ...files, '-o', leaksOut]).status, 0);
  const l = await findLeaks(...files, { limit: 100 });
  const html = fs.readFileSync(leaksOut, 'utf8');
  assert.deepEqual(names(html), l.clusters.map((c) => c.className));
  assert.ok(names(html).includes('ReportLeak'));
  const bad = spawnSync(process.execPath, [BIN, 'report', path.join(dir, 'missing.heapsnapshot')], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /ENOENT/);
});
