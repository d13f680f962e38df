/* aftermath search: the runtime for the index that generator/search/search.c
 * writes (its format: generator/search/search.h, entity.h, facets.h).
 * Plain JavaScript, no dependencies.  It loads the index's parts with <script>
 * tags (so it works from file:// as well as any host and sub-path), runs
 * queries, and drives the header's search box and the /search/ page.
 * API: window.aftermath.search(query, filters, {limit, offset, sort, facets,
 * entities, suggest}) -> Promise of [{id, title, url, href, date, severity,
 * status, score, snippet, titleHtml, label, match}], best first (snippet and
 * titleHtml are HTML: escaped text with <mark>ed matches; label is "owner",
 * "author", "item" or null); the array also has .total (matches in all),
 * .facets (counts per filter value), .entities (services, factors, ... the
 * query names) and .suggestion (a near query when nothing matches, on the
 * /search/ page: search-page.js brings it).
 * docs/search.md describes the query syntax. */
(function () {
  "use strict";
  var A = window.aftermath = window.aftermath || {};
  var me = document.currentScript;
  var rootAttr = (me && me.getAttribute("data-root")) || (document.querySelector("[data-search-root]") || {getAttribute: function () { return null; }}).getAttribute("data-search-root") || "./";
  var ROOT = new URL(rootAttr, location.href);
  var FILE = location.protocol === "file:";

  /* ---- terms: the same rules as generator/search/tokenize.c and stem.c ---- */
  var STOP = {};
  ("an and are as at be been but by for from had has have he her his if in into is it its of on or our she so than " +
   "that the their them then there these they this those to was we were which who will with would you your")
    .split(" ").forEach(function (w) { STOP[w] = 1; });

  function isWordCp(c) {
    if (c < 0x80) return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
    if (c <= 0xbf || c === 0xd7 || c === 0xf7) return false;
    if ((c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xd800 && c <= 0xdfff) ||
        (c >= 0xfe00 && c <= 0xfe0f) || c === 0xfeff || (c >= 0xfff0 && c <= 0xffff)) return false;
    return !(c >= 0x1f000 && c <= 0x1fbff) && !(c >= 0xe0000 && c <= 0xe007f);
  }
  function lowerCp(c) {
    if ((c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) || (c >= 0x391 && c <= 0x3a9 && c !== 0x3a2) ||
        (c >= 0x410 && c <= 0x42f)) return c + 32;
    return c >= 0x400 && c <= 0x40f ? c + 0x50 : c;
  }
  /* Words of text: [{s, e (UTF-16 offsets), w (lowercased), a (ASCII letters only)}]. */
  function words(text) {
    var out = [], i = 0, n = text.length;
    while (i < n) {
      var c = text.codePointAt(i);
      if (!isWordCp(c)) { i += c > 0xffff ? 2 : 1; continue; }
      var s = i, w = "", chars = 0, a = true, e = i;
      while (i < n) {
        c = text.codePointAt(i);
        var k = c > 0xffff ? 2 : 1;
        if ((c === 39 || c === 0x2019) && i + 1 < n && isWordCp(text.codePointAt(i + 1))) { i++; continue; }
        if (!isWordCp(c)) break;
        i += k; e = i;
        if (chars++ >= 32) continue;
        c = lowerCp(c);
        if (c < 97 || c > 122) a = false;
        w += String.fromCodePoint(c);
      }
      if (chars >= 2) out.push({s: s, e: e, w: w, a: a});
    }
    return out;
  }
  var stemCache = new Map();
  /* The term of a word, or null for a stop word. */
  function termOf(x) {
    if (!x.a) return x.w;
    if (STOP[x.w]) return null;
    var t = stemCache.get(x.w);
    if (t === undefined) { t = stem(x.w); stemCache.set(x.w, t); }
    return t;
  }
  function tokenize(text) {
    return words(text).map(termOf).filter(function (t) { return t !== null; });
  }

  /* Snowball English ("Porter2"), as generator/search/stem.c. */
  var EXC1 = {skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
    ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe",
    atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes"};
  var EXC2 = {inning: 1, outing: 1, canning: 1, herring: 1, earring: 1, proceed: 1, exceed: 1, succeed: 1};
  function isV(c) { return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y"; }
  function after(w, i) {
    while (i < w.length && !isV(w[i])) i++;
    while (i < w.length && isV(w[i])) i++;
    return i < w.length ? i + 1 : w.length;
  }
  function shortSyl(w, end) {
    var c = w[end - 1];
    return (end >= 3 && !isV(c) && c !== "w" && c !== "x" && c !== "Y" && isV(w[end - 2]) && !isV(w[end - 3])) ||
      (end === 2 && !isV(w[1]) && isV(w[0]));
  }
  function vowelIn(w, end) { for (var i = 0; i < end; i++) if (isV(w[i])) return true; return false; }
  function ends(w, s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
  function longest(w, list) {
    var best = null;
    for (var i = 0; i < list.length; i++) if (ends(w, list[i][0]) && (!best || list[i][0].length > best[0].length)) best = list[i];
    return best;
  }
  function rules(s) { return s.split(" ").map(function (r) { return r.split(":"); }); }
  var S1A = rules("sses ied ies s ss us"), S1B = rules("ed eed ing edly eedly ingly");
  var DBL = rules("bb dd ff gg mm nn pp rr tt");
  var S2 = rules("tional:tion enci:ence anci:ance abli:able entli:ent izer:ize ization:ize ational:ate ation:ate " +
    "ator:ate alism:al aliti:al alli:al fulness:ful ousli:ous ousness:ous iveness:ive iviti:ive biliti:ble bli:ble " +
    "ogi fulli:ful lessli:less li");
  var S3 = rules("tional:tion ational:ate alize:al icate:ic iciti:ic ical:ic ful: ness: ative");
  var S4 = rules("al ance ence er ic able ible ant ement ment ent ism ate iti ous ive ize ion");
  function stem(w) {
    if (w.length > 64 || !/^[a-z]*$/.test(w)) return w;
    if (EXC1[w]) return EXC1[w];
    if (w.length < 3) return w;
    var y = false, i, r, at;
    var cut = function (k, by) { w = w.slice(0, w.length - k) + (by || ""); };
    for (i = 0; i < w.length; i++)
      if (w[i] === "y" && (i === 0 || isV(w[i - 1]))) { w = w.slice(0, i) + "Y" + w.slice(i + 1); y = true; }
    var m = /^(gener|commun|arsen)/.exec(w);
    var p1 = m ? m[0].length : after(w, 0), p2 = after(w, p1);
    r = longest(w, S1A);
    if (r) {
      if (r[0] === "sses") cut(4, "ss");
      else if (r[0] === "ied" || r[0] === "ies") cut(3, w.length - 3 >= 2 ? "i" : "ie");
      else if (r[0] === "s" && w.length >= 2 && vowelIn(w, w.length - 2)) cut(1);
    }
    if (!EXC2[w]) {
      r = longest(w, S1B);
      if (r) {
        at = w.length - r[0].length;
        if (r[0] === "eed" || r[0] === "eedly") { if (at >= p1) cut(r[0].length, "ee"); }
        else if (vowelIn(w, at)) {
          cut(r[0].length);
          if (ends(w, "at") || ends(w, "bl") || ends(w, "iz")) w += "e";
          else if (longest(w, DBL)) cut(1);
          else if (w.length === p1 && shortSyl(w, w.length)) w += "e";
        }
      }
      i = w.length;
      if (i >= 3 && (w[i - 1] === "y" || w[i - 1] === "Y") && !isV(w[i - 2])) cut(1, "i");
      r = longest(w, S2);
      if (r && (at = w.length - r[0].length) >= p1) {
        if (r.length > 1) cut(r[0].length, r[1]);
        else if (r[0] === "ogi" && w[at - 1] === "l") cut(3, "og");
        else if (r[0] === "li" && at > 0 && "cdeghkmnrt".indexOf(w[at - 1]) >= 0) cut(2);
      }
      r = longest(w, S3);
      if (r && (at = w.length - r[0].length) >= p1) {
        if (r.length > 1) cut(r[0].length, r[1]);
        else if (at >= p2) cut(r[0].length);
      }
      r = longest(w, S4);
      if (r && (at = w.length - r[0].length) >= p2 &&
          (r[0] !== "ion" || (at > 0 && (w[at - 1] === "s" || w[at - 1] === "t")))) cut(r[0].length);
      at = w.length - 1;
      if (ends(w, "e")) { if (at >= p2 || (at >= p1 && !shortSyl(w, at))) cut(1); }
      else if (ends(w, "l") && at >= p2 && w[at - 1] === "l") cut(1);
    }
    return y ? w.replace(/Y/g, "y") : w;
  }

  /* Code point order, as the index sorts (UTF-8 bytes). */
  function cmp(a, b) {
    if (a === b) return 0;
    var n = Math.min(a.length, b.length), i = 0;
    while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    if (i === n) return a.length - b.length;
    var x = a.charCodeAt(i), y = b.charCodeAt(i);
    x = x >= 0xe000 ? x - 0x800 : x >= 0xd800 ? x + 0x2000 : x;
    y = y >= 0xe000 ? y - 0x800 : y >= 0xd800 ? y + 0x2000 : y;
    return x - y;
  }
  /* First index i of sorted list with list[i] >= key. */
  function lowerBound(list, key) {
    var lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (cmp(list[mid], key) < 0) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /* ---- loading the index ---- */
  var parts = {}, waiting = {}, files = {}, M = null;
  A.load = function (obj) {
    for (var k in obj) {
      parts[k] = obj[k];
      if (waiting[k]) { waiting[k].forEach(function (f) { f(); }); delete waiting[k]; }
    }
  };
  function loadScript(path) {
    if (!files[path]) files[path] = new Promise(function (ok, fail) {
      var s = document.createElement("script");
      s.src = new URL(path, ROOT).href;
      s.async = true;
      s.onload = function () { ok(); };
      s.onerror = function () { delete files[path]; fail(new Error("search: cannot load " + path)); };
      document.head.appendChild(s);
    });
    return files[path];
  }
  function manifest() {
    if (M) return Promise.resolve(M);
    return loadScript("search/index.js").then(function () {
      if (!parts.m) throw new Error("search: search/index.js has no manifest");
      M = parts.m;
      M.lv = [];
      for (var i = 0; i < 64; i++) M.lv.push(M.lb * Math.pow(M.lr, i));
      return M;
    });
  }
  function part(name) {
    if (parts[name]) return Promise.resolve(parts[name]);
    var file = M.files[name];
    if (!file) return Promise.reject(new Error("search: no part " + name));
    return loadScript(file).then(function () {
      if (!parts[name]) throw new Error("search: " + file + " has no part " + name);
      return parts[name];
    });
  }

  var ALPHA = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_", VAL = new Uint8Array(128);
  for (var ai = 0; ai < 64; ai++) VAL[ALPHA.charCodeAt(ai)] = ai;
  /* Varints of s from position at: [values..., next position]. */
  function varints(s, at, count) {
    var out = [];
    while (at < s.length && out.length < count) {
      var v = 0, shift = 0, d;
      do { d = VAL[s.charCodeAt(at++)]; v += (d & 31) * Math.pow(2, shift); shift += 5; } while (d & 32);
      out.push(v);
    }
    out.push(at);
    return out;
  }

  /* Term shards, decoded as they arrive. */
  var shards = {}, recs = new Map(), cardsOf = new Map();
  function shardOf(key) {
    var tk = M.tk, lo = 0, hi = tk.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (cmp(tk[mid], key) <= 0) lo = mid; else hi = mid - 1; }
    return lo;
  }
  function shard(i) {
    if (shards[i]) return Promise.resolve(shards[i]);
    return part("t" + i).then(function (raw) {
      if (shards[i]) return shards[i];
      raw.r.forEach(function (r) {
        if (!recs.has(r[0])) recs.set(r[0], {id: r[1], title: r[2], date: r[3], sev: r[4], st: r[5], slug: r[6], computed: r[7]});
      });
      raw.posts = {};
      return (shards[i] = raw);
    });
  }
  function loadShards(keys) {
    var need = {};
    keys.forEach(function (k) { need[shardOf(k)] = 1; });
    return Promise.all(Object.keys(need).map(function (i) { return shard(+i); }));
  }
  /* A term in the loaded shards: {t, df, docs, levels, cards, ticket} or null. */
  function lookup(t) {
    var sh = shards[shardOf(t)];
    if (!sh) return null;
    var i = lowerBound(sh.t, t);
    return sh.t[i] === t ? entry(sh, i) : ticketEntry(sh, t);
  }
  /* A term of the shard's ticket table ("k": "term gaps term gaps ..."): found only in tickets, no cards. */
  function ticketEntry(sh, t) {
    if (!sh.tickets) {
      sh.tickets = new Map();
      var k = sh.k ? sh.k.split(" ") : [];
      for (var j = 0; j + 1 < k.length; j += 2) sh.tickets.set(k[j], k[j + 1]);
    }
    var g = sh.tickets.get(t);
    if (g === undefined) return null;
    if (typeof g !== "string") return g;
    var v = varints(g, 0, Infinity), df = v.length - 1, docs = new Uint32Array(df), lv = new Uint8Array(df), prev = -1;
    for (var i = 0; i < df; i++) { docs[i] = prev = prev + 1 + v[i]; lv[i] = M.kl; }
    var e = {t: t, df: df, docs: docs, levels: lv, cards: [], ticket: true};
    sh.tickets.set(t, e);
    return e;
  }
  function entry(sh, i) {
    var e = sh.posts[i];
    if (e) return e;
    var df = sh.n[i], p = sh.p[i], docs = new Uint32Array(df), lv = new Uint8Array(df), k = 0, at = 1;
    if (p[0] === "b") {
      var len = Math.ceil(M.n / 6);
      for (var c = 0; c < len; c++) {
        var v = VAL[p.charCodeAt(1 + c)];
        for (var b = 0; v; b++, v >>= 1) if (v & 1) docs[k++] = c * 6 + b;
      }
      at = 1 + len;
    } else {
      var g = varints(p, 1, df), prev = -1;
      for (k = 0; k < df; k++) docs[k] = prev = prev + 1 + g[k];
      at = g[df];
    }
    for (k = 0; k < df; k++) lv[k] = VAL[p.charCodeAt(at + k)];
    var cv = varints(sh.c[i], 0, Infinity), cards = [];
    for (k = 0; k + 1 < cv.length - 1; k += 2) {
      var d = sh.r[cv[k]][0], ex = cardsOf.get(d) || [];
      cards.push(d);
      ex.push([sh.t[i], sh.x[cv[k + 1]]]);
      cardsOf.set(d, ex);
    }
    return (sh.posts[i] = {t: sh.t[i], df: df, docs: docs, levels: lv, cards: cards, ticket: false});
  }
  /* The set of docs an entity's string holds (as a term's, without levels); kept, as entries are. */
  var docSets = new Map();
  function docSet(p) {
    var out = docSets.get(p), k;
    if (out) return out;
    docSets.set(p, out = []);
    if (!p) return out;
    if (p[0] === "b") {
      for (var c = 0, len = Math.ceil(M.n / 6); c < len; c++)
        for (var v = VAL[p.charCodeAt(1 + c)], b = 0; v; b++, v >>= 1) if (v & 1) out.push(c * 6 + b);
      return out;
    }
    var g = varints(p, 1, Infinity), prev = -1;
    for (k = 0; k < g.length - 1; k++) out.push(prev = prev + 1 + g[k]);
    return out;
  }

  /* ---- queries ---- */
  /* The slug of s, as generator/model/slug.c makes it: ASCII letters lowercased, each run of
   * other ASCII characters one "-" (none at the ends), other characters kept. */
  function slugify(s) {
    var out = "", dash = false;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 128 && !((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122))) { dash = true; continue; }
      if (dash && out) out += "-";
      dash = false;
      out += c < 128 ? String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c) : s[i];
    }
    return out;
  }
  /*
   * The query as groups of words: a quoted phrase, or a run of words with no space between them
   * ("checkout-api", an id); "-" before either excludes the postmortems that have it.
   * A postmortem matches a group when it has every word of it that the index knows.  Returns
   * {groups: [{text, phrase, neg}], words: [{w, a, term, last, exact, neg, g, i}], slug} where
   * slug is that of the words to find (for services, factors, ids... named exactly).
   */
  function parse(q) {
    var groups = [], list = [], re = /(-?)(?:["\u201c\u201d]([^"\u201c\u201d]*)["\u201c\u201d]?|([^\s"\u201c\u201d]+))/g, m;
    while ((m = re.exec(q))) {
      var phrase = m[2] !== undefined, text = phrase ? m[2] : m[3], neg = m[1] === "-" && (phrase || text.length > 0);
      if (!phrase && m[1] === "-" && !text) continue;
      var ws = words(text), open = !phrase && !neg && m.index + m[0].length === q.length;
      var g = {text: text, phrase: phrase, neg: neg}, before = list.length;
      ws.forEach(function (x, k) {
        var last = open && k === ws.length - 1 && x.e === text.length, term = termOf(x);
        if (term === null && !last) return;
        list.push({w: x.w, a: x.a, term: term, last: last, exact: phrase || neg, neg: neg, g: groups.length, i: list.length});
      });
      if (list.length > before) groups.push(g);
    }
    var pos = groups.filter(function (g) { return !g.neg; });
    return {groups: groups, words: list, slug: slugify(pos.map(function (g) { return g.text; }).join(" "))};
  }
  var EXACT = 1, OVER = 0.9, PREFIX = 0.7, TYPO = 0.5, MAXPREFIX = 24;
  function prefixKeys(q) {
    var keys = [q.w];
    if (q.term) keys.push(q.term);
    for (var k = Math.max(4, q.w.length - 4); k < q.w.length; k++) keys.push(q.w.slice(0, k));
    return keys;
  }
  /* Terms for word q: {term: weight}; tries exact, then prefixes, then typos (not in a phrase or an exclusion). */
  function expand(q) {
    var out = {}, found = false;
    if (q.term && lookup(q.term)) { out[q.term] = EXACT; found = true; }
    if (q.exact) return {terms: out, found: found};
    if (q.last || !found) {
      for (var k = Math.max(4, q.w.length - 4); k < q.w.length && !found; k++) {
        var pre = q.w.slice(0, k), rest = q.w.slice(k);
        if (!out[pre] && ENDINGS.some(function (e) { return e.slice(0, rest.length) === rest; }) && lookup(pre)) {
          out[pre] = OVER;
          found = true;
        }
      }
      if (q.w.length >= 2) {
        var more = completions(q.w);
        more.forEach(function (t) { if (!out[t]) { out[t] = PREFIX; found = true; } });
      }
    }
    return {terms: out, found: found};
  }
  function completions(p) {
    var list = [], i = shardOf(p), end = p + "\uffff";
    for (; i < M.tk.length && shards[i] && (i === shardOf(p) || cmp(M.tk[i], end) < 0); i++) {
      var t = shards[i].t;
      for (var j = lowerBound(t, p); j < t.length && t[j].slice(0, p.length) === p; j++)
        if (t[j] !== p) list.push([t[j], shards[i].n[j]]);
    }
    list.sort(function (a, b) { return b[1] - a[1] || cmp(a[0], b[0]); });
    return list.slice(0, MAXPREFIX).map(function (x) { return x[0]; });
  }
  /* Shards a prefix search for p needs: p's own and the next while it continues there. */
  function prefixShards(p) {
    var i = shardOf(p), out = [M.tk[i]];
    if (i + 1 < M.tk.length && M.tk[i + 1].slice(0, p.length) === p) out.push(M.tk[i + 1]);
    return out;
  }

  /* Are a and b at most one edit apart (substitution, insertion, deletion, swap of neighbours)? */
  function oneEdit(a, b) {
    var la = a.length, lb = b.length, i = 0;
    if (Math.abs(la - lb) > 1) return false;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (i === la || i === lb) return true;
    if (la > lb) return a.slice(i + 1) === b.slice(i);
    if (lb > la) return a.slice(i) === b.slice(i + 1);
    return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  /* Endings a stem takes back in a word, to compare a misspelt word with what the term was. */
  var ENDINGS = ",s,es,e,ed,d,ing,ings,ment,ments,er,ers,or,ion,ions,ation,ations,ly,y,ies,ied,al,ness,ity,ive,ism,ist".split(",");
  /* Is term t one edit from the word w (or its stem ws)? */
  function typoMatch(w, ws, t) {
    if (t.length < 4 || t === ws) return false;
    if (oneEdit(ws, t)) return true;
    for (var i = 0; i < ENDINGS.length; i++) {
      var f = t + ENDINGS[i];
      if (Math.abs(f.length - w.length) <= 1 && oneEdit(w, f)) return true;
    }
    return false;
  }
  /* The strings a typo search for w looks up: w and its stem, each less letter 0, 1 or 2. */
  function typoProbes(w) {
    var out = [], ws = stem(w);
    (ws === w ? [w] : [w, ws]).forEach(function (x) {
      out.push(x, x.slice(1), x[0] + x.slice(2), x.slice(0, 2) + x.slice(3));
    });
    return out;
  }
  /* The keys whose shards a typo search for w needs. */
  function typoKeys(w) {
    var keys = regionKeys(w.slice(0, 2), 3);
    typoProbes(w).forEach(function (key) {
      for (var L = Math.max(3, key.length - 5); L <= key.length; L++) keys.push(key.slice(0, L));
    });
    return keys;
  }
  /* Keys of the shards that hold terms starting with p, at most max of them. */
  function regionKeys(p, max) {
    var out = [], i = shardOf(p);
    do out.push(M.tk[i++]); while (out.length < max && i < M.tk.length && cmp(M.tk[i], p + "\uffff") < 0);
    return out;
  }
  /* Terms one edit from a misspelt w: from the typo keys and the terms that share w's first two letters. */
  function typoTerms(w) {
    var cands = {}, ws = stem(w);
    typoProbes(w).forEach(function (key) {
      for (var L = Math.max(3, key.length - 5); L <= key.length; L++) {
        var pre = key.slice(0, L), sh = shards[shardOf(pre)];
        if (!sh) continue;
        for (var j = yLower(sh.y, pre); j < sh.y.length && sh.y[j] === pre; j += 2) cands[sh.y[j + 1]] = 1;
        if (lookupIn(sh, pre)) cands[pre] = 1;
      }
    });
    var p = w.slice(0, 2);
    for (var i = shardOf(p); i < M.tk.length && shards[i] && (i === shardOf(p) || cmp(M.tk[i], p + "\uffff") < 0); i++) {
      var t = shards[i].t;
      for (var j = lowerBound(t, p); j < t.length && t[j].slice(0, 2) === p; j++) cands[t[j]] = 1;
    }
    return Object.keys(cands).filter(function (t) { return /^[a-z]+$/.test(t) && typoMatch(w, ws, t); });
  }
  function yLower(y, key) {
    var lo = 0, hi = y.length / 2;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (cmp(y[2 * mid], key) < 0) lo = mid + 1; else hi = mid; }
    return 2 * lo;
  }
  function lookupIn(sh, t) { var i = lowerBound(sh.t, t); return sh.t[i] === t; }


  /* ---- filters ---- */
  /* The facets part (generator/search/facets.h), decoded: {names, multi, labels: {name: label}, lists: {name:
   * [[value, label, count]]}, index: {name: {value: i}}, from, vals: per facet, doc d's value indices are
   * vals[k][from[k][d] .. from[k][d + 1])}. */
  var facets = null;
  function loadFacets() {
    if (facets) return Promise.resolve(facets);
    return part("f").then(function (f) {
      if (facets) return facets;
      var v = varints(f.a, 0, Infinity), n = M.n, at = 0, d, k, j;
      var fx = {names: [], multi: [], labels: {}, lists: {fs: f.fs}, index: {}, from: [], vals: []};
      f.fs.forEach(function (x) {
        var m = fx.index[x[0]] = {};
        fx.lists[x[0]] = f[x[0]];
        fx.names.push(x[0]);
        fx.multi.push(!!x[2]);
        fx.labels[x[0]] = x[1];
        f[x[0]].forEach(function (y, i) { m[y[0]] = i; });
        fx.from.push(new Uint32Array(n + 1));
        fx.vals.push([]);
      });
      for (d = 0; d < n; d++)
        for (k = 0; k < fx.names.length; k++) {
          var c = fx.multi[k] ? v[at++] : 1;
          for (j = 0; j < c; j++) fx.vals[k].push(v[at++]);
          fx.from[k][d + 1] = fx.vals[k].length;
        }
      return (facets = fx);
    });
  }
  /* The values a filter asks for: filters[name] is a value or a list of them. */
  function values(filters, name) {
    var v = filters && Object.prototype.hasOwnProperty.call(filters, name) ? filters[name] : null;
    return [].concat(v === null || v === undefined ? [] : v).filter(function (x) { return x !== null && x !== undefined && x !== ""; });
  }
  function hasFilters(filters) {
    return !!filters && Object.keys(filters).some(function (n) { return values(filters, n).length > 0; });
  }
  /* filters -> [[facet number, {value index: 1}], ...] for the facets set (any of a facet's values, all facets). */
  function wanted(fx, filters) {
    var out = [];
    fx.names.forEach(function (name, k) {
      var set = {}, any = false;
      values(filters, name).forEach(function (x) {
        var i = fx.index[name][String(x)];
        set[i === undefined ? -1 : i] = 1;
        any = true;
      });
      if (any) out.push([k, set]);
    });
    return out;
  }
  function passes(fx, want, d, skip) {
    for (var i = 0; i < want.length; i++) {
      var k = want[i][0], ok = false, v = fx.vals[k];
      if (k === skip) continue;
      for (var j = fx.from[k][d]; j < fx.from[k][d + 1] && !ok; j++) ok = want[i][1][v[j]] === 1;
      if (!ok) return false;
    }
    return true;
  }
  /* Per facet value, the docs of order it would give: the other filters applied, not its own facet's. */
  function countFacets(fx, want, order) {
    var counts = {};
    fx.names.forEach(function (name) { counts[name] = fx.lists[name].map(function () { return 0; }); });
    order.forEach(function (d) {
      var fail = -1, nf = 0;
      for (var i = 0; i < want.length && nf < 2; i++)
        if (!passes(fx, [want[i]], d, -1)) { fail = want[i][0]; nf++; }
      if (nf > 1) return;
      fx.names.forEach(function (name, k) {
        if (nf === 1 && fail !== k) return;
        for (var j = fx.from[k][d]; j < fx.from[k][d + 1]; j++) counts[name][fx.vals[k][j]]++;
      });
    });
    return counts;
  }

  /* ---- search ---- */
  function empty(o) { for (var k in o) return false; return true; }
  /*
   * Every doc's score.  Per group, a doc that has each of its words (each that the index knows)
   * counts the group as matched and adds the words' best scores; a doc that has every word of an
   * excluding group is out.  {total, matched (groups), docs (matched and not out), out, tickets
   * (docs found by a term that is only in tickets)}.  Plain loops: this is the hot path.
   */
  function score(Q, expansions) {
    var n = M.n, sc = {total: new Float64Array(n), matched: new Uint8Array(n), out: new Uint8Array(n), tickets: new Uint8Array(n)};
    var best = new Float64Array(n), gsum = null, gcnt = null, touched = [], i, j, d;
    for (var gi = 0; gi < Q.groups.length; gi++) {
      var g = Q.groups[gi], live = [], inGroup = [];
      for (i = 0; i < Q.words.length; i++) if (Q.words[i].g === gi && !empty(expansions[Q.words[i].i])) live.push(Q.words[i]);
      var single = live.length === 1 && !g.neg; /* the usual group: its docs are matched as they come */
      if (!single && !gsum) { gsum = new Float64Array(n); gcnt = new Uint16Array(n); }
      for (i = 0; i < live.length; i++) {
        var seen = bestOf(expansions[live[i].i], best, g.neg ? null : sc.tickets);
        for (j = 0; j < seen.length; j++) {
          d = seen[j];
          if (single) {
            if (!sc.matched[d]) touched.push(d);
            sc.matched[d]++;
            sc.total[d] += best[d];
          } else {
            if (!gcnt[d]) inGroup.push(d);
            gcnt[d]++;
            gsum[d] += best[d];
          }
          best[d] = 0;
        }
      }
      for (j = 0; j < inGroup.length; j++) {
        d = inGroup[j];
        if (gcnt[d] === live.length && g.neg) sc.out[d] = 1;
        else if (gcnt[d] === live.length) {
          if (!sc.matched[d]) touched.push(d);
          sc.matched[d]++;
          sc.total[d] += gsum[d];
        }
        gcnt[d] = 0;
        gsum[d] = 0;
      }
    }
    sc.docs = touched.filter(function (x) { return !sc.out[x]; });
    return sc;
  }
  /* Each doc's best score over a word's terms (ex: {term: weight}) into best; returns the docs set. */
  function bestOf(ex, best, tickets) {
    var n = M.n, seen = [];
    for (var t in ex) {
      var e = lookup(t);
      if (!e) continue;
      var idf = Math.log(1 + (n - e.df + 0.5) / (e.df + 0.5)) * ex[t], docs = e.docs, lv = e.levels, mark = tickets && e.ticket;
      for (var k = 0; k < e.df; k++) {
        var d = docs[k], s = idf * M.lv[lv[k]];
        if (best[d] === 0) seen.push(d);
        if (s > best[d]) best[d] = s;
        if (mark) tickets[d] = 1;
      }
    }
    return seen;
  }

  /* Make sure docs have records (and summaries when asked): doc shards fill the gaps. */
  function records(docs, summaries) {
    var need = {};
    docs.forEach(function (d) {
      var r = recs.get(d);
      if (!r || (summaries && r.summary === undefined)) need[Math.floor(d / M.ds)] = 1;
    });
    return Promise.all(Object.keys(need).map(function (i) {
      return part("d" + i).then(function (p) {
        p.r.forEach(function (r, k) {
          recs.set(+i * M.ds + k, {id: r[0], title: r[1], date: r[2], sev: r[3], st: r[4], summary: r[5], slug: r[6], computed: r[7]});
        });
      });
    }));
  }

  var ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  /* Does word x of a text match the query's words (not the excluded ones)?  Returns the word numbers. */
  function matcher(qs, expansions) {
    var pos = qs.filter(function (q) { return !q.neg; });
    return function (x) {
      var t = termOf(x), hit = [];
      pos.forEach(function (q) {
        var ex = expansions[q.i];
        if ((t !== null && ex[t]) || (q.last && q.w.length >= 2 && x.w.slice(0, q.w.length) === q.w)) hit.push(q.i);
      });
      return hit;
    };
  }
  /* text with matched words in <mark>, all of it escaped. */
  function markHtml(text, match) {
    var out = "", at = 0;
    words(text).forEach(function (x) {
      if (!match(x).length) return;
      out += esc(text.slice(at, x.s)) + "<mark>" + esc(text.slice(x.s, x.e)) + "</mark>";
      at = x.e;
    });
    return out + esc(text.slice(at));
  }
  /* The text ({label, text}) that shows the most query words; texts come best first.  n: how many. */
  function bestText(texts, match) {
    var best = {label: null, text: ""}, bestN = -1;
    texts.forEach(function (t) {
      if (!t.text) return;
      var seen = {}, n = 0;
      words(t.text).forEach(function (x) { match(x).forEach(function (i) { if (!seen[i]) { seen[i] = 1; n++; } }); });
      if (n > bestN) { best = t; bestN = n; }
    });
    return {label: best.label, text: best.text, n: Math.max(0, bestN)};
  }
  /* A doc's excerpts ({label, text}): those of the query's terms first, then the summary, then any. */
  function textsOf(d, r, expansions) {
    var mine = [], others = [];
    (cardsOf.get(d) || []).forEach(function (c) {
      var x = typeof c[1] === "string" ? {label: null, text: c[1]} : {label: c[1][0], text: c[1][1]};
      (expansions.some(function (ex) { return ex && ex[c[0]]; }) ? mine : others).push(x);
    });
    return mine.concat(r.summary ? [{label: null, text: r.summary}] : [], others);
  }
  function pageUrl(slug) { return "postmortems/" + slug + "/"; }

  /* ---- named things: services, factors, tags, owners, taxonomy terms (entity.h) ---- */
  function eLower(e, key) {
    var lo = 0, hi = e.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (cmp(e[mid][0], key) < 0) lo = mid + 1; else hi = mid; }
    return lo;
  }
  /* How many docs an entity's string holds, without listing them. */
  function docCount(p) {
    var n = 0, i, v;
    if (p[0] === "b") for (i = 1; i < p.length; i++) for (v = VAL[p.charCodeAt(i)]; v; v &= v - 1) n++;
    else for (i = 1; i < p.length; i++) n += VAL[p.charCodeAt(i)] < 32;
    return n;
  }
  /* An entity as results show it; its docs only when it is the one named (the others are offered as you type). */
  function entity(e, key) {
    var k = M.ek[e[1]] || ["", ""], slug = e[4] || e[0], url = k[1] + "/" + slug + "/", exact = e[0] === key;
    return {kind: k[0], name: e[2], key: e[0], slug: slug, url: url, href: new URL(url + (FILE ? "index.html" : ""), ROOT).href,
      count: e[3] ? docCount(e[3]) : null, docs: exact ? docSet(e[3]) : [], exact: exact};
  }
  /* The entities of the loaded shards keyed `key`, and with prefix those whose key starts with it; exact ones
   * first, then by how many postmortems have them; one per page. */
  function entities(key, prefix) {
    var out = [], seen = {}, first = key ? shardOf(key) : 0;
    if (!key) return out;
    for (var i = first; i < M.tk.length && shards[i] && (i === first || (prefix && cmp(M.tk[i], key + "\uffff") < 0)); i++) {
      var e = shards[i].e || [];
      for (var j = eLower(e, key); j < e.length && (e[j][0] === key || (prefix && e[j][0].slice(0, key.length) === key)); j++)
        out.push(entity(e[j], key));
    }
    out.sort(function (a, b) { return b.exact - a.exact || (b.count || 0) - (a.count || 0) || cmp(a.key, b.key); });
    return out.filter(function (e) { if (seen[e.url]) return false; seen[e.url] = 1; return true; });
  }

  /* ---- running a query ---- */
  /* A query's state as it runs: s = {query, Q (parse), filters, opts, expansions, sc (score), tier, order, ents}. */
  function run(query, filters, opts) {
    var s = {query: String(query || ""), filters: filters, opts: opts || {}, expansions: []};
    s.Q = parse(s.query);
    s.positive = s.Q.groups.some(function (g) { return !g.neg; });
    return manifest().then(function () {
      var keys = s.Q.slug ? [s.Q.slug] : [];
      s.Q.words.forEach(function (q) { keys = keys.concat(prefixKeys(q), q.exact ? [] : prefixShards(q.w)); });
      if (s.opts.entities && s.Q.slug) keys = keys.concat(prefixShards(s.Q.slug));
      return Promise.all([loadShards(keys), hasFilters(filters) || s.opts.facets ? loadFacets() : null]);
    }).then(function () { return expandAll(s); }).then(function () {
      rank(s);
      return pinId(s);
    }).then(function () { return finish(s); });
  }
  /* Each word's terms (s.expansions[word number]), with one-edit typos for words that found nothing. */
  function expandAll(s) {
    var typos = [], ex = s.expansions;
    s.Q.words.forEach(function (q) {
      var e = expand(q);
      ex[q.i] = e.terms;
      if (!e.found && !q.exact && q.a && q.w.length >= 5) typos.push(q);
    });
    if (!typos.length) return null;
    var keys = [];
    typos.forEach(function (q) { keys = keys.concat(typoKeys(q.w)); });
    return loadShards(keys).then(function () {
      typos.forEach(function (q) { typoTerms(q.w).forEach(function (t) { ex[q.i][t] = TYPO; }); });
      var more = [];
      typos.forEach(function (q) { more = more.concat(Object.keys(ex[q.i])); });
      return loadShards(more);
    });
  }
  /* The docs that match (s.order), their scores (s.sc) and tiers: 1 for the postmortems of a thing named. */
  function rank(s) {
    var d, sc = s.sc = s.Q.groups.length ? score(s.Q, s.expansions) : null, tier = s.tier = new Uint8Array(M.n), order = s.order = [];
    s.ents = entities(s.Q.slug, !!s.opts.entities);
    if (!s.positive) {
      for (d = 0; d < M.n; d++) if (!sc || !sc.out[d]) order.push(d);
      return;
    }
    sc.docs.forEach(function (x) { order.push(x); });
    s.ents.forEach(function (e) {
      if (e.exact) e.docs.forEach(function (x) {
        if (tier[x] || sc.out[x]) return;
        tier[x] = 1;
        if (!sc.matched[x]) order.push(x);
      });
    });
  }
  /* A query that is a postmortem's id shows that postmortem alone (tier 2). */
  function pinId(s) {
    var pos = s.Q.groups.filter(function (g) { return !g.neg; });
    if (pos.length !== 1 || pos[0].phrase || !s.order.length) return Promise.resolve();
    var cands = top(s.order, 3, s.sc, s.tier);
    return records(cands, false).then(function () {
      cands.forEach(function (x) {
        var r = recs.get(x);
        if (r && (slugify(r.id) === s.Q.slug || r.slug === s.Q.slug)) s.tier[x] = 2;
      });
      if (cands.some(function (x) { return s.tier[x] === 2; })) s.order = cands.filter(function (x) { return s.tier[x] === 2; });
    });
  }
  /* Filters, counts, the page asked for (opts.offset, opts.limit), and the results as the API gives them. */
  function finish(s) {
    var opts = s.opts, limit = opts.limit === undefined ? 10 : opts.limit, offset = opts.offset || 0;
    var fx = facets, filtered = hasFilters(s.filters), sc = s.sc, tier = s.tier, order = s.order;
    var want = fx && filtered ? wanted(fx, s.filters) : [];
    var counts = fx && (filtered || opts.facets) ? countFacets(fx, want, order) : null;
    if (want.length) order = order.filter(function (x) { return passes(fx, want, x, -1); });
    var page = s.positive && opts.sort !== "date" ? top(order, offset + limit, sc, tier).slice(offset)
      : order.slice().sort(function (a, b) { return a - b; }).slice(offset, offset + limit);
    return records(page, !s.positive).then(function () {
      var match = matcher(s.Q.words, s.expansions), asked = s.Q.groups.filter(function (g) { return !g.neg; }).map(function (g) { return g.text; }).join(" ");
      var live = s.Q.words.filter(function (q) { return !q.neg && Object.keys(s.expansions[q.i]).length > 0; }).length;
      var out = page.map(function (x) {
        var r = recs.get(x), url = pageUrl(r.slug || r.id.toLowerCase());
        var t = s.positive ? bestText(textsOf(x, r, s.expansions), match) : {label: null, text: r.summary || "", n: 0};
        if (s.positive && sc.tickets[x] && t.n < live) t = {label: "item", text: asked}; /* a ticket's number: no card says more */
        return {
          id: r.id, title: r.title, url: url, href: new URL(url + (FILE ? "index.html" : ""), ROOT).href,
          date: r.date, severity: M.sev[r.sev], status: M.st[r.st],
          score: s.positive ? Math.round(sc.total[x] * 1000) / 1000 : 0,
          snippet: markHtml(t.text, match), titleHtml: markHtml(r.title, match), label: t.label,
          match: tier[x] === 2 ? "id" : tier[x] === 1 ? "entity" : null, computed: r.computed || {}
        };
      });
      out.total = order.length;
      out.facets = counts;
      out.terms = s.expansions;
      out.entities = s.ents.map(function (e) {
        return {kind: e.kind, name: e.name, slug: e.slug, url: e.url, href: e.href, count: e.count, exact: e.exact};
      });
      /* search-page.js (the /search/ page) brings the near words */
      out.suggestion = !order.length && opts.suggest && A._near ? A._near(s.query, s.Q, s.expansions) : null;
      return out;
    });
  }
  /* The k best docs: an id named first, then the postmortems of a thing named, then more query groups matched,
   * then higher score, then newer. */
  function top(docs, k, sc, tier) {
    var best = [], m = sc.matched, t = sc.total;
    if (k <= 0) return best;
    var before = function (a, b) {
      return tier[a] !== tier[b] ? tier[a] > tier[b] : m[a] !== m[b] ? m[a] > m[b] : t[a] !== t[b] ? t[a] > t[b] : a < b;
    };
    docs.forEach(function (d) {
      if (best.length === k && !before(d, best[k - 1])) return;
      var i = best.length === k ? k - 1 : best.length;
      while (i > 0 && before(d, best[i - 1])) { best[i] = best[i - 1]; i--; }
      best[i] = d;
    });
    return best;
  }

  /* ---- the header's search box: a combobox with results as you type ---- */
  var LABEL = {owner: "Owner", author: "Author", item: "Item"};
  function el(tag, attrs, html) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (html !== undefined) e.innerHTML = html;
    return e;
  }
  function metaHtml(r) {
    return "<span class=\"sev sev-" + (M.sev.indexOf(r.severity) + 1) + "\">" + esc(r.severity) + "</span><span>" +
      esc(r.id) + "</span><time datetime=\"" + esc(r.date) + "\">" + esc(r.date) + "</time>";
  }
  /* A result's snippet, after its label when the match is the owner, an author or an action item. */
  function snippetHtml(r) {
    return (r.label ? "<span class=\"search-label\">" + esc(LABEL[r.label] || r.label) + "</span> " : "") + r.snippet;
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  /* "Service: checkout-api →", linking to its page. */
  function entityHtml(e) {
    return "<span class=\"search-entity-kind\">" + esc(e.kind) + ":</span> <span class=\"search-entity-name\">" + esc(e.name) +
      "</span> →" + (e.count !== null ? " <span class=\"search-entity-count\">" + plural(e.count, "postmortem", "postmortems") + "</span>" : "");
  }
  function searchPage(q) {
    return new URL("search/" + (FILE ? "index.html" : "") + (q ? "?q=" + encodeURIComponent(q) : ""), ROOT).href;
  }
  function later(fn, ms) { var t; return function () { clearTimeout(t); t = setTimeout(fn, ms); }; }

  function combobox(input) {
    var form = input.form, listId = input.getAttribute("aria-controls") || "site-search-list";
    var list = document.getElementById(listId), status = document.getElementById(input.id + "-status");
    if (!list) {
      list = el("div", {id: listId, role: "listbox", "aria-label": "Search results", "class": "search-popup"});
      list.hidden = true;
      (form || input.parentNode).appendChild(list);
    }
    if (!status) {
      status = el("p", {id: input.id + "-status", "class": "visually-hidden", "aria-live": "polite"});
      (form || input.parentNode).appendChild(status);
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var active = -1, seq = 0, opts = [];
    function open(on) {
      list.hidden = !on;
      input.setAttribute("aria-expanded", on ? "true" : "false");
      if (!on) setActive(-1);
    }
    function setActive(i) {
      if (opts[active]) opts[active].setAttribute("aria-selected", "false");
      active = i;
      if (opts[i]) {
        opts[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", opts[i].id);
        opts[i].scrollIntoView({block: "nearest"});
      } else input.removeAttribute("aria-activedescendant");
    }
    function option(id, href, cls, html) {
      var o = el("a", {id: listId + "-" + id, role: "option", "aria-selected": "false", href: href, "class": "search-option " + cls}, html);
      opts.push(o);
      list.appendChild(o);
    }
    function show(q, res) {
      list.innerHTML = "";
      opts = [];
      var ents = res.entities.filter(function (e) { return e.exact; }).concat(res.entities.filter(function (e) { return !e.exact; })).slice(0, 3);
      ents.forEach(function (e, i) { option("e" + i, e.href, "search-entity", entityHtml(e)); });
      res.forEach(function (r, i) {
        option(String(i), r.href, "search-result-option", "<span class=\"search-option-title\">" + r.titleHtml +
          "</span><span class=\"search-option-meta\">" + metaHtml(r) + "</span><span class=\"search-option-snippet\">" + snippetHtml(r) + "</span>");
      });
      option("all", searchPage(q), "search-all",
        res.length ? "All " + res.total + " results for “" + esc(q) + "”" : "No postmortems match “" + esc(q) + "”: search with filters");
      active = -1;
      open(true);
      status.textContent = (res.length ? plural(res.total, "postmortem matches", "postmortems match") : "No postmortems match") +
        (ents.length ? "; " + ents.map(function (e) { return e.kind + " " + e.name; }).join(", ") : "");
    }
    var update = later(function () {
      var q = input.value.trim(), mine = ++seq;
      if (q.length < 2) { open(false); return; }
      run(q, {}, {limit: 6, entities: true}).then(function (res) { if (mine === seq && document.activeElement === input) show(q, res); },
        function (e) { if (mine === seq) { status.textContent = "Search is unavailable"; console.warn(e); } });
    }, 40);
    input.addEventListener("input", update);
    input.addEventListener("focus", function () { manifest().catch(function () {}); if (input.value.trim().length >= 2) update(); });
    input.addEventListener("keydown", function (e) {
      var n = opts.length;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (list.hidden) { update(); return; }
        e.preventDefault();
        setActive(e.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
      } else if (e.key === "Enter" && !list.hidden && opts[active]) {
        e.preventDefault();
        location.href = opts[active].href;
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); open(false); }
        else if (input.value) { e.preventDefault(); input.value = ""; }
      }
    });
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 0); });
    if (form) form.addEventListener("submit", function (e) {
      e.preventDefault();
      location.href = searchPage(input.value.trim());
    });
  }

  /* What assets/search-page.js (the /search/ page, loaded there only) builds on. */
  A._ui = {run: run, loadFacets: function () { return manifest().then(loadFacets); }, hasFilters: hasFilters, esc: esc, el: el,
    metaHtml: metaHtml, snippetHtml: snippetHtml, entityHtml: entityHtml, plural: plural, later: later, FILE: FILE, ROOT: ROOT,
    shards: shards, recs: recs, cardsOf: cardsOf, words: words, termOf: termOf, endings: ENDINGS};
  function init() {
    var box = document.getElementById("site-search");
    if (box) combobox(box);
    var p = document.getElementById("search-page");
    if (p && A.page) A.page(p);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

  A.search = run;
  A.facets = function () { return manifest().then(loadFacets).then(function (fx) { return fx.lists; }); };
  A._tokenize = tokenize;
  A._words = words;
  A._stem = stem;
  A._slug = slugify;
  A._parse = parse;
})();
