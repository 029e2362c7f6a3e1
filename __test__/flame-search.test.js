'use strict';
// The flame graph SVG's search, in headless Chromium: Ctrl-F asks for a regular expression,
// highlights the matching frames and shows the share of samples they cover, each sample once.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { tmpdir, launchBrowser, findChromium, foldedShare } = require('./helpers');
const { flameGraphSync } = require('../analyze');

const dir = tmpdir();
// Two hot functions; searchSpinB also runs inside searchSpinA, so a search for both must not
// count those samples twice.
const r = spawnSync(process.execPath, [
  '--cpu-prof',
  `--cpu-prof-dir=${dir}`,
  '--cpu-prof-interval=200',
  '-e',
  `function searchSpinB(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
   function searchSpinA(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 2); return x + searchSpinB(ms / 2); }
   for (let i = 0; i < 6; i++) { searchSpinA(40); searchSpinB(30); }`,
]);
assert.equal(r.status, 0, String(r.stderr));
const cpuFile = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile')));

const expectedShare = (re) => foldedShare(cpuFile, re);

test('flame graph search: Ctrl-F highlights matches and shows the share they cover', { timeout: 60000, skip: !findChromium() && 'chromium is not installed (.ci/setup-chromium.sh installs it)' }, async () => {
  const svg = path.join(dir, 'search.svg');
  fs.writeFileSync(svg, flameGraphSync(cpuFile));
  const browser = await launchBrowser({ viewport: { width: 1200, height: 700 } });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let answer = '';
    page.on('dialog', (d) => d.accept(answer));
    await page.goto(`file://${svg}`);
    const state = () =>
      page.evaluate(() => ({
        matched: document.getElementById('matched').textContent,
        button: document.getElementById('search').textContent,
        hits: [...document.querySelectorAll('#frames > g.match')].map((g) => g.querySelector('title').textContent.split('\n')[0]),
        fill: (() => {
          const g = document.querySelector('#frames > g.match > rect');
          return g ? getComputedStyle(g).fill : '';
        })(),
      }));

    for (const term of ['searchSpinA', 'searchSpin[AB]']) {
      answer = term;
      await page.keyboard.down('Control');
      await page.keyboard.press('f');
      await page.keyboard.up('Control');
      const s = await state();
      const re = new RegExp(term);
      assert.ok(s.hits.length > 0 && s.hits.every((h) => re.test(h)), JSON.stringify(s.hits));
      assert.equal(s.fill, 'rgb(230, 0, 230)');
      assert.equal(s.button, 'Reset Search');
      const m = /^Matched: (\d+\.\d\d)% \((\d+) frames\)$/.exec(s.matched);
      assert.ok(m, s.matched);
      assert.equal(Number(m[2]), s.hits.length);
      const expected = expectedShare(re);
      // Frames narrower than 0.1 px are not drawn, so the SVG can miss a sliver.
      assert.ok(Math.abs(Number(m[1]) - expected) < 0.2, `shown ${m[1]}%, samples ${expected.toFixed(2)}%`);
      assert.ok(expected > 10 && expected <= 100);
      // Escape clears.
      await page.keyboard.press('Escape');
      const cleared = await state();
      assert.deepEqual([cleared.hits.length, cleared.button, cleared.matched.trim()], [0, 'Search', '']);
    }
    // Nested matches count once: A and B together cover less than A's share plus B's.
    const both = expectedShare(/searchSpin[AB]/);
    assert.ok(both < expectedShare(/searchSpinA/) + expectedShare(/searchSpinB/) - 1);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
