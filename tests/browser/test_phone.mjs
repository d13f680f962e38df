// Phone layout (390 px wide): no page scrolls sideways, action items are cards
// with their owner, due date and status in view, dates and ids never break
// across lines, and the home page's panels come before the list of recent
// postmortems.
import { test, serve, open, assert } from './lib.mjs';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };

// Every generated page of a built site: its index.html files, as URL paths.
function pagesOf(dir) {
  const out = [];
  const walk = d => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) { if (name !== 'assets' && name !== 'api') walk(p); }
      else if (name === 'index.html') out.push(relative(dir, d).split('\\').join('/') + (d === dir ? '' : '/'));
    }
  };
  walk(dir);
  return out;
}

// What is wrong with the page at 390 px, as a list of texts.
async function phoneProblems(page) {
  return page.evaluate(() => {
    const found = [];
    const vw = window.innerWidth;
    const sw = document.documentElement.scrollWidth;
    if (sw > vw) {
      const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > vw + 0.5
        && !e.closest('.table-wrap, figure.heatmap, pre, .site-nav, .prose table, .visually-hidden'));
      found.push(`scrolls sideways: ${sw} px > ${vw} px (${wide.slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className).join(', ')})`);
    }
    for (const td of document.querySelectorAll('.actions-table td.ai-owner, .actions-table td.ai-due, .actions-table td.ai-status')) {
      const r = td.getBoundingClientRect();
      if (r.right > vw + 0.5 || r.width === 0)
        found.push(`${td.className} of "${td.closest('tr').querySelector('.ai-title').textContent.slice(0, 30)}" is out of view`);
    }
    for (const e of document.querySelectorAll('main time, main .pm-id')) {
      const lines = new Set([...e.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) found.push(`"${e.textContent}" breaks across lines`);
    }
    return found;
  });
}

for (const which of ['sample', 'site']) {
  test(`phone: no page of the ${which === 'sample' ? 'sample' : 'fixture'} site scrolls sideways at 390 px, dates and ids stay whole`, async env => {
    const dir = env[which];
    const srv = await serve(dir);
    const problems = [];
    const pages = pagesOf(dir);
    try {
      const { page, close } = await open(env.browser, srv.url, PHONE);
      for (const p of pages) {
        await page.goto(srv.url + p);
        for (const x of await phoneProblems(page)) problems.push(`/${p}: ${x}`);
      }
      await close();
    } finally { await srv.close(); }
    assert(pages.length > 20, `only ${pages.length} pages found`);
    assert(problems.length === 0, `${problems.length} problems:\n      ` + problems.slice(0, 12).join('\n      '));
  });
}

test('phone: action items are cards showing owner, due date and status side by side', async ({ browser, sample }) => {
  const srv = await serve(sample);
  try {
    const { page, close } = await open(browser, srv.url + 'actions/', PHONE);
    const cards = await page.$$eval('#overdue-title ~ .table-wrap .actions-table tbody tr', trs => trs.map(tr => {
      const box = e => e && e.getBoundingClientRect();
      const cell = c => tr.querySelector('td.ai-' + c);
      return { tr: box(tr), owner: box(cell('owner')), due: box(cell('due')), status: box(cell('status')),
        label: getComputedStyle(cell('owner'), '::before').content, text: cell('owner').textContent };
    }));
    await close();
    assert(cards.length > 5, `only ${cards.length} overdue cards`);
    for (const c of cards) {
      assert(c.owner.right <= 390 && c.due.right <= 390 && c.status.right <= 390, `a cell is off screen: ${JSON.stringify(c)}`);
      assert(c.tr.width <= 390 - 16, `the card is ${c.tr.width} px wide`);
      assert(c.label === '"Owner"', `the owner cell is labelled ${c.label}`);
      assert(c.text.length > 1, 'an overdue item shows no owner');
    }
  } finally { await srv.close(); }
});

test('phone: the home page shows "Start here", recurring factors and overdue items before recent postmortems', async ({ browser, sample }) => {
  const srv = await serve(sample);
  try {
    const { page, close } = await open(browser, srv.url, PHONE);
    const top = async sel => page.$eval(sel, e => e.getBoundingClientRect().top + window.scrollY);
    const start = await top('#featured-title'), factors = await top('#factors-title');
    const overdue = await top('#overdue-title'), recent = await top('#recent-title');
    await close();
    assert(start < 1200, `"Start here" is ${start} px down`);
    assert(start < recent && factors < recent && overdue < recent, `panels at ${start}, ${factors}, ${overdue}; recent at ${recent}`);
  } finally { await srv.close(); }
});

for (const scheme of ['light', 'dark']) {
  test(`phone: axe finds no serious or critical violation at 390 px (${scheme})`, async ({ browser, sample }) => {
    const { readFileSync } = await import('node:fs');
    const { createRequire } = await import('node:module');
    const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const srv = await serve(sample);
    const found = [];
    try {
      for (const path of ['', 'postmortems/pm-2025-009/', 'actions/', 'services/checkout-api/', 'owners/priya-natarajan/', 'teams/checkout/']) {
        const { page, close } = await open(browser, srv.url + path, { ...PHONE, colorScheme: scheme });
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
        await close();
        for (const v of result.violations)
          if (v.impact === 'serious' || v.impact === 'critical')
            found.push(`/${path}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 2).map(n => n.target.join(' ')).join('; ')}`);
      }
    } finally { await srv.close(); }
    assert(found.length === 0, found.join('\n      '));
  });
}

// Words of the names in sidebars and chips that a line break cuts in two, at this width.
async function brokenWords(page) {
  return page.evaluate(() => {
    const found = [];
    for (const el of document.querySelectorAll('.node-list a, .term, .shared a, time, .pm-id')) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        const re = /[^\s]+/g;
        for (let m = re.exec(t.data); m; m = re.exec(t.data)) {
          const r = document.createRange();
          r.setStart(t, m.index);
          r.setEnd(t, m.index + m[0].length);
          const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
          if (tops.size > 1) found.push(`"${m[0]}" in "${el.textContent.trim().slice(0, 40)}"`);
        }
      }
    }
    return found;
  });
}

test('names in sidebars and chips break between words, never inside one (390 to 1280 px)', async ({ browser, sample }) => {
  const srv = await serve(sample);
  const problems = [];
  try {
    for (const width of [390, 600, 900, 1100, 1280]) {
      const { page, close } = await open(browser, srv.url, { viewport: { width, height: 900 } });
      for (const path of ['', 'services/checkout-api/', 'factors/connection-pool-exhaustion/', 'postmortems/pm-2025-009/',
        'postmortems/pm-2025-011/', 'actions/', 'factors/'])  {
        await page.goto(srv.url + path);
        for (const w of await brokenWords(page)) problems.push(`${width} px /${path}: ${w}`);
      }
      await close();
    }
  } finally { await srv.close(); }
  assert(problems.length === 0, `${problems.length} words cut:\n      ` + problems.slice(0, 12).join('\n      '));
});
