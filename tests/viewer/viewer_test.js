// The viewer page in headless Chromium (Debian's, driven by playwright-core): the seed graph
// drawn with no console error, search in any script, a click that opens a card with a quote, the
// time slider, the flows chart, a hostile name shown as text, and the first render of a
// 2,000-node selection timed. Screenshots of each view go to OUT.
//
//   node viewer_test.js TALENTGRAPH SOURCE_DIR OUT_DIR     (CHROMIUM overrides /usr/bin/chromium)
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

if (process.argv.length !== 5) {
  console.error('usage: viewer_test.js TALENTGRAPH SOURCE_DIR OUT_DIR');
  process.exit(2);
}
const [bin, src, out] = process.argv.slice(2).map((p) => path.resolve(p));
const { chromium } = require(path.join(src, 'node_modules', 'playwright-core'));
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

function tg(db, ...args) {
  const r = spawnSync(bin, ['--db', db, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ingest(db, folder) {
  const r = tg(db, 'ingest', folder);
  assert.strictEqual(r.status, 0, `ingest ${folder}: ${r.stderr}`);
}
function view(db, html, ...args) {
  const r = tg(db, 'view', '--out', html, ...args);
  assert.strictEqual(r.status, 0, `view: ${r.stderr}`);
  return r;
}

// A document of the extraction format, written to its own folder.
function writeDoc(folder, doc) {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'doc.json'), JSON.stringify(doc));
}

const HOSTILE = 'Evil "Q" \'x\' <b>bold</b> & &amp; </script><script>window.pwned=1</script>' +
  '<img src=x onerror="window.pwned=2"> \u2028 😀 Ünïcode';
const HOSTILE_QUOTE = 'He said "</script><script>window.pwned=3</script>" & <i>left</i> 🚀';

let browser;
async function open(file) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const t0 = Date.now();
  await page.goto('file://' + file);
  await page.waitForFunction(() => window.tgFirstRender !== undefined, null, { timeout: 30000 });
  const wall = Date.now() - t0;
  const firstRender = await page.evaluate(() => window.tgFirstRender);
  return { page, errors, wall, firstRender };
}
const shot = (page, name) => page.screenshot({ path: path.join(out, name) });

async function seedChecks() {
  const db = path.join(out, 'seed.db');
  ingest(db, path.join(src, 'data', 'seed'));
  const html = path.join(out, 'seed.html');
  view(db, html);
  // The example of the README: a neighbourhood, fewer nodes than the whole.
  const around = path.join(out, 'moonshot.html');
  view(db, around, '--around', 'Moonshot AI', '--hops', '2');

  const { page, errors } = await open(html);
  // Rendered: every node of the data is drawn, visible, inside the viewport.
  const drawn = await page.evaluate(() => {
    const cy = window.tgCy;
    const ext = cy.extent();
    const inside = cy.nodes().filter((n) => {
      const p = n.position();
      return n.visible() && p.x >= ext.x1 && p.x <= ext.x2 && p.y >= ext.y1 && p.y <= ext.y2;
    }).length;
    return { data: window.tgData.nodes.length, nodes: cy.nodes().length, inside, labels: cy.nodes().map((n) => n.data('label')) };
  });
  assert.ok(drawn.data >= 20, `the seed graph has ${drawn.data} nodes`);
  assert.strictEqual(drawn.nodes, drawn.data);
  assert.strictEqual(drawn.inside, drawn.data, 'every node visible in the viewport');
  for (const name of ['Moonshot AI', 'Alibaba Group', 'OpenAI', 'ByteDance']) assert.ok(drawn.labels.includes(name), name);
  // The canvas is not blank: some pixels are neither white nor transparent.
  const inked = await page.evaluate(() => {
    let n = 0;
    for (const c of document.querySelectorAll('#network canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || !c.width) continue;
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200)) n++;
    }
    return n;
  });
  assert.ok(inked > 500, `the network canvas is drawn on (${inked} pixels)`);
  await shot(page, 'network.png');

  // Search in any script.
  for (const q of ['알리바바', '阿里巴巴', 'alibaba']) {
    await page.fill('#search', q);
    const found = await page.$$eval('#results li button', (bs) => bs.map((b) => b.textContent));
    assert.ok(found.includes('Alibaba Group'), `search ${q}: ${JSON.stringify(found)}`);
  }
  await page.fill('#search', '알리바바');
  await shot(page, 'search.png');

  // A click on a node opens its card, with a quote.
  await page.fill('#search', '');
  const at = await page.evaluate(() => {
    const cy = window.tgCy;
    const n = cy.nodes().filter((x) => x.data('label') === 'Alibaba Group')[0];
    cy.zoom(1.5);
    cy.center(n);
    const p = n.renderedPosition();
    const box = document.getElementById('network').getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  });
  await page.mouse.click(at.x, at.y);
  await page.waitForSelector('#card blockquote.quote');
  const card = await page.evaluate(() => ({
    name: document.querySelector('#card h2').textContent,
    quotes: [...document.querySelectorAll('#card blockquote.quote')].map((q) => q.textContent),
    aliases: [...document.querySelectorAll('#card ul.aliases li')].map((q) => q.textContent),
    timeline: document.querySelectorAll('#card ul.timeline li').length,
  }));
  assert.strictEqual(card.name, 'Alibaba Group');
  assert.ok(card.quotes.some((q) => q.includes('알리바바')), JSON.stringify(card.quotes));
  assert.ok(card.aliases.includes('阿里巴巴'));
  assert.ok(card.timeline > 3);
  await shot(page, 'card.png');

  // The slider at the end of 2022: what began later is hidden; at its end, shown again.
  const later = await page.evaluate(() => window.tgData.edges.filter((e) => e.b && e.b > '2022-12-31').map((e) => e.id));
  assert.ok(later.length > 0, 'the seed graph has a relation that began after 2022');
  const setDay = (iso) => page.evaluate((d) => {
    const s = document.getElementById('slider');
    s.value = String(d == null ? s.max : Math.floor(Date.parse(d) / 864e5));
    s.dispatchEvent(new Event('input'));
  }, iso);
  const goneOf = (ids) => page.evaluate((list) => list.map((id) => window.tgCy.getElementById(id).hasClass('gone')), ids);
  await setDay('2022-12-31');
  assert.ok((await goneOf(later)).every(Boolean), 'relations that began after 2022 are hidden');
  const undated = await page.evaluate(() => window.tgData.edges.filter((e) => !e.b && !e.e).map((e) => e.id));
  assert.ok((await goneOf(undated)).every((g) => !g), 'undated relations stay');
  assert.match(await page.textContent('#as-of'), /2022-12-31/);
  await shot(page, 'slider-2022.png');
  await setDay(null);
  assert.ok((await goneOf(later)).every((g) => !g), 'at the end of the slider everything is back');
  // Play runs the slider from its start to its end, where it stops with everything shown.
  await page.click('#play');
  await page.waitForFunction(() => /as of/.test(document.getElementById('as-of').textContent));
  assert.ok((await goneOf(later)).every(Boolean), 'playing starts before the later relations began');
  await page.waitForFunction(() => document.getElementById('play').textContent.includes('Play'), null, { timeout: 30000 });
  assert.strictEqual(await page.textContent('#as-of'), 'all dates');
  assert.ok((await goneOf(later)).every((g) => !g));

  // The filters: a kind off hides its nodes; a country keeps its nodes and their neighbours.
  await page.uncheck('#kinds input[value="place"]');
  assert.ok(await page.evaluate(() => window.tgCy.nodes('[kind = "place"]').every((n) => n.hasClass('gone'))));
  await page.check('#kinds input[value="place"]');
  await page.selectOption('#country', 'KR').catch(() => page.selectOption('#country', 'US'));
  const byCountry = await page.evaluate(() => {
    const c = document.getElementById('country').value;
    const cy = window.tgCy;
    const own = window.tgData.nodes.filter((n) => n.c === c).map((n) => n.id);
    const shown = cy.nodes().filter((n) => !n.hasClass('gone')).map((n) => n.id());
    return { c, own, shown, all: cy.nodes().length };
  });
  for (const id of byCountry.own) assert.ok(byCountry.shown.includes(id));
  assert.ok(byCountry.shown.length < byCountry.all, `country ${byCountry.c} hides some nodes`);
  await page.selectOption('#country', '');

  // The flows view: US → CN.
  await page.click('#tab-flows');
  const flows = await page.textContent('#flows-countries');
  assert.ok(flows.includes('US → CN'), flows);
  assert.ok((await page.textContent('#flows-orgs')).includes('→ Moonshot AI'));
  await shot(page, 'flows.png');
  assert.deepStrictEqual(errors, [], 'no console error');
  await page.close();

  // People redacted: no person drawn or named, the page says so, the flows stay.
  const redacted = path.join(out, 'redacted.html');
  view(db, redacted, '--redact', 'people');
  const r = await open(redacted);
  const seen = await r.page.evaluate(() => ({
    people: window.tgCy.nodes('[kind = "person"]').length,
    named: window.tgData.moves.filter((m) => m.pn || m.p).length,
    notice: document.querySelector('.notice') && document.querySelector('.notice').textContent,
  }));
  assert.strictEqual(seen.people, 0);
  assert.strictEqual(seen.named, 0);
  assert.match(seen.notice, /--redact people/);
  await r.page.click('#tab-flows');
  assert.ok((await r.page.textContent('#flows-countries')).includes('US → CN'));
  assert.ok(!fs.readFileSync(redacted, 'utf8').includes('Wu Yuxin'), 'no person named anywhere in the page');
  await shot(r.page, 'redacted-flows.png');
  assert.deepStrictEqual(r.errors, [], 'no console error');
  await r.page.close();
}

async function hostileChecks() {
  const folder = path.join(out, 'hostile-src');
  writeDoc(folder, {
    source: { id: 'hostile-1', title: 'A <title> & "quotes"', publisher: 'Test', published: '2023-05-01', language: 'en',
      url: 'https://example.org/a?b=1&c=<2>' },
    entities: [
      { ref: 'evil', kind: 'person', name: HOSTILE, aliases: ['악당'] },
      { ref: 'org', kind: 'company', name: 'Plain Org', country: 'US' },
    ],
    relations: [{ kind: 'worked_at', from: 'evil', to: 'org', start: '2021', quote: HOSTILE_QUOTE, confidence: 1 }],
  });
  const db = path.join(out, 'hostile.db');
  ingest(db, folder);
  const html = path.join(out, 'hostile.html');
  view(db, html);
  const text = fs.readFileSync(html, 'utf8');
  assert.ok(!text.includes('window.pwned=1</script>'), 'the name cannot close the data element');
  const { page, errors } = await open(html);
  const label = await page.evaluate(() => window.tgCy.nodes('[kind = "person"]')[0].data('label'));
  assert.strictEqual(label, HOSTILE, 'the name comes through unchanged');
  await page.fill('#search', '악당');
  assert.deepStrictEqual(await page.$$eval('#results li button', (bs) => bs.map((b) => b.textContent)), [HOSTILE]);
  await page.click('#results li button');
  assert.strictEqual(await page.textContent('#card h2'), HOSTILE);
  assert.strictEqual(await page.textContent('#card blockquote.quote'), HOSTILE_QUOTE);
  const state = await page.evaluate(() => ({
    pwned: window.pwned,
    markup: document.querySelectorAll('body b, body i, body img').length,
    scripts: document.querySelectorAll('script').length,
    href: document.querySelector('#card a') && document.querySelector('#card a').getAttribute('href'),
  }));
  assert.strictEqual(state.pwned, undefined, 'nothing executed');
  assert.strictEqual(state.markup, 0, 'no markup from the data');
  assert.strictEqual(state.scripts, 3, 'the page\'s own three script elements only');
  assert.strictEqual(state.href, 'https://example.org/a?b=1&c=<2>');
  await shot(page, 'hostile.png');
  assert.deepStrictEqual(errors, [], 'no console error');
  await page.close();
}

// 2,000 nodes: 200 companies in four countries and 1,800 people, each at one or two of them.
async function speedCheck() {
  const entities = [], relations = [];
  const countries = ['US', 'CN', 'KR', 'GB'];
  for (let c = 0; c < 200; c++) entities.push({ ref: `c${c}`, kind: 'company', name: `Company ${c}`, country: countries[c % 4] });
  for (let p = 0; p < 1800; p++) {
    entities.push({ ref: `p${p}`, kind: 'person', name: `Person ${p}` });
    const a = (p * 7) % 200, b = (p * 37 + 11) % 200;
    const y = 2015 + (p % 8);
    relations.push({ kind: 'worked_at', from: `p${p}`, to: `c${a}`, start: String(y), end: String(y + 2), quote: `Person ${p} at Company ${a}`, confidence: 1 });
    if (p % 2 === 0 && a !== b)
      relations.push({ kind: 'worked_at', from: `p${p}`, to: `c${b}`, start: String(y + 3), quote: `Person ${p} joined Company ${b}`, confidence: 1 });
  }
  const folder = path.join(out, 'big-src');
  writeDoc(folder, { source: { id: 'big-1', title: 'Synthetic', publisher: 'Test', published: '2024', language: 'en' }, entities, relations });
  const db = path.join(out, 'big.db');
  ingest(db, folder);
  const refused = tg(db, 'view', '--max-nodes', '1000', '--out', path.join(out, 'refused.html'));
  assert.strictEqual(refused.status, 2);
  assert.match(refused.stderr, /2000 nodes.*--around NAME --hops N, --kinds, --since\/--until, or --redact people/);
  assert.ok(!fs.existsSync(path.join(out, 'refused.html')));
  const html = path.join(out, 'big.html');
  const t0 = Date.now();
  view(db, html);
  const written = Date.now() - t0;
  const { page, errors, wall, firstRender } = await open(html);
  const n = await page.evaluate(() => window.tgCy.nodes().length);
  assert.strictEqual(n, 2000);
  console.log(`view: 2,000 nodes: page written in ${written} ms; first render ${firstRender.toFixed(0)} ms after navigation ` +
    `(${wall} ms wall, load to first frame)`);
  await shot(page, 'big.png');
  assert.deepStrictEqual(errors, [], 'no console error');
  // The figure is printed; asserted only when asked (TG_VIEW_RENDER_LIMIT_MS=2000), as a shared
  // machine's load moves it more than the page does.
  if (process.env.TG_VIEW_RENDER_LIMIT_MS) {
    const limit = Number(process.env.TG_VIEW_RENDER_LIMIT_MS);
    assert.ok(firstRender < limit, `first render ${firstRender} ms, over ${limit} ms`);
  }
  await page.close();
}

(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    await seedChecks();
    console.log('seed: drawn, search, card, slider, filters, flows: ok');
    await hostileChecks();
    console.log('hostile name: shown as text, nothing executed: ok');
    await speedCheck();
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${out}`);
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
