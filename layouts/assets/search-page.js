/* aftermath search page: the /search/ page's filters (several values each, with their counts), sort,
 * results, and what it shows when nothing matches or nothing is asked, on top of search.js's engine
 * (window.aftermath._ui).  Loaded by layouts/search.html only; the query and the filters live in the
 * URL (?q=pool&service=checkout-api&service=payments-db&sort=date). */
(function () {
  "use strict";
  var A = window.aftermath = window.aftermath || {}, U = null, started = false;

  /* ---- when nothing matches: a near word of the index (aftermath.search's suggestion) ---- */
  /* Edit distance of a and b (substitutions, insertions, deletions, swaps of neighbours), or max + 1 when above max. */
  function dist(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      var row = [i], low = i;
      for (j = 1; j <= b.length; j++) {
        var c = a[i - 1] === b[j - 1] ? 0 : 1, v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + c);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        row.push(v);
        low = Math.min(low, v);
      }
      if (low > max) return max + 1;
      prev2 = prev;
      prev = row;
    }
    return prev[b.length];
  }
  /* The word nearest w that some loaded text writes with term t (a term is a stem: "configur"), else t when
   * it finds itself. */
  function surface(t, w) {
    var found = null, d = 99, look = function (text) {
      if (text) U.words(text).forEach(function (x) {
        var e = x.w !== found && U.termOf(x) === t ? dist(w, x.w, 9) : 99;
        if (e < d) { found = x.w; d = e; }
      });
    };
    U.recs.forEach(function (r) { look(r.title); look(r.summary); });
    U.cardsOf.forEach(function (list) { list.forEach(function (c) { look(typeof c[1] === "string" ? c[1] : c[1][1]); }); });
    if (found) return found;
    var ws = U.words(t);
    return ws.length === 1 && U.termOf(ws[0]) === t ? t : null;
  }
  /* How far word w is from term t or t with one of the endings a stem drops ("connect" + "ion"). */
  function nearness(w, t) {
    var d = 3;
    for (var i = 0; i < U.endings.length && d; i++) {
      var x = t + U.endings[i];
      if (Math.abs(x.length - w.length) <= 2) d = Math.min(d, dist(w, x, 2));
    }
    return d;
  }
  /* The query with a word that matched nothing replaced by the most common term of the loaded shards at most
   * two edits from it, or null. */
  function nearQuery(query, Q, expansions) {
    var best = null;
    Q.words.forEach(function (q) {
      if (q.neg || q.w.length < 3 || Object.keys(expansions[q.i] || {}).length) return;
      Object.keys(U.shards).forEach(function (i) {
        var sh = U.shards[i];
        for (var j = 0; j < sh.t.length; j++) {
          var t = sh.t[j];
          if (t.length > q.w.length + 2 || t.length < q.w.length - 6 || !/^[a-z]+$/.test(t)) continue;
          var d = nearness(q.w, t);
          if (d <= 2 && (!best || d < best.d || (d === best.d && sh.n[j] > best.df))) best = {t: t, d: d, df: sh.n[j], q: q};
        }
      });
    });
    var w = best && surface(best.t, best.q.w);
    if (!w) return null;
    var at = query.toLowerCase().indexOf(best.q.w);
    return at < 0 ? w : query.slice(0, at) + w + query.slice(at + best.q.w.length);
  }

  function page(root) {
    var input = document.getElementById("search-q"), box = document.getElementById("search-filters");
    var status = document.getElementById("search-status"), list = document.getElementById("search-results");
    var more = document.getElementById("search-more"), empty = document.getElementById("search-empty");
    var named = document.getElementById("search-named"), params = new URLSearchParams(location.search);
    var groups = {}, sort = null, clear = null, names = [], shown = 0, seq = 0, PAGE = 10;
    input.value = params.get("q") || "";
    function filters() {
      var f = {};
      names.forEach(function (n) {
        var v = [].map.call(groups[n].querySelectorAll("input:checked"), function (c) { return c.value; });
        if (v.length) f[n] = v;
      });
      return f;
    }
    function sync() {
      var u = new URLSearchParams(), q = input.value.trim(), f = filters();
      if (q) u.set("q", q);
      names.forEach(function (n) { (f[n] || []).forEach(function (v) { u.append(n, v); }); });
      if (sort && sort.value) u.set("sort", sort.value);
      try { history.replaceState(null, "", "?" + u.toString()); } catch (e) { /* file:// may refuse */ }
    }
    /* Counts beside each value; a value with none is hidden unless chosen.  The row's width does not depend on them. */
    function counts(c) {
      names.forEach(function (n) {
        var chosen = 0;
        [].forEach.call(groups[n].querySelectorAll("label"), function (l, i) {
          var box = l.querySelector("input"), k = c ? c[n][i] : 0;
          l.querySelector(".search-count").textContent = String(k);
          l.hidden = !k && !box.checked;
          chosen += box.checked;
        });
        groups[n].parentNode.querySelector(".search-filter-chosen").textContent = chosen ? String(chosen) : "";
      });
      if (clear) clear.disabled = !U.hasFilters(filters());
    }
    function item(r) {
      var li = U.el("li", {"class": "search-result"});
      li.innerHTML = "<a href=\"" + U.esc(r.href) + "\">" + r.titleHtml + "</a><div class=\"meta\">" + U.metaHtml(r) +
        "<span>" + U.esc(r.status) + "</span>" + (r.match === "id" ? "<span class=\"search-exact\">this id</span>" : "") + "</div>" +
        (r.snippet ? "<p class=\"snippet\">" + U.snippetHtml(r) + "</p>" : "");
      return li;
    }
    function showNamed(ents) {
      var exact = (ents || []).filter(function (e) { return e.exact; });
      named.innerHTML = exact.map(function (e) { return "<a class=\"search-named\" href=\"" + U.esc(e.href) + "\">" + U.entityHtml(e) + "</a>"; }).join(" ");
      named.hidden = !exact.length;
    }
    /* No results: a near word, the filters to clear, and where to browse instead. */
    function showEmpty(q, f, res) {
      var out = [], at = function (dir) { return U.esc(new URL(dir + "/" + (U.FILE ? "index.html" : ""), U.ROOT).href); };
      if (res.suggestion) out.push("<li>Did you mean <a id=\"search-suggestion\" href=\"?q=" + U.esc(encodeURIComponent(res.suggestion)) + "\">" +
        U.esc(res.suggestion) + "</a>?</li>");
      if (U.hasFilters(f)) out.push("<li><button type=\"button\" class=\"button-link\" id=\"search-empty-clear\">Clear the filters</button> to search every postmortem.</li>");
      out.push("<li>Browse the <a href=\"" + at("services") + "\">services</a> or the <a href=\"" + at("factors") +
        "\">contributing factors</a>, or see <a href=\"" + at("search") + "\">every postmortem</a>.</li>");
      empty.innerHTML = "<p>No postmortems match" + (q ? " “" + U.esc(q) + "”" : "") + (U.hasFilters(f) ? " with these filters" : "") + ".</p><ul>" + out.join("") + "</ul>";
      empty.hidden = false;
      var b = document.getElementById("search-empty-clear");
      if (b) b.addEventListener("click", clearFilters);
    }
    function clearFilters() {
      names.forEach(function (n) { [].forEach.call(groups[n].querySelectorAll("input:checked"), function (c) { c.checked = false; }); });
      go(false);
    }
    function go(append) {
      var q = input.value.trim(), f = filters(), mine = ++seq, all = !q;
      if (!append) { sync(); shown = 0; }
      status.textContent = "Searching…";
      return U.run(q, f, {limit: PAGE, offset: shown, facets: true, sort: all ? "date" : sort && sort.value, entities: true, suggest: true}).then(function (res) {
        if (mine !== seq) return;
        if (!append) list.innerHTML = "";
        res.forEach(function (r) { list.appendChild(item(r)); });
        shown += res.length;
        more.hidden = shown >= res.total;
        counts(res.facets);
        showNamed(res.entities);
        empty.hidden = true;
        if (!res.total) { status.textContent = "No postmortems match."; showEmpty(q, f, res); return; }
        var what = all && !U.hasFilters(f) ? "All " + U.plural(res.total, "postmortem", "postmortems") + ", newest first"
          : U.plural(res.total, "postmortem matches", "postmortems match");
        status.textContent = what + (shown < res.total ? " (showing " + shown + ")" : "");
      }, function (e) { status.textContent = "Search is unavailable: " + e.message; });
    }
    function filter(fx, n) {
      var id = "search-filter-" + n, d = U.el("details", {"class": "search-filter", id: id});
      var want = params.getAll(n);
      d.appendChild(U.el("summary", {}, "<span class=\"search-filter-name\">" + U.esc(fx.labels[n]) + "</span> <span class=\"search-filter-chosen\"></span>"));
      var set = U.el("fieldset", {"class": "search-filter-menu"});
      set.appendChild(U.el("legend", {"class": "visually-hidden"}, U.esc(fx.labels[n])));
      fx.lists[n].forEach(function (v, i) {
        var l = U.el("label", {}), c = U.el("input", {type: "checkbox", name: n, value: v[0], id: id + "-" + i});
        c.checked = want.indexOf(v[0]) >= 0;
        c.addEventListener("change", function () { go(false); });
        l.appendChild(c);
        l.appendChild(U.el("span", {"class": "search-value"}, U.esc(v[1])));
        l.appendChild(U.el("span", {"class": "search-count"}, String(v[2])));
        set.appendChild(l);
      });
      d.appendChild(set);
      groups[n] = set;
      names.push(n);
      box.appendChild(d);
    }
    function controls() {
      var s = U.el("div", {"class": "search-sort"});
      s.appendChild(U.el("label", {"for": "search-sort"}, "Sort"));
      sort = U.el("select", {id: "search-sort", name: "sort"}, "<option value=\"\">Relevance</option><option value=\"date\">Newest first</option>");
      sort.value = params.get("sort") === "date" ? "date" : "";
      sort.addEventListener("change", function () { go(false); });
      s.appendChild(sort);
      box.appendChild(s);
      clear = U.el("button", {type: "button", id: "search-clear", "class": "button-link search-clear"}, "Clear filters");
      clear.addEventListener("click", clearFilters);
      box.appendChild(clear);
    }
    U.loadFacets().then(function (fx) {
      fx.names.forEach(function (n) { if (fx.lists[n].length) filter(fx, n); });
      controls();
      return go(false);
    }).catch(function (e) { status.textContent = "Search is unavailable: " + e.message; });
    input.addEventListener("input", U.later(function () { go(false); }, 60));
    more.addEventListener("click", function () { go(true); });
    root.addEventListener("submit", function (e) { e.preventDefault(); go(false); });
    /* one filter open at a time; a click elsewhere or Escape closes it */
    box.addEventListener("toggle", function (e) {
      if (e.target.open) [].forEach.call(box.querySelectorAll("details[open]"), function (d) { if (d !== e.target) d.open = false; });
    }, true);
    document.addEventListener("click", function (e) {
      [].forEach.call(box.querySelectorAll("details[open]"), function (d) { if (!d.contains(e.target)) d.open = false; });
    });
    box.addEventListener("keydown", function (e) {
      var d = e.target.closest && e.target.closest("details[open]");
      if (e.key === "Escape" && d) { d.open = false; d.querySelector("summary").focus(); }
    });
  }

  /* search.js calls A.page once it has run, or this file does when it comes second. */
  A.page = function (root) {
    if (started || !A._ui) return;
    started = true;
    U = A._ui;
    A._near = nearQuery;
    page(root);
  };
  var p = document.getElementById("search-page");
  if (p && A._ui) A.page(p);
})();
