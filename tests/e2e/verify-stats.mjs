// verify-stats.mjs CONTENT SITE AS_OF [PROFILE]: recompute every figure of
// api/stats.json from the brief's definitions, independently of the
// generator's C code: from the source Markdown alone (front matter and the
// "Action items" task lists), site.yaml's severities, aliases and default
// visibility, and the profile's selection (public: visibility public and
// status complete).  Nothing is read from the program's own api/actions.csv
// or api/postmortems.json except to compare: actions.csv's overdue column and
// row count are checked against the recomputation too.  Prints the
// differences; exit 1 when there is any.
//
// The YAML reader understands the subset the fixtures and scripts/gen-corpus
// write (scalars, flow lists, block lists of scalars or of mappings, one
// nested mapping for impact), which is enough to be independent.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [content, site, asOf, profile = 'internal'] = process.argv.slice(2);
const stats = JSON.parse(readFileSync(join(site, 'api/stats.json'), 'utf8'));

function unquote(s) {
  s = s.trim();
  if ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'"))) return s.slice(1, -1);
  return s.replace(/\s+#.*$/, '');
}
function flow(s) { // [a, b] or a single name
  s = s.trim();
  if (s.startsWith('[')) return s.slice(1, -1).split(',').map(unquote).filter(x => x !== '');
  return s === '' ? [] : [unquote(s)];
}
// Front matter: top-level keys; a key with an empty value collects the
// indented lines below it (block lists of scalars or mappings, or a mapping).
function frontMatter(text) {
  const m = text.match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/);
  if (!m) return null;
  const fm = {}, lines = m[1].split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const k = lines[i].match(/^([A-Za-z_][\w-]*):\s*(.*)$/);
    if (!k) continue;
    if (k[2].trim() !== '') { fm[k[1]] = k[2].trim().startsWith('[') ? flow(k[2]) : unquote(k[2]); continue; }
    const block = [];
    while (i + 1 < lines.length && /^\s+\S|^-\s/.test(lines[i + 1])) block.push(lines[++i]);
    if (block.length && /^\s*- /.test(block[0])) {
      const list = [];
      for (const l of block) {
        const item = l.match(/^\s*- (.*)$/);
        if (item) {
          const kv = item[1].match(/^([A-Za-z_][\w-]*):\s*(.*)$/);
          list.push(kv ? { [kv[1]]: unquote(kv[2]) } : unquote(item[1]));
        } else {
          const kv = l.match(/^\s+([A-Za-z_][\w-]*):\s*(.*)$/);
          if (kv && typeof list[list.length - 1] === 'object') list[list.length - 1][kv[1]] = unquote(kv[2]);
        }
      }
      fm[k[1]] = list;
    } else {
      const map = {};
      for (const l of block) { const kv = l.match(/^\s+([A-Za-z_][\w-]*):\s*(.*)$/); if (kv) map[kv[1]] = unquote(kv[2]); }
      fm[k[1]] = map;
    }
  }
  return { fm, body: m[2] };
}

const slug = s => s.replace(/[A-Z]/g, c => c.toLowerCase()).replace(/[\x00-\x2f\x3a-\x60\x7b-\x7f]+/g, '-').replace(/^-+|-+$/g, '');
const siteYaml = existsSync(join(content, 'site.yaml')) ? frontMatter('---\n' + readFileSync(join(content, 'site.yaml'), 'utf8') + '\n---\n').fm : {};
const severities = siteYaml.severities || ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
const defaultVisibility = siteYaml.visibility || 'internal';
const alias = new Map();
for (const [canon, others] of Object.entries(siteYaml.aliases || {})) for (const o of flow(others)) alias.set(slug(o), slug(canon));
const term = name => { const s = slug(name); return alias.get(s) || s; };

const norm = s => (s || '').trim().toLowerCase().replace(/[_ ]/g, '-');
const itemStatus = s => {
  s = norm(s);
  if (s === '' || s === 'open' || s === 'todo' || s === 'new') return 'open';
  if (s === 'in-progress' || s === 'doing' || s === 'started') return 'in-progress';
  if (['done', 'closed', 'fixed', 'completed', 'resolved'].includes(s)) return 'done';
  if (["wont-do", "won't-do", 'wontfix', 'cancelled'].includes(s)) return 'wont-do';
  return s;
};
const priority = s => ({ p0: 'must', p1: 'should', p2: 'nice' })[norm(s)] || norm(s);
const pmStatus = s => { s = norm(s); return s === 'review' ? 'in-review' : s || 'draft'; };

// The body's task list under a heading named "Action items".
function bodyItems(body) {
  const out = [];
  let inSection = false;
  for (const l of body.split(/\r?\n/)) {
    const h = l.match(/^#{1,6}\s+(.*?)\s*#*\s*$/);
    if (h) { inSection = /^action items$/i.test(h[1]); continue; }
    if (!inSection) continue;
    const t = l.match(/^\s*[-*+] \[([ xX])\] (.*)$/);
    if (!t) continue;
    const it = { status: t[1] === ' ' ? 'open' : 'done' };
    const meta = t[2].match(/\(([^()]*)\)\s*$/);
    if (meta) for (const part of meta[1].split(',')) {
      const kv = part.match(/^\s*(owner|due|priority|ticket|status):\s*(.*?)\s*$/);
      if (kv) it[kv[1]] = kv[2];
    }
    out.push(it);
  }
  return out;
}

const files = [];
(function walk(d) { for (const f of readdirSync(d).sort()) { const p = join(d, f); statSync(p).isDirectory() ? walk(p) : f.endsWith('.md') && files.push(p); } })(join(content, 'postmortems'));
const pms = [];
for (const f of files) {
  const parsed = frontMatter(readFileSync(f, 'utf8'));
  if (!parsed) continue;
  const { fm, body } = parsed;
  const visibility = norm(fm.visibility) || defaultVisibility;
  if (profile === 'public' && !(visibility === 'public' && pmStatus(fm.status) === 'complete')) continue;
  const sev = fm.severity ? severities.find(s => s.toLowerCase() === fm.severity.toLowerCase()) : severities[severities.length - 1];
  const factors = (Array.isArray(fm.contributing_factors) ? fm.contributing_factors : flow(fm.contributing_factors || ''))
    .map(x => typeof x === 'object' ? x.name : x);
  const raw = Array.isArray(fm.action_items) ? fm.action_items : bodyItems(body);
  pms.push({
    id: fm.id, kind: fm.kind || 'incident', status: pmStatus(fm.status), severity: sev, impact: fm.impact || {},
    services: [...new Set((Array.isArray(fm.services) ? fm.services : flow(fm.services || '')).map(term))],
    factors: [...new Set(factors.map(term))],
    items: raw.map(a => ({ owner: a.owner || '', due: a.due || '', status: itemStatus(a.status), priority: a.priority ? priority(a.priority) : '' })),
  });
}

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
const all = pms.flatMap(p => p.items.map(it => ({ ...it, pm: p })));
let problems = 0;
function same(what, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) { problems++; if (problems < 20) console.log(`${what}: stats.json ${g}, recomputed ${w}`); }
}
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
const [, ...csv] = parseCsv(readFileSync(join(site, 'api/actions.csv'), 'utf8'));
same('actions.csv rows', csv.length, all.length);
same('actions.csv overdue column', csv.filter(r => r[7] === 'true').length, counts(all).overdue);
same('postmortems', stats.postmortems, pms.length);
same('action_items', stats.action_items, counts(all));
const group = key => { const m = new Map(); for (const it of all) for (const k of key(it)) { if (!m.has(k)) m.set(k, []); m.get(k).push(it); } return m; };
for (const [name, key] of [
  ['by_service', it => it.pm.services],
  ['by_factor', it => it.pm.factors],
  ['by_severity', it => [it.pm.severity]],
  ['by_priority', it => it.priority ? [it.priority] : []],
  ['by_owner', it => it.owner && profile !== 'public' ? [slug(it.owner)] : []],
]) {
  const m = group(key);
  for (const [k, list] of m) same(`${name}.${k}`, (stats[name] || {})[k], counts(list));
  for (const k of Object.keys(stats[name] || {})) if (!m.has(k) && stats[name][k].total !== 0) same(`${name}.${k} (extra)`, stats[name][k], null);
}
// Durations: minutes from impact.started, incidents only (drafts left out: their times are still being
// written), median and nearest-rank p90.
const bySev = {};
for (const p of pms) {
  if (p.kind !== 'incident' || p.status === 'draft') continue;
  const t = k => Date.parse(p.impact[k] || '');
  const e = bySev[p.severity] ||= { count: 0, detect: [], mitigate: [], resolve: [] };
  e.count++;
  for (const [k, name] of [['detected', 'detect'], ['mitigated', 'mitigate'], ['resolved', 'resolve']]) {
    const s = t('started'), v = t(k);
    if (!isNaN(s) && !isNaN(v) && v >= s) e[name].push(Math.floor((v - s) / 60000));
  }
}
const dist = v => { if (!v.length) return { count: 0, median: null, p90: null }; v.sort((a, b) => a - b); const n = v.length;
  return { count: n, median: n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, p90: v[Math.ceil(0.9 * n) - 1] }; };
let durations = 0;
for (const [sev, e] of Object.entries(bySev)) {
  const got = stats.durations.by_severity[sev] || {};
  same(`durations.${sev}.count`, got.count, e.count);
  for (const k of ['detect', 'mitigate', 'resolve']) { same(`durations.${sev}.${k}`, got[k + '_minutes'], dist(e[k])); durations += e[k].length; }
}
// An empty comparison proves nothing: there must be something to compare.
if (!all.length || !durations) { problems++; console.log(`nothing compared: ${all.length} action items, ${durations} durations`); }
console.log(`stats: ${problems} differences over ${all.length} action items, ${pms.length} postmortems and ${durations} durations`);
process.exit(problems ? 1 : 0);
