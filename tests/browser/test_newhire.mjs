// A new hire on the sample site (content/) answers, in at most two clicks
// from the home page each: every incident of a service; the most recurring
// factors; what is overdue and whose; the incident most like a given one,
// with the reason; what to read first; everything a given person owns.  The
// answers are checked against the site's own api/ files.
import { test, serve, open, assert, assertEqual } from './lib.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const MAX_CLICKS = 2;

// A visit from the home page that counts its clicks (links followed by name).
async function visit(browser, url, options = {}) {
  const v = await open(browser, url, options);
  v.clicks = 0;
  v.follow = async (name, within = 'body') => {
    v.clicks++;
    assert(v.clicks <= MAX_CLICKS, `more than ${MAX_CLICKS} clicks to reach "${name}"`);
    const link = v.page.locator(within).getByRole('link', { name, exact: true }).first();
    await Promise.all([v.page.waitForLoadState(), link.click()]);
    await v.page.waitForLoadState('domcontentloaded');
  };
  return v;
}

function csv(text) {
  const rows = [];
  for (const line of text.trim().split(/\r?\n/).slice(1)) {
    const cells = [];
    let cur = '', q = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) { if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch; }
      else if (ch === '"') q = true; else if (ch === ',') { cells.push(cur); cur = ''; } else cur += ch;
    }
    cells.push(cur);
    rows.push(cells);
  }
  return rows;
}

for (const [label, options] of [['desktop', {}], ['phone', { viewport: { width: 390, height: 844 }, isMobile: true }]]) {
  test(`new hire (${label}): every incident of a service, in two clicks`, async ({ browser, sample }) => {
    const pms = JSON.parse(readFileSync(join(sample, 'api/postmortems.json'), 'utf8'));
    const want = pms.filter(p => p.services.includes('checkout-api')).map(p => p.title);
    const srv = await serve(sample);
    try {
      const v = await visit(browser, srv.url, options);
      await v.follow('Services', 'nav[aria-label="Main"]');
      await v.follow('checkout-api', 'main');
      const got = await v.page.$$eval('#history-title ~ .pm-list .pm-title', as => as.map(a => a.textContent));
      await v.close();
      assertEqual(got, want, 'postmortems on the checkout-api page');
    } finally { await srv.close(); }
  });

  test(`new hire (${label}): the most recurring factors are on the home page`, async ({ browser, sample }) => {
    const pms = JSON.parse(readFileSync(join(sample, 'api/postmortems.json'), 'utf8'));
    const n = {};
    for (const p of pms) for (const f of p.factors) n[f] = (n[f] || 0) + 1;
    const top = Math.max(...Object.values(n));
    const srv = await serve(sample);
    try {
      const v = await visit(browser, srv.url, options);
      const first = await v.page.$eval('#factors-title ~ .node-list li', li => ({
        slug: li.querySelector('a').getAttribute('href').split('/').filter(Boolean).pop(),
        count: li.querySelector('.node-count').textContent }));
      await v.close();
      assertEqual(first.count, `${top} incidents`, 'count of the first recurring factor');
      assert(n[first.slug] === top, `${first.slug} is in ${n[first.slug]} postmortems, the most is ${top}`);
    } finally { await srv.close(); }
  });

  test(`new hire (${label}): what is overdue and whose, in one click`, async ({ browser, sample }) => {
    const rows = csv(readFileSync(join(sample, 'api/actions.csv'), 'utf8')).filter(r => r[7] === 'true');
    const srv = await serve(sample);
    try {
      const v = await visit(browser, srv.url, options);
      const tile = await v.page.$eval('.tile.is-late dd a', a => a.textContent);
      assertEqual(Number(tile), rows.length, 'the overdue tile');
      await v.follow(`All ${rows.length} overdue items →`);
      const got = await v.page.$$eval('#overdue-title ~ .table-wrap .actions-table tbody tr', trs => trs.map(tr => ({
        title: tr.querySelector('.ai-title').firstChild.textContent, owner: tr.querySelector('.ai-owner').textContent,
        visible: tr.querySelector('.ai-owner').getBoundingClientRect().right <= window.innerWidth })));
      await v.close();
      assertEqual(got.length, rows.length, 'overdue rows on /actions/');
      const byTitle = Object.fromEntries(rows.map(r => [r[1], r[2]]));
      for (const g of got) {
        assertEqual(g.owner, byTitle[g.title], `owner of "${g.title}"`);
        assert(g.visible, `the owner of "${g.title}" is off screen`);
      }
    } finally { await srv.close(); }
  });

  test(`new hire (${label}): the incident most like a given one, with the reason, in one click`, async ({ browser, sample }) => {
    const pms = JSON.parse(readFileSync(join(sample, 'api/postmortems.json'), 'utf8'));
    const srv = await serve(sample);
    try {
      const v = await visit(browser, srv.url, options);
      const given = pms.find(p => p.id === 'PM-2025-009');
      await v.follow(given.title);
      const similar = await v.page.$$eval('.related-group', gs => {
        const g = gs.find(x => x.querySelector('h3').textContent === 'Similar incidents');
        return g && [...g.querySelectorAll('li')].map(li => ({
          href: li.querySelector('a').getAttribute('href'), kind: li.querySelector('.chip.kind') ? 'other' : 'incident',
          shares: [...li.querySelectorAll('.shared a')].map(a => a.getAttribute('href').split('/').filter(Boolean).slice(-2).join('/')) }));
      });
      await v.close();
      assert(similar && similar.length > 0, 'no similar incidents');
      assertEqual(similar[0].kind, 'incident', 'the kind of the most similar');
      const other = pms.find(p => similar[0].href.endsWith(p.url.replace(/^\//, '')) || similar[0].href.includes(p.id.toLowerCase()));
      assert(other, `no postmortem for ${similar[0].href}`);
      assert(similar[0].shares.length > 0, 'the most similar says nothing of why');
      for (const s of similar[0].shares) {
        const [kind, slug] = s.split('/');
        const field = kind === 'services' ? 'services' : 'factors';
        assert(given[field].includes(slug) && other[field].includes(slug), `${s} is not shared by ${given.id} and ${other.id}`);
      }
    } finally { await srv.close(); }
  });

  test(`new hire (${label}): what to read first is on the home page`, async ({ browser, sample }) => {
    const srv = await serve(sample);
    try {
      const v = await visit(browser, srv.url, options);
      const first = await v.page.$eval('#featured-title ~ .link-list a', a => a.textContent);
      await v.follow(first);
      const chip = await v.page.locator('.pm-badges .chip.featured').textContent();
      await v.close();
      assertEqual(chip, 'Start here', 'the first postmortem to read is marked');
    } finally { await srv.close(); }
  });

  test(`new hire (${label}): everything a given person owns, in two clicks`, async ({ browser, sample }) => {
    const rows = csv(readFileSync(join(sample, 'api/actions.csv'), 'utf8'))
      .filter(r => r[2] === 'Priya Natarajan' && (r[4] === 'open' || r[4] === 'in-progress'));
    const srv = await serve(sample);
    try {
      const v = await visit(browser, srv.url, options);
      await v.follow('Who owns what →');
      await v.follow('Priya Natarajan', 'main');
      const h1 = await v.page.textContent('h1');
      const items = await v.page.$$eval('#ai-title ~ .table-wrap .actions-table tbody .ai-title', tds => tds.map(td => td.firstChild.textContent));
      const pmsOwned = await v.page.$$eval('#pms-title ~ .pm-list .pm-title', as => as.map(a => a.textContent));
      const teams = await v.page.$$eval('.node-kicker a', as => as.map(a => a.textContent));
      await v.close();
      assertEqual(h1, 'Priya Natarajan', 'the owner page');
      assertEqual(items.sort(), rows.map(r => r[1]).sort(), 'her open action items');
      assert(pmsOwned.includes('Black Friday checkout degradation under five times normal peak traffic'), `her postmortems: ${pmsOwned}`);
      assertEqual(teams, ['Checkout'], 'her team');
    } finally { await srv.close(); }
  });
}
