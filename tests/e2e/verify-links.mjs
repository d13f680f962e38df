// verify-links.mjs CONTENT SITE: api/postmortems.json lists every postmortem of
// CONTENT with exactly the services and factors its source names, as slugs
// (the brief's slug rule, site.yaml aliases applied), read independently from
// the Markdown files' front matter.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [content, site] = process.argv.slice(2);
const slug = s => s.replace(/[A-Z]/g, c => c.toLowerCase()).replace(/[\x00-\x2f\x3a-\x60\x7b-\x7f]+/g, '-').replace(/^-+|-+$/g, '');
const aliases = new Map();
const siteYaml = join(content, 'site.yaml');
if (existsSync(siteYaml)) {
  const m = readFileSync(siteYaml, 'utf8').match(/^aliases:\n((?:[ ].*\n)*)/m);
  if (m) for (const line of m[1].split('\n')) {
    const a = line.match(/^  ([^:]+):\s*\[(.*)\]/);
    if (a) for (const name of [a[1], ...a[2].split(',')]) aliases.set(slug(name.trim()), slug(a[1].trim()));
  }
}
const canon = n => { const s = slug(n.trim().replace(/^['"]|['"]$/g, '')); return aliases.get(s) || s; };
const uniq = a => [...new Set(a)];
const json = JSON.parse(readFileSync(join(site, 'api/postmortems.json'), 'utf8'));
const byId = new Map(json.map(p => [p.id, p]));
const files = []; (function walk(d) { for (const f of readdirSync(d)) { const p = join(d, f); statSync(p).isDirectory() ? walk(p) : f.endsWith('.md') && files.push(p); } })(join(content, 'postmortems'));
let problems = 0, checked = 0;
for (const f of files) {
  const fm = readFileSync(f, 'utf8').split(/^---$/m)[1];
  const id = fm.match(/^id: (.*)$/m)[1].trim();
  const p = byId.get(id);
  if (!p) { problems++; console.log(`${id}: missing from postmortems.json`); continue; }
  const svc = (fm.match(/^services: \[(.*)\]$/m) || [, ''])[1].split(',').filter(s => s.trim()).map(canon);
  const block = (fm.match(/^contributing_factors:\n((?:[ ].*\n)*)/m) || [, ''])[1];
  const fac = [...block.matchAll(/^  - (?:name: )?(.*)$/gm)].map(m => canon(m[1]));
  const want = { services: uniq(svc), factors: uniq(fac) };
  const got = { services: p.services, factors: p.factors };
  if (JSON.stringify(got) !== JSON.stringify(want)) { problems++; if (problems < 10) console.log(`${id}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`); }
  checked++;
}
if (json.length !== files.length) { problems++; console.log(`postmortems.json has ${json.length} entries for ${files.length} files`); }
console.log(`links: ${checked} postmortems checked, ${problems} differences`);
process.exit(problems ? 1 : 0);
