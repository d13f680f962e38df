// The review agenda (/actions/review/, issue 21): loads without errors, fits
// the 1280px screen without a horizontal scroll bar, and prints on one A4
// page, for the small fixture and for a 1,000-postmortem corpus with a policy.
import { test, serve, open, assert } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join, dirname } from 'node:path';

function pages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
}

async function agenda(browser, dir) {
  const srv = await serve(dir);
  try {
    const { page, errors, close } = await open(browser, srv.url + 'actions/review/');
    const h1 = await page.locator('h1').innerText();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await close();
    return { h1, errors, overflow, pages: pages(pdf) };
  } finally { await srv.close(); }
}

test('the review agenda loads and prints on one page (fixture)', async ({ browser, bin, repo, tmp }) => {
  const out = join(tmp, 'follow');
  execFileSync(bin, ['build', 'tests/fixtures/follow', '-o', out, '--as-of', '2024-05-01', '--since', '2024-04-15', '-q'], { cwd: repo });
  const r = await agenda(browser, out);
  assert(r.h1 === 'Follow-through review', `h1: ${r.h1}`);
  assert(r.errors.length === 0, `console errors: ${r.errors.join(' | ')}`);
  assert(r.overflow <= 0, `wider than the window by ${r.overflow}px`);
  assert(r.pages === 1, `printed on ${r.pages} pages`);
});

test('the review agenda of 1,000 postmortems still prints on one page', async ({ browser, bin, repo, tmp }) => {
  const c = join(tmp, 'c1k'), out = join(tmp, 'c1k-site');
  execFileSync(join(dirname(bin), 'gen-corpus'), ['1000', c], { cwd: repo, stdio: 'ignore' });
  appendFileSync(join(c, 'site.yaml'), 'policy:\n  due: {must: 28d, default: 90d}\n  escalate_after: 30d\n  write_up_within: {default: 14d}\n');
  execFileSync(bin, ['build', c, '-o', out, '--as-of', '2026-11-23', '-q'], { cwd: repo });
  const r = await agenda(browser, out);
  assert(r.errors.length === 0, `console errors: ${r.errors.join(' | ')}`);
  assert(r.overflow <= 0, `wider than the window by ${r.overflow}px`);
  assert(r.pages === 1, `printed on ${r.pages} pages`);
});
