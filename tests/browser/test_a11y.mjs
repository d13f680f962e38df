// Accessibility and validity: every page type of the sample site has no serious
// or critical axe-core violation in light and dark mode, and validates as HTML.
import { test, serve, open, assert } from './lib.mjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { HtmlValidate } from 'html-validate';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const PAGE_TYPES = {
  home: '', postmortem: 'postmortems/pm-2024-003/', timeline: 'timeline/', services: 'services/',
  service: 'services/checkout-api/', factors: 'factors/', factor: 'factors/connection-pool-exhaustion/',
  tag: 'tags/database/', owner: 'owners/priya-natarajan/', actions: 'actions/', metrics: 'metrics/',
  page: 'start/', review: 'actions/review/',
};

for (const scheme of ['light', 'dark']) {
  test(`axe: no serious or critical violations on any page type (${scheme})`, async ({ browser, sample }) => {
    const srv = await serve(sample);
    const found = [];
    try {
      for (const [kind, path] of Object.entries(PAGE_TYPES)) {
        const { page, close } = await open(browser, srv.url + path, { colorScheme: scheme });
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
        await close();
        for (const v of result.violations)
          if (v.impact === 'serious' || v.impact === 'critical')
            found.push(`${kind}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 2).map(n => n.target.join(' ')).join('; ')}`);
      }
    } finally { await srv.close(); }
    assert(found.length === 0, found.join('\n      '));
  });
}

test('html-validate: every page type is valid HTML', async ({ sample }) => {
  const validator = new HtmlValidate({ extends: ['html-validate:standard'],
    rules: { 'no-inline-style': 'off', 'long-title': 'off', 'no-trailing-whitespace': 'off', 'wcag/h63': 'off' } });
  const problems = [];
  for (const [kind, path] of Object.entries(PAGE_TYPES)) {
    const file = join(sample, path, 'index.html');
    const report = await validator.validateString(readFileSync(file, 'utf8'), file);
    for (const r of report.results) for (const m of r.messages)
      problems.push(`${kind}:${m.line}:${m.column}: ${m.message} [${m.ruleId}]`);
  }
  assert(problems.length === 0, `${problems.length} problems:\n      ` + problems.slice(0, 15).join('\n      '));
});

test('keyboard only: Tab reaches the skip link first and it moves focus to the content', async ({ browser, sample }) => {
  const srv = await serve(sample);
  try {
    const { page, close } = await open(browser, srv.url + 'postmortems/pm-2024-003/');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement.getAttribute('href'));
    await page.keyboard.press('Enter');
    const hash = await page.evaluate(() => location.hash);
    await close();
    assert(first === '#main', `first Tab stop is ${first}`);
    assert(hash === '#main', `after Enter the location is ${hash}`);
  } finally { await srv.close(); }
});
