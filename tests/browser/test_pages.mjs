// Pages load without errors over http, under a sub-path, and from disk.
import { test, serve, open, assert } from './lib.mjs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const PAGES = ['', 'postmortems/fx-002/', 'timeline/', 'services/', 'services/checkout-api/', 'factors/',
  'factors/connection-pool-exhaustion/', 'actions/', 'metrics/', 'start/', 'tags/database/', 'owners/lee-park/'];

test('every page type loads over http with an h1 and no console errors', async ({ browser, site }) => {
  const srv = await serve(site);
  try {
    for (const p of PAGES) {
      const { page, errors, close } = await open(browser, srv.url + p);
      const h1 = await page.locator('h1').count();
      await close();
      assert(h1 >= 1, `${p}: no <h1>`);
      assert(errors.length === 0, `${p}: console errors: ${errors.join(' | ')}`);
    }
  } finally { await srv.close(); }
});

test('the site works under a sub-path: every link on the home page answers 200', async ({ browser, site }) => {
  const srv = await serve(site, '/kb/postmortems/');
  try {
    const { page, close } = await open(browser, srv.url);
    const hrefs = await page.$$eval('a[href]', as => as.map(a => a.href).filter(h => h.startsWith('http://127.0.0.1')));
    await close();
    assert(hrefs.length > 10, 'too few links');
    for (const h of hrefs) {
      const r = await fetch(h.split('#')[0]);
      assert(r.status === 200, `${h}: HTTP ${r.status}`);
    }
  } finally { await srv.close(); }
});

test('from disk (file://), links lead to index.html files and pages render', async ({ browser, site }) => {
  const { page, errors, close } = await open(browser, pathToFileURL(join(site, 'index.html')).href);
  const href = await page.getAttribute('a.pm-title', 'href');
  assert(href && href.endsWith('/index.html'), `first postmortem link is ${href}`);
  await page.click('a.pm-title');
  await page.waitForLoadState();
  const h1 = await page.textContent('h1');
  await close();
  assert(h1 && h1.length > 3, 'postmortem page did not render from disk');
  assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
});

test('the / key focuses the search box', async ({ browser, site }) => {
  const srv = await serve(site);
  try {
    const { page, close } = await open(browser, srv.url);
    await page.keyboard.press('/');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    await close();
    assert(focused === 'site-search', `focused: ${focused}`);
  } finally { await srv.close(); }
});

test('dark mode: the page background follows prefers-color-scheme', async ({ browser, site }) => {
  const srv = await serve(site);
  try {
    const light = await open(browser, srv.url, { colorScheme: 'light' });
    const lbg = await light.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await light.close();
    const dark = await open(browser, srv.url, { colorScheme: 'dark' });
    const dbg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await dark.close();
    assert(lbg !== dbg, `same background in both modes: ${lbg}`);
  } finally { await srv.close(); }
});
