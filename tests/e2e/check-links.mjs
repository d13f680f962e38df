// check-links.mjs DIR: every relative href/src in every HTML file under DIR
// must name a file that exists (a URL ending in / names its index.html).
// Prints the broken ones and "links: N checked, N broken"; exit 1 if any.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';

const root = resolve(process.argv[2]);
let checked = 0, broken = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.html')) check(p);
  }
}
function check(file) {
  const html = readFileSync(file, 'utf8');
  for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    let url = m[1].replace(/&amp;/g, '&');
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#') || url.startsWith('//')) continue;
    url = url.split('#')[0].split('?')[0];
    if (url === '') continue;
    let target = resolve(dirname(file), decodeURIComponent(url));
    if (url.endsWith('/')) target = join(target, 'index.html');
    checked++;
    if (!target.startsWith(root) || !existsSync(target)) {
      broken++;
      console.log(`${file.slice(root.length + 1)}: broken link ${m[1]}`);
    }
  }
}
walk(root);
console.log(`links: ${checked} checked, ${broken} broken`);
process.exit(broken ? 1 : 0);
