// run.mjs AFTERMATH: build the fixture sites, then run every test_*.mjs here
// in headless Chromium.  Prints "browser: N passed, N failed".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, runAll } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const bin = resolve(process.argv[2] || join(repo, 'build/aftermath'));
const tmp = mkdtempSync(join(tmpdir(), 'aftermath-browser-'));
let result = { passed: 0, failed: 1 };
try {
  const build = (content, out, ...args) => execFileSync(bin, ['build', content, '-o', out, '--as-of', '2026-11-23', '-q', ...args],
    { cwd: repo, stdio: 'inherit' });
  const site = join(tmp, 'site'), sample = join(tmp, 'sample');
  build('tests/fixtures/site', site);
  build('content', sample);
  for (const f of readdirSync(here).filter(f => /^test_.*\.mjs$/.test(f)).sort())
    await import(join(here, f));
  const browser = await launch();
  try {
    result = await runAll({ browser, site, sample, repo, bin, tmp });
  } finally {
    await browser.close();
  }
} catch (e) {
  console.log(`browser tests could not run: ${e && e.message ? e.message : e}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`browser: ${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed ? 1 : 0);
