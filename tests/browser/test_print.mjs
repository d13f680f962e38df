// Print: a postmortem carries its id and date above its title and prints
// without half-empty pages; /actions/ prints in few A4 pages (11 before
// issue 22, 6 after); dates and ids are never broken across lines.
import { test, serve, open, assert } from './lib.mjs';

// Pages of a PDF: its /Type /Page objects (not /Pages).
const pdfPages = buf => (buf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) || []).length;

async function printed(browser, url) {
  const { page, close } = await open(browser, url);
  await page.emulateMedia({ media: 'print' });
  const head = await page.evaluate(() => {
    const h = document.querySelector('.print-head');
    return h && getComputedStyle(h).display !== 'none' ? h.textContent : null;
  });
  const broken = await page.evaluate(() => [...document.querySelectorAll('main time, main .pm-id')]
    .filter(e => getComputedStyle(e).display !== 'none' && new Set([...e.getClientRects()].map(r => Math.round(r.top))).size > 1)
    .map(e => e.textContent));
  const pdf = await page.pdf({ format: 'A4' });
  await close();
  return { head, broken, pages: pdfPages(pdf) };
}

test('print: a postmortem has its id and date in its header, in at most 5 A4 pages', async ({ browser, sample }) => {
  const srv = await serve(sample);
  try {
    const p = await printed(browser, srv.url + 'postmortems/pm-2025-009/');
    assert(p.head && p.head.startsWith('PM-2025-009 · 17 Sep 2025'), `print header: ${p.head}`);
    assert(p.pages >= 2 && p.pages <= 5, `${p.pages} pages`);
    assert(p.broken.length === 0, `broken across lines: ${p.broken.join(', ')}`);
  } finally { await srv.close(); }
});

test('print: /actions/ takes at most 7 A4 pages, no date or id broken', async ({ browser, sample }) => {
  const srv = await serve(sample);
  try {
    const p = await printed(browser, srv.url + 'actions/');
    assert(p.pages >= 3 && p.pages <= 7, `${p.pages} pages`);
    assert(p.broken.length === 0, `broken across lines: ${p.broken.join(', ')}`);
  } finally { await srv.close(); }
});
