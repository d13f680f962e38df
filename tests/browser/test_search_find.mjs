// Search as a new hire uses it (issue 22): people and action items, services,
// factors, tags and ids named exactly, quoted phrases and -word, what the page
// shows when nothing matches or nothing is asked, filters with several values,
// sort, taxonomies, and names with markup in them.  On the sample site (content/,
// as run.mjs builds it), on tests/search/people (owners, authors, items, a
// taxonomy, hostile names) and on public builds of both.
import { test, serve, open, assert, assertEqual } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

let built = null;
function sites(env) {
  if (built) return built;
  const build = (content, out, ...args) => execFileSync(env.bin, ['build', content, '-o', out, '--as-of', '2026-11-23', '-q', ...args],
    { cwd: env.repo, stdio: 'inherit' });
  const people = join(env.tmp, 'search-people'), peoplePub = join(env.tmp, 'search-people-public');
  const samplePub = join(env.tmp, 'search-sample-public');
  build('tests/search/people', people);
  build('tests/search/people', peoplePub, '--profile', 'public');
  build('content', samplePub, '--profile', 'public');
  built = { people, peoplePub, samplePub, truth: sampleTruth(env) };
  return built;
}

function walk(dir, out = []) {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out); else out.push(p);
  }
  return out;
}

// What the sample's sources and its API say: per postmortem its id, date, services,
// factors, tags, severity (api/postmortems.json), owner, authors, kind, the
// action items' owners and tickets (front matter), and its text with [[ID]] read
// as the title it links to (as the index reads it).
function sampleTruth(env) {
  const api = JSON.parse(readFileSync(join(env.sample, 'api/postmortems.json'), 'utf8'));
  const src = {}, title = Object.fromEntries(api.map(pm => [pm.id, pm.title]));
  for (const p of walk(join(env.repo, 'content/postmortems')).filter(p => p.endsWith('.md'))) {
    const text = readFileSync(p, 'utf8'), front = text.split(/^---$/m)[1];
    const id = /^id: (.*)$/m.exec(front)[1].trim();
    src[id] = {
      text: text.replace(/\[\[([^\]]+)\]\]/g, (m, id) => title[id] || m).toLowerCase(),
      owner: /^owner: (.*)$/m.exec(front)[1].trim(),
      authors: /^authors: \[(.*)\]$/m.exec(front)[1].split(',').map(s => s.trim()),
      kind: (/^kind: (.*)$/m.exec(front) || [0, 'incident'])[1].trim(),
      itemOwners: [...front.matchAll(/^ {4}owner: (.*)$/gm)].map(m => m[1].trim()),
      tickets: [...front.matchAll(/^ {4}ticket: (.*)$/gm)].map(m => m[1].trim()),
    };
  }
  return api.map(pm => ({ ...pm, ...src[pm.id] }));
}
const ids = list => list.map(x => x.id);
const svc = (...s) => t => s.some(x => t.services.includes(x));
const sameSet = (a, b) => a.length === b.length && a.every(x => b.includes(x));

async function ready(page) {
  await page.waitForFunction(() => window.aftermath && window.aftermath.search);
}
async function search(page, q, filters = {}, opts = {}) {
  return page.evaluate(([q, f, o]) => window.aftermath.search(q, f, o).then(r => ({
    ids: r.map(x => x.id), total: r.total, results: r.map(x => ({ ...x })), facets: r.facets,
    entities: r.entities, suggestion: r.suggestion,
  })), [q, filters, opts]);
}
function noErrors(errors, where) {
  assert(errors.length === 0, `${where}: console errors: ${errors.join(' | ')}`);
}
async function withPage(browser, dir, path, fn, options) {
  const srv = await serve(dir);
  try {
    const { page, errors, close } = await open(browser, srv.url + path, options);
    try { await fn(page, srv); } finally { await close(); }
    noErrors(errors, path || '/');
  } finally { await srv.close(); }
}

test('search people: an owner\'s or an author\'s name finds their postmortems, labelled owner or author', async ({ browser, sample, ...env }) => {
  const { truth } = sites({ ...env, sample });
  await withPage(browser, sample, '', async page => {
    await ready(page);
    const r = await search(page, 'priya', {}, { limit: 20 });
    const owned = ids(truth.filter(t => t.owner === 'Priya Natarajan'));
    const wrote = ids(truth.filter(t => t.authors.includes('Priya Natarajan') && t.owner !== 'Priya Natarajan'));
    assert(owned.length >= 2 && wrote.length >= 1, 'the sample has postmortems Priya owns and wrote');
    assert(sameSet(r.ids.slice(0, owned.length), owned), `priya: first ${r.ids.slice(0, owned.length)}, owns ${owned}`);
    assert(r.results.slice(0, owned.length).every(x => x.label === 'owner' && x.snippet === '<mark>Priya</mark> Natarajan'),
      `owner labels: ${JSON.stringify(r.results.map(x => [x.id, x.label, x.snippet]))}`);
    const authored = r.results.filter(x => wrote.includes(x.id));
    assert(authored.length === wrote.length && authored.every(x => x.label === 'author'), `author labels: ${JSON.stringify(authored)}`);
    // a full name is a named thing: the box offers the owner's page
    const full = await search(page, 'Priya Natarajan', {}, { entities: true });
    assertEqual(full.entities.filter(e => e.exact).map(e => [e.kind, e.name, e.url]), [['Owner', 'Priya Natarajan', 'owners/priya-natarajan/']],
      'named owner');
    // in the header box, as typed
    await page.fill('#site-search', 'priya');
    await page.waitForSelector('#site-search-list .search-result-option .search-label');
    const shown = await page.$$eval('#site-search-list [role=option]', o => o.map(x => x.textContent));
    assert(shown[0].startsWith('Owner: Priya Natarajan →'), `first option: ${shown[0]}`);
    assert(shown.slice(1, 1 + owned.length).every(t => t.includes('Owner Priya Natarajan')), `options: ${shown.join(' | ')}`);
  });
});

test('search people: action items are found by title, ticket and owner, labelled item', async ({ browser, sample, ...env }) => {
  const { truth, people } = sites({ ...env, sample });
  await withPage(browser, sample, '', async page => {
    await ready(page);
    const ticketOf = truth.find(t => t.tickets.includes('OPS-1234'));
    const r = await search(page, 'OPS-1234');
    assertEqual([r.ids[0], r.total, r.results[0].label], [ticketOf.id, 1, 'item'], 'a ticket');
    // an item's owner who neither owns nor wrote the postmortem
    const chen = truth.filter(t => t.itemOwners.includes('Chen Wei') && t.owner !== 'Chen Wei' && !t.authors.includes('Chen Wei'));
    const c = await search(page, 'chen wei', {}, { limit: 20 });
    const items = c.results.filter(x => chen.map(t => t.id).includes(x.id));
    assert(chen.length && items.length === chen.length && items.every(x => x.label === 'item' && /<mark>Chen<\/mark> <mark>Wei<\/mark>/.test(x.snippet)),
      `chen wei's items: ${JSON.stringify(c.results.map(x => [x.id, x.label, x.snippet]))}`);
  });
  await withPage(browser, people, '', async page => {
    await ready(page);
    // "reconcile" is in one action item's title and nowhere else
    const r = await search(page, 'reconcile refunds');
    assertEqual([r.ids[0], r.results[0].label], ['PP-002', 'item'], 'an item title');
    assert(r.results[0].snippet.startsWith('<mark>Reconcile</mark> <mark>refund</mark> totals'), `snippet: ${r.results[0].snippet}`);
  });
});

test('search people: a public build\'s index holds no person\'s name (owners, authors, items\' owners) and no alias', async ({ browser, sample, ...env }) => {
  const { truth, people, peoplePub, samplePub } = sites({ ...env, sample });
  const names = new Set();
  for (const t of truth) [t.owner, ...t.authors, ...t.itemOwners].forEach(n => names.add(n));
  for (const n of ['Zora', 'Quill', 'Bex Marlowe', 'Odalys Fenn']) names.add(n);
  const index = dir => walk(join(dir, 'search')).map(p => readFileSync(p, 'utf8')).join('\n').toLowerCase();
  const leaks = [], internal = index(sample) + index(people);
  for (const [where, dir] of [['sample', samplePub], ['people fixture (strips nothing)', peoplePub]]) {
    const text = index(dir);
    for (const n of names) if (text.includes(n.toLowerCase())) leaks.push(`${where}: ${n}`);
  }
  // nor site.yaml's other spellings of a service or factor, which no public page shows
  for (const alias of ['paymentsdb', 'payments-postgres', 'db-pool-exhaustion'])
    if (index(samplePub).includes(alias) || !index(sample).includes(alias)) leaks.push(`alias ${alias}`);
  assert(leaks.length === 0, `names in a public index: ${leaks.join(', ')}`);
  assert([...names].every(n => internal.includes(n.toLowerCase())), 'the internal indexes hold every name (the check above can fail)');
  // and the public page says nothing of owners
  await withPage(browser, peoplePub, '', async page => {
    await ready(page);
    const r = await search(page, 'odalys', {}, { facets: true, entities: true });
    const lists = await page.evaluate(() => window.aftermath.facets());
    assertEqual([r.total, r.entities.length, 'owner' in lists], [0, 0, false], 'odalys in a public build');
  });
});

test('search names: a service, factor or tag named exactly ranks its postmortems first; the box offers its page', async ({ browser, sample, ...env }) => {
  const { truth } = sites({ ...env, sample });
  await withPage(browser, sample, '', async page => {
    await ready(page);
    const bad = [];
    for (const [q, field, slug, kind] of [['checkout-api', 'services', 'checkout-api', 'Service'],
      ['payments database', 'services', 'payments-db', 'Service'], // an alias of payments-db
      ['Connection pool exhaustion', 'factors', 'connection-pool-exhaustion', 'Factor'],
      ['kafka', 'tags', 'kafka', 'Tag']]) {
      const want = ids(truth.filter(t => t[field].includes(slug)));
      const r = await search(page, q, {}, { limit: 20, entities: true });
      if (!sameSet(r.ids.slice(0, want.length), want)) bad.push(`${q}: first ${r.ids.slice(0, want.length)}, want ${want}`);
      if (!r.results.slice(0, want.length).every(x => x.match === 'entity')) bad.push(`${q}: not marked as the named thing's`);
      const e = r.entities[0] || {};
      if (!e.exact || e.kind !== kind || e.url !== `${field}/${slug}/` || e.count !== want.length)
        bad.push(`${q}: entity ${JSON.stringify(e)}`);
    }
    const api = await search(page, 'checkout-api');
    if (api.total === truth.length) bad.push('checkout-api: every postmortem matches (the "api" half)');
    assert(bad.length === 0, bad.join('; '));
    // the header box: "Service: checkout-api →" first, and Enter opens the service's page
    await page.fill('#site-search', 'checkout-api');
    await page.waitForSelector('#site-search-list .search-entity');
    const first = await page.$eval('#site-search-list [role=option]', o => [o.textContent, o.getAttribute('href')]);
    assert(first[0].startsWith('Service: checkout-api →') && first[1].endsWith('/services/checkout-api/'), `first option: ${first}`);
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForURL(/\/services\/checkout-api\/$/), page.keyboard.press('Enter')]);
  });
});

test('search ids: an id shows that postmortem alone', async ({ browser, sample, ...env }) => {
  const { truth } = sites({ ...env, sample });
  await withPage(browser, sample, '', async page => {
    await ready(page);
    const bad = [];
    for (const t of truth.filter((_, i) => i % 3 === 1)) {
      for (const q of [t.id, t.id.toLowerCase()]) {
        const r = await search(page, q);
        if (r.ids[0] !== t.id || r.results[0].match !== 'id' || r.results.slice(1).some(x => x.match === 'id'))
          bad.push(`${q}: ${r.ids.join(',')}`);
        if (r.total !== 1) bad.push(`${q}: ${r.total} results (the "PM" and year parts match others)`);
      }
    }
    assert(bad.length === 0, bad.join('; '));
  });
});

test('search syntax: a quoted phrase needs all its words, -word leaves out what has it (counts against the plain query)', async ({ browser, sample, ...env }) => {
  const { truth } = sites({ ...env, sample });
  await withPage(browser, sample, '', async page => {
    await ready(page);
    const terms = await page.evaluate(docs => docs.map(d => window.aftermath._tokenize(d)), truth.map(t => t.text));
    const has = (id, w) => terms[truth.findIndex(t => t.id === id)].includes(w);
    const bad = [];
    const plain = await search(page, 'connection pool', {}, { limit: 50 });
    const phrase = await search(page, '"connection pool"', {}, { limit: 50 });
    if (!(phrase.total > 0 && phrase.total < plain.total)) bad.push(`"connection pool": ${phrase.total}, plain ${plain.total}`);
    if (!phrase.ids.every(id => has(id, 'connect') && has(id, 'pool'))) bad.push(`"connection pool": ${phrase.ids} lack a word`);
    // no prefix or typo in quotes: "pool" finds pool, "poo" finds nothing
    const open = await search(page, 'poo'), quoted = await search(page, '"poo"');
    if (!(open.total > 0 && quoted.total === 0)) bad.push(`poo: ${open.total}, "poo": ${quoted.total}`);
    const all = await search(page, 'connection', {}, { limit: 50 });
    const minus = await search(page, 'connection -pool', {}, { limit: 50 });
    if (!(minus.total > 0 && minus.total < all.total)) bad.push(`connection -pool: ${minus.total}, connection ${all.total}`);
    if (minus.ids.some(id => has(id, 'pool'))) bad.push(`connection -pool: ${minus.ids.filter(id => has(id, 'pool'))} have pool`);
    const want = all.ids.filter(id => !has(id, 'pool'));
    if (!sameSet(minus.ids, want)) bad.push(`connection -pool: ${minus.ids}, want ${want}`);
    // an excluded phrase, and exclusion alone (every postmortem but those)
    const notPhrase = await search(page, 'connection -"connection pool"', {}, { limit: 50 });
    if (notPhrase.total !== all.total - phrase.total) bad.push(`connection -"connection pool": ${notPhrase.total}`);
    const onlyMinus = await search(page, '-kafka', {}, { limit: 50 });
    if (onlyMinus.total !== truth.filter(t => !t.tags.includes('kafka') && !has(t.id, 'kafka')).length) bad.push(`-kafka: ${onlyMinus.total}`);
    // marks: excluded words are not marked
    if (minus.results.some(x => /<mark>pool/i.test(x.snippet))) bad.push('connection -pool: pool marked');
    assert(bad.length === 0, bad.join('; '));
  });
});

test('search empty states: no results suggest a near word, clearing the filters and where to browse', async ({ browser, sample, ...env }) => {
  sites({ ...env, sample });
  // two edits from "connection" (one-edit typos are found as they are)
  await withPage(browser, sample, 'search/?q=conectoin', async (page, srv) => {
    await page.waitForSelector('#search-empty:not([hidden])');
    const s = await page.$eval('#search-suggestion', a => [a.textContent, a.getAttribute('href')]);
    assert(/^connect/.test(s[0]) && s[1] === `?q=${encodeURIComponent(s[0])}`, `near word: ${s}`);
    const links = await page.$$eval('#search-empty a', m => m.map(a => a.href));
    for (const want of ['/services/', '/factors/'])
      assert(links.some(h => h.endsWith(want)), `no link to ${want}: ${links}`);
    for (const h of links.filter(h => !h.includes('?'))) assert((await fetch(h)).status === 200, `${h}: not found`);
    assert(await page.isHidden('#search-empty-clear'), 'no filters to clear, yet the button is there');
    await page.click('#search-suggestion');
    await page.waitForSelector('#search-results li');
    // a query that matches, emptied by the filters: the page offers to clear them
    await page.goto(srv.url + 'search/?q=pool&service=search-api&severity=SEV1');
    await page.waitForSelector('#search-empty-clear');
    await page.click('#search-empty-clear');
    await page.waitForSelector('#search-results li');
    assert(!new URL(page.url()).search.includes('service='), `filters kept: ${page.url()}`);
    assert(await page.isHidden('#search-empty'), 'the empty state stayed');
  });
});

test('search empty states: /search/ with no query lists every postmortem newest first, with the filters', async ({ browser, sample, ...env }) => {
  const { truth } = sites({ ...env, sample });
  await withPage(browser, sample, 'search/', async page => {
    await page.waitForSelector('#search-results li');
    const newest = [...truth].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
    const first = await page.$$eval('#search-results li > a', m => m.map(a => a.href.match(/postmortems\/([^/]+)\//)[1].toUpperCase()));
    assertEqual(first, newest.slice(0, first.length).map(t => t.id), 'newest first');
    assert(first.length === 10, `${first.length} shown`);
    assertEqual(await page.textContent('#search-status'), `All ${truth.length} postmortems, newest first (showing 10)`, 'status');
    await page.click('#search-more');
    await page.waitForFunction(n => document.querySelectorAll('#search-results li').length === n, truth.length);
    assert(await page.$$eval('#search-filters details', d => d.length) >= 7, 'the filters are there');
    // a filter alone narrows the list, still newest first
    await page.click('#search-filter-kind summary');
    await page.check('#search-filter-kind input[value=near-miss]');
    const want = newest.filter(t => t.kind === 'near-miss').map(t => t.id);
    await page.waitForFunction(n => document.querySelectorAll('#search-results li').length === n, want.length);
    const got = await page.$$eval('#search-results li > a', m => m.map(a => a.href.match(/postmortems\/([^/]+)\//)[1].toUpperCase()));
    assertEqual(got, want, 'near-misses');
  });
});

test('search filters: several values of a filter mean any of them, filters together all; kind, owner, tag; sort by date', async ({ browser, sample, ...env }) => {
  const { truth } = sites({ ...env, sample });
  await withPage(browser, sample, '', async page => {
    await ready(page);
    const bad = [];
    const check = async (q, f, want, opts = {}) => {
      const r = await search(page, q, f, { limit: 50, ...opts });
      if (!sameSet(r.ids, want)) bad.push(`${q} ${JSON.stringify(f)}: ${r.ids}, want ${want}`);
      return r;
    };
    await check('', { service: ['checkout-api', 'payments-db'] }, ids(truth.filter(svc('checkout-api', 'payments-db'))));
    await check('', { service: ['checkout-api', 'payments-db'], severity: ['SEV1', 'SEV2'] },
      ids(truth.filter(t => svc('checkout-api', 'payments-db')(t) && ['SEV1', 'SEV2'].includes(t.severity))));
    await check('', { kind: 'near-miss' }, ids(truth.filter(t => t.kind === 'near-miss')));
    await check('', { kind: ['drill', 'near-miss'] }, ids(truth.filter(t => t.kind !== 'incident')));
    await check('', { owner: 'lee-park' }, ids(truth.filter(t => t.owner === 'Lee Park')));
    await check('', { tag: ['kafka', 'postgres'] }, ids(truth.filter(t => t.tags.includes('kafka') || t.tags.includes('postgres'))));
    const lee = await check('checkout', { owner: ['lee-park', 'priya-natarajan'] },
      ids(truth.filter(t => ['Lee Park', 'Priya Natarajan'].includes(t.owner) && /checkout/.test(t.text))), { facets: true });
    const lists = await page.evaluate(() => window.aftermath.facets());
    const count = (name, v) => lee.facets[name][lists[name].findIndex(x => x[0] === v)];
    if (count('owner', 'lee-park') !== truth.filter(t => t.owner === 'Lee Park' && /checkout/.test(t.text)).length)
      bad.push(`owner count ${count('owner', 'lee-park')}`);
    // sort by date: the same results, newest first
    const byDate = await search(page, 'checkout', {}, { limit: 50, sort: 'date' });
    const dates = byDate.results.map(x => x.date);
    if (dates.some((d, i) => i && d > dates[i - 1])) bad.push(`sort=date: ${dates}`);
    const byScore = await search(page, 'checkout', {}, { limit: 50 });
    if (!sameSet(byScore.ids, byDate.ids) || JSON.stringify(byScore.ids) === JSON.stringify(byDate.ids)) bad.push('sort=date: not a reordering');
    assert(bad.length === 0, bad.join('; '));
  });
  // the page: two boxes of one filter, then another filter, then sort, all in the URL
  await withPage(browser, sample, 'search/?q=checkout', async page => {
    await page.waitForSelector('#search-results li');
    await page.click('#search-filter-service summary');
    await page.check('#search-filter-service input[value=checkout-api]');
    await page.check('#search-filter-service input[value=payments-db]');
    await page.click('#search-filter-severity summary');
    await page.check('#search-filter-severity input[value=SEV1]');
    await page.selectOption('#search-sort', 'date');
    await page.waitForFunction(() => location.search.includes('sort=date'));
    assertEqual(new URL(page.url()).search, '?q=checkout&service=checkout-api&service=payments-db&severity=SEV1&sort=date', 'URL');
    const want = truth.filter(t => svc('checkout-api', 'payments-db')(t) && t.severity === 'SEV1' && /checkout/.test(t.text))
      .sort((a, b) => (a.date < b.date ? 1 : -1)).map(t => t.id);
    await page.waitForFunction(n => document.querySelectorAll('#search-results li').length === n, want.length);
    const got = await page.$$eval('#search-results li > a', m => m.map(a => a.href.match(/postmortems\/([^/]+)\//)[1].toUpperCase()));
    assertEqual(got, want, 'checkout in checkout-api or payments-db at SEV1, newest first');
    assertEqual(await page.textContent('#search-filter-service .search-filter-chosen'), '2', 'chosen count');
  });
});

test('search filters: the filter row keeps its width as the counts and choices change', async ({ browser, sample, ...env }) => {
  sites({ ...env, sample });
  for (const width of [1280, 390]) {
    await withPage(browser, sample, 'search/', async page => {
      await page.waitForSelector('#search-results li');
      const measure = () => page.$$eval('#search-filters, #search-filters > *', m => m.map(e => Math.round(e.getBoundingClientRect().width * 10) / 10));
      const counts = () => page.$$eval('#search-filters .search-count', m => m.map(c => c.textContent).join(','));
      const before = await measure(), c0 = await counts();
      await page.fill('#search-q', 'kafka');
      await page.waitForFunction(c => [...document.querySelectorAll('#search-filters .search-count')].map(x => x.textContent).join(',') !== c, c0);
      const after = await measure();
      await page.click('#search-filter-tag summary');
      await page.check('#search-filter-tag input[value=kafka]');
      await page.waitForFunction(() => document.querySelector('#search-filter-tag .search-filter-chosen').textContent === '1');
      const chosen = await measure();
      assertEqual(after, before, `${width}px: widths after the counts changed`);
      assertEqual(chosen, before, `${width}px: widths after a choice`);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      assert(scroll, `${width}px: the page scrolls sideways`);
    }, { viewport: { width, height: 900 } });
  }
});

test('search taxonomies: a site\'s own taxonomy is a filter and a named thing', async ({ browser, ...env }) => {
  const { people } = sites(env);
  await withPage(browser, people, '', async page => {
    await ready(page);
    const lists = await page.evaluate(() => window.aftermath.facets());
    assertEqual(lists.fs.map(f => f[0]), ['service', 'factor', 'tag', 'severity', 'status', 'kind', 'year', 'owner', 'company'], 'filters');
    assertEqual(lists.company, [['acme', 'Acme', 2], ['initech', 'Initech', 2]], 'company values');
    const r = await search(page, '', { company: 'acme' });
    assertEqual(r.ids, ['PP-001', 'PP-002'], 'company: acme');
    const both = await search(page, '', { company: ['acme', 'initech'], kind: 'near-miss' });
    assertEqual(both.ids, ['PP-003'], 'company: acme or initech, kind near-miss');
    const named = await search(page, 'initech', {}, { entities: true });
    assertEqual(named.entities.map(e => [e.kind, e.name, e.url, e.count]), [['Company', 'Initech', 'company/initech/', 2]], 'entity');
    assert(sameSet(named.ids.slice(0, 2), ['PP-002', 'PP-003']), `initech first: ${named.ids}`);
    assert((await fetch(named.entities[0].href)).status === 200, 'company page');
  });
  await withPage(browser, people, 'search/?company=initech', async page => {
    await page.waitForSelector('#search-results li');
    assertEqual(await page.$$eval('#search-filter-company input:checked', m => m.map(c => c.value)), ['initech'], 'from the URL');
    assertEqual(await page.$$eval('#search-results li', m => m.length), 2, 'results');
  });
});

test('search hostile: names and items with markup, quotes, backslashes and U+2028 stay text in the index and on the page', async ({ browser, ...env }) => {
  const { people } = sites(env);
  const index = readFileSync(join(people, 'search/index.js'), 'utf8');
  assert(!/[\u2028\u2029]/.test(index), 'a raw U+2028 or U+2029 in search/index.js');
  assert(index.includes('Alert on quarantine depth\\u2028before it \\\\ fills\\u2029again, says \\"ops\\"'), 'the item, escaped');
  await withPage(browser, people, '', async page => {
    let dialogs = 0;
    page.on('dialog', d => { dialogs++; d.dismiss(); });
    await ready(page);
    const bad = [];
    for (const [q, id, label] of [['quill', 'PP-001', 'owner'], ['zed', 'PP-001', 'owner'], ['marlowe', 'PP-003', 'owner'],
      ['quarantine depth', 'PP-004', null], ['onerror', 'PP-001', 'item'], ['poison', 'PP-004', null]]) {
      const r = await search(page, q);
      const x = r.results[0] || {};
      if (x.id !== id || x.label !== label) bad.push(`${q}: ${x.id} ${x.label}`);
      if (/<(?!\/?mark>)/.test((x.snippet || '') + (x.titleHtml || ''))) bad.push(`${q}: markup in ${x.snippet} ${x.titleHtml}`);
    }
    const item = (await search(page, 'quarantine depth')).results[0];
    if (!item.snippet.includes('\u2028before it \\ fills\u2029again, says &quot;ops&quot;')) bad.push(`item snippet: ${item.snippet}`);
    const owner = (await search(page, 'quill')).results[0];
    if (owner.snippet !== 'Zora &quot;Zed&quot; <mark>Quill</mark>&lt;script&gt;alert(&quot;owner&quot;)&lt;/script&gt;') bad.push(`owner: ${owner.snippet}`);
    for (const q of ['quill', 'onerror', 'zora zed quill script']) {
      await page.fill('#site-search', q);
      await page.waitForSelector('#site-search-list [role=option]');
      await page.waitForTimeout(100);
    }
    const injected = await page.evaluate(() => document.querySelectorAll('#site-search-list img, #site-search-list script').length);
    const entity = await page.$eval('#site-search-list .search-entity', o => o.textContent);
    if (!entity.startsWith('Owner: Zora "Zed" Quill<script>alert("owner")</script> →')) bad.push(`entity option: ${entity}`);
    if (injected || dialogs) bad.push(`markup from content was rendered (${injected} elements, ${dialogs} dialogs)`);
    assert(bad.length === 0, bad.join('; '));
  });
  await withPage(browser, people, 'search/?q=quill', async page => {
    await page.waitForSelector('#search-results li .search-label');
    assertEqual(await page.$$eval('#search-results script, #search-results img, #search-named script', m => m.length), 0, 'elements from content');
  });
});

test('search a11y: an open filter, a named thing, labelled results and the empty state pass axe (light and dark)', async ({ browser, sample, ...env }) => {
  sites({ ...env, sample });
  const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const found = [];
  const axe = async (page, what) => {
    await page.addScriptTag({ content: AXE });
    const r = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of r.violations)
      if (v.impact === 'serious' || v.impact === 'critical') found.push(`${what}: ${v.id} ${v.nodes[0].target.join(' ')}`);
  };
  for (const colorScheme of ['light', 'dark']) {
    await withPage(browser, sample, 'search/?q=checkout-api&owner=lee-park', async page => {
      await page.waitForSelector('#search-named:not([hidden])');
      await page.click('#search-filter-owner summary');
      await axe(page, `named thing, open filter (${colorScheme})`);
      await page.fill('#site-search', 'priya');
      await page.waitForSelector('#site-search-list .search-label');
      await page.keyboard.press('ArrowDown');
      await axe(page, `labelled options (${colorScheme})`);
      await page.fill('#search-q', 'conectoin');
      await page.waitForSelector('#search-empty:not([hidden])');
      await axe(page, `empty state (${colorScheme})`);
    }, { colorScheme });
  }
  assert(found.length === 0, found.join('; '));
});
