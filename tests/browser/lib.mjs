// lib.mjs: what the browser tests share: Debian's Chromium through
// playwright-core, a static file server on 127.0.0.1 (optionally under a
// sub-path), and a tiny test registry with pass/fail counts.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve, extname } from 'node:path';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.csv': 'text/csv' };

// Serve `dir` at http://127.0.0.1:PORT<prefix>; resolves to {url, close, requests}.
export function serve(dir, prefix = '/') {
  const root = resolve(dir);
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    if (!path.startsWith(prefix)) { res.writeHead(404); res.end(); return; }
    let file = resolve(join(root, path.slice(prefix.length)));
    if (!file.startsWith(root)) { res.writeHead(403); res.end(); return; }
    try {
      if ((await stat(file)).isDirectory()) {
        if (!path.endsWith('/')) { res.writeHead(301, { Location: path + '/' }); res.end(); return; }
        file = join(file, 'index.html');
      }
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404); res.end('not found');
    }
  });
  return new Promise(ok => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}${prefix}`, requests,
    close: () => new Promise(done => server.close(done)),
  })));
}

// Open url in a fresh page that records console errors and page errors.
export async function open(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

const tests = [];
export function test(name, fn) { tests.push({ name, fn }); }

export async function runAll(env) {
  let passed = 0, failed = 0;
  const only = process.env.BROWSER_ONLY; // a substring of test names, for local runs
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue;
    try {
      await t.fn(env);
      passed++;
      console.log(`ok   ${t.name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name}: ${e && e.message ? e.message : e}`);
    }
  }
  return { passed, failed };
}

export function assert(cond, msg) { if (!cond) throw new Error(msg); }
export function assertEqual(got, want, msg) {
  if (JSON.stringify(got) !== JSON.stringify(want))
    throw new Error(`${msg}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}
