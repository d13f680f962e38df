// scripts/screenshots.mjs SITE OUT: what a reviewer looks at before merging a
// change to the theme.  For the home page, a postmortem, /actions/ and a
// service page of a built site (the sample: `build/aftermath build content -o
// SITE`), full-page screenshots at 1280 and 390 px wide in light and dark
// (NAME-WIDTH-SCHEME.png, and NAME-WIDTH-SCHEME-K.png segments a viewer can
// show at full size), and the postmortem and /actions/ printed to A4 PDFs
// (see their page counts with `pdfinfo`, their pages with `pdftoppm -png`).
// Needs scripts/install-deps --test (Chromium and playwright-core).
import { chromium } from '../tests/browser/node_modules/playwright-core/index.mjs';
import { pathToFileURL } from 'node:url';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [site, out] = process.argv.slice(2).map(p => p && resolve(p));
if (!site || !out) {
  console.error('usage: scripts/screenshots.mjs SITE OUT');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const PAGES = { home: '', postmortem: 'postmortems/pm-2025-009/', actions: 'actions/', service: 'services/checkout-api/' };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  for (const [name, path] of Object.entries(PAGES)) {
    for (const width of [1280, 390]) for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(pathToFileURL(join(site, path, 'index.html')).href);
      const base = join(out, `${name}-${width}-${scheme}`);
      await page.screenshot({ path: `${base}.png`, fullPage: true });
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      for (let y = 0, k = 0; y < height; y += 1000, k++)
        await page.screenshot({ path: `${base}-${k}.png`, fullPage: true, clip: { x: 0, y, width, height: Math.min(1000, height - y) } });
      console.log(`${base}.png: ${width} x ${height}`);
      await context.close();
    }
  }
  for (const name of ['postmortem', 'actions']) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(site, PAGES[name], 'index.html')).href);
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: join(out, `${name}.pdf`), format: 'A4' });
    console.log(join(out, `${name}.pdf`));
    await context.close();
  }
} finally {
  await browser.close();
}
