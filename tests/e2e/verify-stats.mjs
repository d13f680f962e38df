// verify-stats.mjs CONTENT SITE AS_OF: recompute every figure of api/stats.json
// from the brief's definitions, independently of the generator's C code, using
// api/actions.csv (one row per item), api/postmortems.json (services, factors,
// severity per postmortem) and the sources' impact times; print the differences.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [content, site, asOf] = process.argv.slice(2);
const stats = JSON.parse(readFileSync(join(site, 'api/stats.json'), 'utf8'));
const pms = JSON.parse(readFileSync(join(site, 'api/postmortems.json'), 'utf8'));
const byId = new Map(pms.map(p => [p.id, p]));

function parseCsv(text) {
  const rows = []; let row = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) { if (c === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else q = false; } else field += c; }
    else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r') {}
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  return rows;
}
const slug = s => s.replace(/[A-Z]/g, c => c.toLowerCase()).replace(/[\x00-\x2f\x3a-\x60\x7b-\x7f]+/g, '-').replace(/^-+|-+$/g, '');
const [, ...items] = parseCsv(readFileSync(join(site, 'api/actions.csv'), 'utf8'));

function counts(list) {
  const c = { total: 0, done: 0, open: 0, in_progress: 0, wont_do: 0, overdue: 0 };
  for (const it of list) {
    c.total++;
    if (it.status === 'done') c.done++; else if (it.status === 'open') c.open++;
    else if (it.status === 'in-progress') c.in_progress++; else if (it.status === 'wont-do') c.wont_do++;
    if ((it.status === 'open' || it.status === 'in-progress') && it.due && it.due < asOf) c.overdue++;
  }
  const d = c.total - c.wont_do;
  c.completion_rate = d ? Math.round(c.done / d * 10000) / 10000 : null;
  return c;
}
const all = items.map(([id, title, owner, due, status, priority]) => ({ id, owner, due, status, priority }));
let problems = 0;
function same(what, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) { problems++; if (problems < 20) console.log(`${what}: stats.json ${g}, recomputed ${w}`); }
}
same('csv overdue column', items.filter(r => r[7] === 'true').length, counts(all).overdue);
same('action_items', stats.action_items, counts(all));
const group = (key) => { const m = new Map(); for (const it of all) for (const k of key(it)) { if (!m.has(k)) m.set(k, []); m.get(k).push(it); } return m; };
for (const [name, key, field] of [
  ['by_service', it => byId.get(it.id).services, 'by_service'],
  ['by_factor', it => byId.get(it.id).factors, 'by_factor'],
  ['by_severity', it => [byId.get(it.id).severity], 'by_severity'],
  ['by_priority', it => it.priority ? [it.priority] : [], 'by_priority'],
  ['by_owner', it => it.owner ? [slug(it.owner)] : [], 'by_owner'],
]) {
  const m = group(key);
  for (const [k, list] of m) same(`${name}.${k}`, stats[field][k], counts(list));
  for (const k of Object.keys(stats[field])) if (!m.has(k) && stats[field][k].total !== 0) same(`${name}.${k} (extra)`, stats[field][k], null);
}
// Durations: minutes from impact.started, incidents only, median and nearest-rank p90.
const files = []; (function walk(d) { for (const f of readdirSync(d)) { const p = join(d, f); statSync(p).isDirectory() ? walk(p) : f.endsWith('.md') && files.push(p); } })(join(content, 'postmortems'));
const bySev = {};
for (const f of files) {
  const fm = readFileSync(f, 'utf8').split(/^---$/m)[1];
  const id = fm.match(/^id: (.*)$/m)[1].trim();
  const kind = (fm.match(/^kind: (.*)$/m) || [, 'incident'])[1].trim();
  if (kind !== 'incident' || !byId.has(id)) continue;
  const t = k => { const m = fm.match(new RegExp(`^  ${k}: (.*)$`, 'm')); return m ? Date.parse(m[1].trim()) : NaN; };
  const sev = byId.get(id).severity, s = t('started');
  const e = bySev[sev] ||= { count: 0, detect: [], mitigate: [], resolve: [] };
  e.count++;
  for (const [k, name] of [['detected', 'detect'], ['mitigated', 'mitigate'], ['resolved', 'resolve']]) {
    const v = t(k);
    if (!isNaN(s) && !isNaN(v) && v >= s) e[name].push(Math.floor((v - s) / 60000));
  }
}
const dist = v => { if (!v.length) return { count: 0, median: null, p90: null }; v.sort((a, b) => a - b); const n = v.length;
  return { count: n, median: n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, p90: v[Math.ceil(0.9 * n) - 1] }; };
for (const [sev, e] of Object.entries(bySev)) {
  const got = stats.durations.by_severity[sev];
  same(`durations.${sev}.count`, got.count, e.count);
  for (const k of ['detect', 'mitigate', 'resolve']) same(`durations.${sev}.${k}`, got[k + '_minutes'], dist(e[k]));
}
console.log(`stats: ${problems} differences over ${all.length} action items and ${pms.length} postmortems`);
process.exit(problems ? 1 : 0);
