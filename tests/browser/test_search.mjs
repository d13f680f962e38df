// Search: the index (generator/search/search.c) and its runtime (layouts/assets/search.js)
// in headless Chromium, on tests/search/site (each postmortem there is made for a
// query below) and on a synthetic 1k corpus (build/gen-corpus), over http, under a
// sub-path and from disk.
import { test, serve, open, assert, assertEqual } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { HtmlValidate } from 'html-validate';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let built = null;

// The fixture and the 1k site, built once; truth: what the 1k sources say.
function sites(env) {
  if (built) return built;
  const build = (content, out) => execFileSync(env.bin, ['build', content, '-o', out, '--as-of', '2026-11-23', '-q'],
    { cwd: env.repo, stdio: 'inherit' });
  const fixture = join(env.tmp, 'search-fixture'), big = join(env.tmp, 'search-1k'), src = join(env.tmp, 'search-1k-src');
  let gen = join(dirname(env.bin), 'gen-corpus');
  if (!existsSync(gen)) gen = join(env.repo, 'build/gen-corpus');
  execFileSync(gen, ['1000', src], { stdio: 'ignore' });
  build('tests/search/site', fixture);
  build(src, big);
  built = { fixture, big, docs: readCorpus(src) };
  return built;
}

// Every source postmortem of dir: {id, text} with the text lowercased.
function readCorpus(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...readCorpus(p));
    else if (name.endsWith('.md')) {
      const text = readFileSync(p, 'utf8');
      out.push({ id: /^id: (.*)$/m.exec(text)[1].trim(), text: text.toLowerCase() });
    }
  }
  return out;
}

function withWord(docs, word) {
  const re = new RegExp(`\\b${word}\\b`);
  return new Set(docs.filter(d => re.test(d.text)).map(d => d.id));
}

// A static server that gzips text like any real host, and counts the bytes it sends.
function serveGzip(dir, prefix = '/') {
  const root = resolve(dir), log = [];
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
    '.json': 'application/json', '.svg': 'image/svg+xml', '.xml': 'application/xml' };
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) { res.writeHead(404); res.end(); return; }
    let file = resolve(join(root, path.slice(prefix.length)));
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      let body = readFileSync(file);
      const headers = { 'Content-Type': types[extname(file)] || 'application/octet-stream' };
      if (/gzip/.test(req.headers['accept-encoding'] || '') && types[extname(file)]) {
        body = gzipSync(body, { level: 6 });
        headers['Content-Encoding'] = 'gzip';
      }
      log.push({ path: path.slice(prefix.length), bytes: body.length });
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404); res.end('not found');
    }
  });
  return new Promise(ok => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}${prefix}`, log,
    close: () => new Promise(done => server.close(done)),
  })));
}

async function ready(page) {
  await page.waitForFunction(() => window.aftermath && window.aftermath.search);
}
async function search(page, q, filters = {}, opts = {}) {
  return page.evaluate(([q, f, o]) => window.aftermath.search(q, f, o).then(r => ({
    ids: r.map(x => x.id), total: r.total, results: r.map(x => ({ ...x })), facets: r.facets,
  })), [q, filters, opts]);
}
function noErrors(errors, where) {
  assert(errors.length === 0, `${where}: console errors: ${errors.join(' | ')}`);
}

// [query, filters, the ids that must come first, in this order, and the total when given]
const FIXTURE = [
  ['transcoder', {}, ['SR-001', 'SR-007'], 2],        // title and service above a body mention
  ['video-transcoder', {}, ['SR-001']],                // a word split on punctuation
  ['deploy', {}, ['SR-001', 'SR-004', 'SR-002'], 3],   // deployment, deployments (titles), deploying (body)
  ['deployments', {}, ['SR-001', 'SR-004', 'SR-002'], 3],
  ['SR-003', {}, ['SR-003']],
  ['pool', {}, ['SR-003'], 1],
  ['pool zzzunknownword', {}, ['SR-003'], 1],          // a missing word does not empty the results
  ['pool checkout', {}, ['SR-003', 'SR-004']],         // both words before either
  ['checkout-api', {}, ['SR-003', 'SR-004']],          // a service
  ['runbook', {}, ['SR-002'], 1],                      // a factor
  ['größe', {}, ['SR-006'], 1],                        // non-ASCII words
  ['GRÖSSE überschritten', {}, ['SR-006']],
  ['zepp', {}, ['SR-002'], 1],                         // a prefix as you type
  ['transc', {}, ['SR-001', 'SR-007'], 2],
  ['zeppelni', {}, ['SR-002'], 1],                     // one edit: transposition
  ['zepelin', {}, ['SR-002'], 1],                      // deletion
  ['xeppelin', {}, ['SR-002'], 1],                     // substitution of the first letter
  ['transcodr', {}, ['SR-001', 'SR-007'], 2],
  ['', { service: 'checkout-api' }, ['SR-003', 'SR-004'], 2], // filters alone: newest first
  ['latency', { service: 'checkout-api' }, ['SR-004'], 1],
  ['', { severity: 'SEV3', year: '2024' }, ['SR-007', 'SR-006'], 2],
  ['', { status: 'draft' }, ['SR-005'], 1],
  ['', { service: ['checkout-api', 'payments-db'], severity: 'SEV2' }, ['SR-003'], 1],
  ['checkout', { year: '2023' }, ['SR-004'], 1],
  ['pool', { service: 'video-transcoder' }, [], 0],
];

test('search: stemmer and tokenizer agree with the shared vectors (tests/search/)', async env => {
  const { browser, repo } = env, { fixture } = sites(env);
  const stems = readFileSync(join(repo, 'tests/search/stem.txt'), 'utf8').split('\n')
    .filter(l => l && !l.startsWith('#')).map(l => l.split(' '));
  const toks = readFileSync(join(repo, 'tests/search/tokenize.txt'), 'utf8').split('\n')
    .filter(l => l.includes('\t') && !l.startsWith('#')).map(l => l.split('\t'));
  const { page, errors, close } = await open(browser, pathToFileURL(join(fixture, 'index.html')).href);
  await ready(page);
  const bad = await page.evaluate(([stems, toks]) => {
    const out = [];
    for (const [w, s] of stems) if (window.aftermath._stem(w) !== s) out.push(`stem(${w}) = ${window.aftermath._stem(w)}, want ${s}`);
    for (const [text, want] of toks) {
      const got = window.aftermath._tokenize(text).join(' ');
      if (got !== want) out.push(`tokenize(${text}) = "${got}", want "${want}"`);
    }
    return out;
  }, [stems, toks]);
  await close();
  assert(stems.length > 5000 && toks.length > 20, 'vectors missing');
  assert(bad.length === 0, `${bad.length} mismatches: ${bad.slice(0, 5).join('; ')}`);
  noErrors(errors, 'vectors');
});

test('search: fixture queries rank the expected postmortems first (words, ids, services, typos, filters)', async ({ browser, ...env }) => {
  const { fixture } = sites(env);
  const srv = await serve(fixture);
  try {
    const { page, errors, close } = await open(browser, srv.url);
    await ready(page);
    const bad = [];
    for (const [q, f, want, total] of FIXTURE) {
      const r = await search(page, q, f);
      if (JSON.stringify(r.ids.slice(0, want.length)) !== JSON.stringify(want) || (total !== undefined && r.total !== total))
        bad.push(`${JSON.stringify(q)} ${JSON.stringify(f)}: got ${r.ids.join(',')} (total ${r.total}), want ${want.join(',')}${total !== undefined ? ` (total ${total})` : ''}`);
    }
    await close();
    assert(bad.length === 0, bad.join('; '));
    noErrors(errors, 'fixture');
  } finally { await srv.close(); }
});

// Threshold bug class: one typo is forgiven in words of five letters or more
// (README), so at 4 letters it must find nothing, at 5 and 6 it must find.
const TYPO_THRESHOLD = [
  ['lesk', {}, [], 0],          // 4 letters, one edit from "leak": not a typo match
  ['poll', {}, [], 0],          // 4 letters, one edit from "pool"
  ['alarn', {}, ['SR-002'], 1], // 5 letters, one edit from "alarm"
  ['alamr', {}, ['SR-002'], 1], // 5 letters, a transposition
  ['canart', {}, ['SR-001'], 1], // 6 letters, one edit from "canary"
];

test('search threshold: typo tolerance starts at exactly 5 letters (4: none; 5 and 6: found)', async ({ browser, ...env }) => {
  const { fixture } = sites(env);
  const srv = await serve(fixture);
  try {
    const { page, errors, close } = await open(browser, srv.url);
    await ready(page);
    const bad = [];
    for (const [q, f, want, total] of TYPO_THRESHOLD) {
      const r = await search(page, q, f);
      if (JSON.stringify(r.ids) !== JSON.stringify(want) || r.total !== total)
        bad.push(`${JSON.stringify(q)}: got ${r.ids.join(',')} (total ${r.total}), want ${want.join(',')} (total ${total})`);
    }
    await close();
    assert(bad.length === 0, bad.join('; '));
    noErrors(errors, 'typo threshold');
  } finally { await srv.close(); }
});

test('search: results carry title, url, date, severity and a marked snippet; filters come with counts', async ({ browser, ...env }) => {
  const { fixture } = sites(env);
  const srv = await serve(fixture);
  try {
    const { page, errors, close } = await open(browser, srv.url);
    await ready(page);
    const r = await search(page, 'deploying', {}, { facets: true });
    const first = r.results[0];
    assertEqual([first.id, first.title, first.url, first.date, first.severity, first.status],
      ['SR-001', 'Video transcoder backlog after a bad deployment', 'postmortems/sr-001/', '2025-03-04', 'SEV2', 'complete'], 'first result');
    assert(first.score > 0 && r.results.every((x, i) => i === 0 || x.score <= r.results[i - 1].score), 'scores not descending');
    assert(first.snippet.includes('<mark>deployed</mark>'), `snippet: ${first.snippet}`);
    assert(first.titleHtml.includes('<mark>deployment</mark>'), `title: ${first.titleHtml}`);
    const res = await fetch(new URL(first.href));
    assert(res.status === 200, `${first.href}: HTTP ${res.status}`);
    // counts: per value, for the text and the other filters
    const c = await search(page, 'checkout', { severity: 'SEV2' }, { facets: true });
    const lists = await page.evaluate(() => window.aftermath.facets());
    const count = (name, value) => c.facets[name][lists[name].findIndex(v => v[0] === value)];
    assertEqual(c.ids, ['SR-003'], 'checkout at SEV2');
    assertEqual([count('severity', 'SEV2'), count('severity', 'SEV3'), count('service', 'checkout-api'), count('year', '2025')],
      [1, 1, 1, 1], 'counts (severity counts ignore the severity filter)');
    await close();
    noErrors(errors, 'results');
  } finally { await srv.close(); }
});

test('search: results carry the on_postmortem fields site.yaml computed.search names, from term and doc records alike', async ({ browser, ...env }) => {
  const src = join(env.tmp, 'search-computed'), out = join(env.tmp, 'search-computed-site');
  mkdirSync(join(src, 'postmortems'), { recursive: true });
  mkdirSync(join(src, 'scripts'), { recursive: true });
  writeFileSync(join(src, 'site.yaml'), 'computed:\n  search: [open_items]\n');
  writeFileSync(join(src, 'scripts', 'metrics.lua'), 'function on_postmortem(pm)\n  return {open_items = #pm.action_items, secret = "x"}\nend\n');
  writeFileSync(join(src, 'postmortems', 'a.md'), '---\nid: C-1\ntitle: Zeppelin mooring failed\ndate: 2024-01-01\naction_items: [{title: a}, {title: b}]\n---\nThe zeppelin drifted.\n');
  writeFileSync(join(src, 'postmortems', 'b.md'), '---\nid: C-2\ntitle: Quiet night\ndate: 2024-02-01\n---\nNothing.\n');
  execFileSync(env.bin, ['build', src, '-o', out, '--as-of', '2026-11-23', '-q'], { cwd: env.repo, stdio: 'inherit' });
  const srv = await serve(out);
  try {
    const { page, errors, close } = await open(browser, srv.url);
    await ready(page);
    const r = await search(page, 'zeppelin');
    assertEqual(r.results.map(x => [x.id, x.computed]), [['C-1', { open_items: '2' }]], 'a word: the term shard\'s record');
    const all = await search(page, '', { year: ['2024'] });
    assertEqual(all.results.map(x => [x.id, x.computed]), [['C-2', { open_items: '0' }], ['C-1', { open_items: '2' }]], 'filters alone: the doc records');
    await close();
    noErrors(errors, 'computed');
  } finally { await srv.close(); }
});

test('search: HTML in titles, summaries and bodies reaches the page escaped', async ({ browser, ...env }) => {
  const { fixture } = sites(env);
  const srv = await serve(fixture);
  try {
    const { page, errors, close } = await open(browser, srv.url);
    await ready(page);
    let dialogs = 0;
    page.on('dialog', d => { dialogs++; d.dismiss(); });
    for (const q of ['onerror', 'img', 'markup']) {
      const r = await search(page, q);
      assertEqual(r.ids, ['SR-005'], q);
      const html = r.results[0].snippet + r.results[0].titleHtml;
      assert(!/<(?!\/?mark>)/.test(html), `${q}: unescaped markup: ${html}`);
    }
    await page.fill('#site-search', 'onerror');
    await page.waitForSelector('[role=listbox] [role=option]');
    const injected = await page.evaluate(() => document.querySelectorAll('[role=listbox] img, [role=listbox] script, [role=listbox] b').length);
    await close();
    assert(injected === 0 && dialogs === 0, `markup from content was rendered (${injected} elements, ${dialogs} dialogs)`);
    noErrors(errors, 'escaping');
  } finally { await srv.close(); }
});

test('search: the header combobox works by keyboard alone', async ({ browser, ...env }) => {
  const { fixture } = sites(env);
  const srv = await serve(fixture, '/kb/');
  try {
    const { page, errors, close } = await open(browser, srv.url);
    await ready(page);
    await page.keyboard.press('/');
    await page.keyboard.type('transcod');
    await page.waitForSelector('#site-search[aria-expanded=true]');
    const roles = await page.evaluate(() => {
      const input = document.getElementById('site-search');
      const list = document.getElementById(input.getAttribute('aria-controls'));
      return [input.getAttribute('role'), list.getAttribute('role'),
        [...list.children].map(o => o.getAttribute('role')).join(','), document.activeElement === input];
    });
    assertEqual(roles, ['combobox', 'listbox', 'option,option,option', true], 'roles and focus');
    await page.keyboard.press('ArrowDown');
    const active = await page.evaluate(() => {
      const input = document.getElementById('site-search');
      const o = document.getElementById(input.getAttribute('aria-activedescendant'));
      return [o.getAttribute('aria-selected'), o.textContent];
    });
    assert(active[0] === 'true' && active[1].startsWith('Video transcoder'), `active option: ${active}`);
    await page.keyboard.press('Escape');
    assert(await page.getAttribute('#site-search', 'aria-expanded') === 'false', 'Escape did not close the list');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('#site-search[aria-expanded=true]');
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForURL(/\/kb\/postmortems\/sr-001\/$/), page.keyboard.press('Enter')]);
    await page.keyboard.press('/');
    await page.keyboard.type('pool');
    await Promise.all([page.waitForURL(/\/kb\/search\/\?q=pool$/), page.keyboard.press('Enter')]);
    await page.waitForSelector('#search-results li');
    await close();
    noErrors(errors, 'combobox');
  } finally { await srv.close(); }
});

test('search: /search/ runs the query and filters in its URL and keeps them there', async ({ browser, ...env }) => {
  const { fixture } = sites(env);
  const srv = await serve(fixture);
  try {
    const { page, errors, close } = await open(browser, srv.url + 'search/?q=checkout&service=checkout-api');
    await page.waitForSelector('#search-results li');
    const ids = () => page.$$eval('#search-results li > a', m => m.map(a => a.href.match(/sr-\d+/)[0].toUpperCase()));
    assertEqual(await ids(), ['SR-003', 'SR-004'], 'checkout in checkout-api');
    assert(!(await page.isVisible('#search-more')), '"Show more results" shown with every result on the page');
    const checked = () => page.$$eval('#search-filters input:checked', m => m.map(c => `${c.name}=${c.value}`));
    assertEqual([await page.inputValue('#search-q'), await checked()], ['checkout', ['service=checkout-api']], 'form');
    await page.click('#search-filter-year summary');
    await page.check('#search-filter-year input[value="2023"]');
    await page.waitForFunction(() => location.search.includes('year=2023'));
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 1);
    assertEqual(await ids(), ['SR-004'], 'with year 2023');
    assertEqual(new URL(page.url()).search, '?q=checkout&service=checkout-api&year=2023', 'URL');
    const label = await page.$eval('#search-filter-severity input[value=SEV3]', c => c.closest('label').textContent);
    assertEqual(label, 'SEV31', 'severity value and count');
    const marked = await page.$$eval('#search-results mark', m => m.map(x => x.textContent.toLowerCase()));
    assert(marked.length && marked.every(m => m === 'checkout'), `marks: ${marked}`);
    await close();
    noErrors(errors, 'search page');
  } finally { await srv.close(); }
});

test('search: /search/ with results and the open combobox pass axe (light and dark) and html-validate', async ({ browser, ...env }) => {
  const { fixture } = sites(env);
  const srv = await serve(fixture);
  const found = [];
  const axe = async (page, what) => {
    await page.addScriptTag({ content: AXE });
    const r = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of r.violations)
      if (v.impact === 'serious' || v.impact === 'critical') found.push(`${what}: ${v.id} ${v.nodes[0].target.join(' ')}`);
  };
  try {
    for (const scheme of ['light', 'dark']) {
      const { page, errors, close } = await open(browser, srv.url + 'search/?q=pool&severity=SEV2', { colorScheme: scheme });
      await page.waitForSelector('#search-results li');
      await axe(page, `search page (${scheme})`);
      await page.fill('#site-search', 'checkout');
      await page.waitForSelector('#site-search[aria-expanded=true]');
      await page.keyboard.press('ArrowDown');
      await axe(page, `open combobox (${scheme})`);
      await close();
      noErrors(errors, scheme);
    }
    const validator = new HtmlValidate({ extends: ['html-validate:standard'],
      rules: { 'no-inline-style': 'off', 'long-title': 'off', 'no-trailing-whitespace': 'off', 'wcag/h63': 'off' } });
    const report = await validator.validateString(readFileSync(join(fixture, 'search/index.html'), 'utf8'));
    for (const r of report.results) for (const m of r.messages) found.push(`search/index.html:${m.line}:${m.column}: ${m.message} (${m.ruleId})`);
  } finally { await srv.close(); }
  assert(found.length === 0, found.join('; '));
});

// The 1k corpus: rare words (about one postmortem in 40 has each) and ids.
const RARE = ['zeppelin', 'kaleidoscope', 'sassafras'];
const TYPOS = { zeppelin: ['zepelin', 'zeppelni', 'xeppelin', 'zeppellin'], kaleidoscope: ['kaleidoscpe', 'kalidoscope'],
  sassafras: ['sasafras', 'sassafrass'] };

async function checkBig(page, docs, where) {
  const bad = [];
  const ids = docs.filter((_, i) => i % 199 === 7).map(d => d.id);
  for (const id of ids) {
    const r = await search(page, id);
    if (r.ids[0] !== id) bad.push(`${id}: first is ${r.ids[0]}`);
  }
  for (const word of RARE) {
    const truth = withWord(docs, word);
    const queries = [word, word.slice(0, 4), ...TYPOS[word]];
    for (const q of queries) {
      const r = await search(page, q);
      const top = r.ids.slice(0, Math.min(10, truth.size));
      if (top.length < Math.min(10, truth.size) || !top.every(id => truth.has(id)))
        bad.push(`${q}: ${top.filter(id => !truth.has(id)).length} of the first ${top.length} lack "${word}"`);
      if (q === word && r.total !== truth.size) bad.push(`${q}: total ${r.total}, ${truth.size} postmortems have it`);
      if (q === word && !r.results.every(x => x.snippet.toLowerCase().includes(`<mark>${word}</mark>`)))
        bad.push(`${q}: a snippet without the word marked`);
    }
  }
  assert(bad.length === 0, `${where}: ${bad.join('; ')}`);
}

test('search 1k: an id, a rare word, its prefix and one-edit typos find their postmortems first', async ({ browser, ...env }) => {
  const { big, docs } = sites(env);
  const srv = await serve(big);
  try {
    const { page, errors, close } = await open(browser, srv.url);
    await ready(page);
    await checkBig(page, docs, 'http');
    await close();
    noErrors(errors, '1k');
  } finally { await srv.close(); }
});

test('search 1k: the same queries work from disk (file://)', async ({ browser, ...env }) => {
  const { big, docs } = sites(env);
  const { page, errors, close } = await open(browser, pathToFileURL(join(big, 'postmortems', docs[0].id.toLowerCase(), 'index.html')).href);
  await ready(page);
  await checkBig(page, docs, 'file://');
  const href = (await search(page, docs[0].id)).results[0].href;
  assert(href.startsWith('file://') && href.endsWith('/index.html'), `result link from disk: ${href}`);
  await close();
  noErrors(errors, 'file://');
});

test('search 1k: a cold one-word query fetches under 60 KB in at most 3 requests, scripts included', async ({ browser, ...env }) => {
  const { big } = sites(env);
  const srv = await serveGzip(big, '/kb/');
  try {
    const { page, errors, close } = await open(browser, srv.url);
    await ready(page);
    const r = await search(page, 'zeppelin');
    const cold = srv.log.filter(x => /^assets\/search\.[0-9a-f]+\.js$|^search\//.test(x.path));
    const coldBytes = cold.reduce((n, x) => n + x.bytes, 0);
    srv.log.length = 0;
    const r2 = await search(page, 'quokka');
    const laterBytes = srv.log.reduce((n, x) => n + x.bytes, 0);
    await close();
    assert(r.ids.length === 10, `zeppelin: ${r.ids.length} results`);
    assert(cold.length <= 3, `cold query: ${cold.length} requests (${cold.map(x => x.path).join(', ')})`);
    assert(coldBytes < 60 * 1024, `cold query: ${coldBytes} bytes`);
    assert(r2.ids.length > 0 && srv.log.every(x => x.path.startsWith('search/t')), `second query fetched ${srv.log.map(x => x.path)}`);
    console.log(`     cold: ${cold.length} requests, ${coldBytes} bytes gzipped (${cold.map(x => `${x.path} ${x.bytes}`).join(', ')}); second word: ${laterBytes} bytes`);
    noErrors(errors, 'cold query');
  } finally { await srv.close(); }
});
