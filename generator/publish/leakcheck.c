/* leakcheck: scan a public build's output for what must not be in it (see leakcheck.h). */
#include "publish/leakcheck.h"

#include "base/fsutil.h"
#include "base/parallel.h"
#include "base/strmap.h"
#include "model/internal.h"
#include "model/slug.h"
#include "publish/ahocorasick.h"
#include "publish/profile.h"
#include "publish/redact.h"
#include "publish/textview.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <limits.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOWN_FILES 3	/* output files named per leak */
#define MAX_NOTES   10	/* published sources noted per leak */
#define MAX_LEAKS   100 /* leaks reported before "and N more" */
#define MAX_SHOWN   80	/* bytes of a pattern's match quoted in a message */

/* What a needle is; K_TITLE_FIELD is a title looked for only where it stands alone (found as K_TITLE). */
/* K_INTERNAL_ID: a published postmortem's id in the sources, when the build shows public ids. */
/* K_STRIPPED: a value public.strip removes (an owner, an author, an action item's owner or ticket, a taxonomy's term). */
enum kind { K_ID, K_TITLE, K_DENY, K_PATTERN, K_TITLE_FIELD, K_INTERNAL_ID, K_STRIPPED };

/* Whether s[start..end) stands alone: as a token (ids: "-" and "." join words) or a phrase. */
static bool bounded(const char *s, size_t len, size_t start, size_t end, bool id)
{
	if (start > 0) {
		unsigned char p = (unsigned char)s[start - 1];
		if (word_char(p) && word_char((unsigned char)s[start]))
			return false;
		if (id && (p == '-' || p == '.') && start >= 2 &&
		    word_char((unsigned char)s[start - 2]))
			return false;
	}
	if (end < len) {
		unsigned char q = (unsigned char)s[end];
		if (word_char(q) && word_char((unsigned char)s[end - 1]))
			return false;
		if (id && (q == '-' || q == '.') && end + 1 < len &&
		    word_char((unsigned char)s[end + 1]))
			return false;
	}
	return true;
}

/*
 * Whether s[start..end) stands alone as a field: between '>' and '<' (an
 * element's text; BLOCK_MARKs once the tags are gone) or between quotes
 * (an attribute value, a JSON string, a quotation), blanks aside.
 */
static bool alone(const char *s, size_t len, size_t start, size_t end)
{
	if (start > 0 && s[start - 1] == ' ')
		start--;
	if (end < len && s[end] == ' ')
		end++;
	if (!start || end >= len)
		return false;
	char before = s[start - 1], after = s[end];
	return (before == '>' && after == '<') || (before == BLOCK_MARK && after == BLOCK_MARK) ||
	       (before == '"' && after == '"') || (before == '\'' && after == '\'');
}

/* ---- what to look for ------------------------------------------------------------------- */

struct needle {
	enum kind kind;
	size_t index; /* into c->hidden or site.deny */
};

struct needles {
	struct ac ac;
	struct needle *v;
	size_t n, alloc;
};

static void needle_add(struct needles *nd, const char *text, enum kind kind, size_t index)
{
	char *f = fold_str(text);
	if (*f) {
		ALLOC_GROW(nd->v, nd->n + 1, nd->alloc);
		nd->v[nd->n] = (struct needle){kind, index};
		ac_add(&nd->ac, f, strlen(f), (int)nd->n++);
	}
	free(f);
}

static size_t count_words(const char *s, size_t *chars)
{
	size_t words = 0;
	*chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) != 0x80)
			(*chars)++;
		if (word_char(*p) && (p == (const unsigned char *)s || !word_char(p[-1])))
			words++;
	}
	return words;
}

static void add_name(struct strmap *m, const char *name)
{
	if (!name)
		return;
	char *f = fold_str(name);
	strmap_put(m, f, 0);
	free(f);
}

/* Every name the public site shows on its own: a hidden title equal to one is a coincidence. */
static void published_names(const struct corpus *c, struct strmap *m)
{
	add_name(m, c->site.title);
	for (size_t i = 0; i < c->site.nservices; i++)
		add_name(m, c->site.services[i].name);
	for (size_t i = 0; i < c->npages; i++)
		add_name(m, c->pages[i].title);
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		add_name(m, pm->title);
		for (size_t k = 0; k < pm->nservices; k++)
			add_name(m, pm->services[k].name);
		for (size_t k = 0; k < pm->ntags; k++)
			add_name(m, pm->tags[k].name);
		for (size_t k = 0; k < pm->nfactors; k++)
			add_name(m, pm->factors[k].name);
	}
}

struct contained {
	const struct needles *nd;
	const struct view *name;
	enum leak_title *mode;
	const char **why;
};

static void contained_hit(void *ctx, int needle, size_t start, size_t end)
{
	struct contained *x = ctx;
	size_t i = x->nd->v[needle].index;
	if (x->mode[i] == LEAK_TITLE_ANYWHERE &&
	    bounded(x->name->s, x->name->len, start, end, false)) {
		x->mode[i] = LEAK_TITLE_FIELD;
		x->why[i] = "part of a published name";
	}
}

/* Long titles inside a published name ("X" in "X, again") are only looked for alone. */
static void demote_contained(const struct corpus *c, struct strmap *names, enum leak_title *mode,
			     const char **why)
{
	struct needles nd = {0};
	struct view v = {0};
	for (size_t i = 0; i < c->nhidden; i++)
		if (mode[i] == LEAK_TITLE_ANYWHERE)
			needle_add(&nd, c->hidden[i].title, K_TITLE, i);
	ac_build(&nd.ac);
	struct contained x = {&nd, &v, mode, why};
	for (size_t k = 0; nd.n && k < names->cap; k++) {
		if (!names->e[k].key)
			continue;
		fold(&v, names->e[k].key, strlen(names->e[k].key), NULL, FOLD_MATCH);
		ac_scan(&nd.ac, v.s, v.len, contained_hit, &x);
	}
	view_release(&v);
	ac_release(&nd.ac);
	free(nd.v);
}

void leak_titles(const struct corpus *c, enum leak_title *mode, const char **why)
{
	struct strmap names = STRMAP_INIT;
	published_names(c, &names);
	for (size_t i = 0; i < c->nhidden; i++) {
		size_t chars, words = count_words(c->hidden[i].title, &chars);
		char *f = fold_str(c->hidden[i].title);
		mode[i] = LEAK_TITLE_ANYWHERE;
		why[i] = NULL;
		if (words < LEAK_FIELD_WORDS || chars < LEAK_FIELD_CHARS) {
			mode[i] = LEAK_TITLE_NOT;
			why[i] = "fewer than 2 words or 10 characters";
		} else if (strmap_get(&names, f) != SIZE_MAX) {
			mode[i] = LEAK_TITLE_NOT;
			why[i] = "the same as a published name";
		} else if (words < LEAK_PHRASE_WORDS || chars < LEAK_PHRASE_CHARS) {
			mode[i] = LEAK_TITLE_FIELD;
			why[i] = "shorter than 6 words or 30 characters";
		}
		free(f);
	}
	demote_contained(c, &names, mode, why);
	strmap_release(&names);
}

/* ---- stripped values ------------------------------------------------------------------- */

/* A value public.strip removes, looked for in the output (K_STRIPPED). */
struct stripped {
	char *text;
	const char *field; /* "owner", "authors", "action_items.owner", "action_items.ticket" */
	const char *id;	   /* its postmortem's id in the sources */
	struct loc at;	   /* where the value is in the source, as near as known */
	bool prose;	   /* published text has it (a body, a title, a summary): not looked for */
};

struct strip_list {
	const struct corpus *c;
	struct stripped *v;
	size_t n, alloc;
	struct strmap seen;  /* folded texts added */
	struct strmap shown; /* folded texts the site shows as something else: never looked for */
};

/* Whether a stripped value can be looked for: 3 characters and a letter at least ("n/a" aside, numbers are everywhere). */
static bool distinctive(const char *f)
{
	bool letter = false;
	for (const char *p = f; *p; p++)
		letter |= (*p >= 'a' && *p <= 'z') || (unsigned char)*p >= 0x80;
	return letter && strlen(f) >= 3;
}

/* pm's id in its source (diagnostics are for the writers, who know it by that id). */
static const char *source_id(const struct corpus *c, const struct postmortem *pm)
{
	size_t i = (size_t)(pm - c->pms);
	return c->internal_ids && c->internal_ids[i] ? c->internal_ids[i] : pm->id;
}

static void strip_add(struct strip_list *l, const char *text, const char *field,
		      const struct postmortem *pm, const struct loc *at)
{
	if (!text)
		return;
	char *f = fold_str(text);
	if (distinctive(f) && strmap_get(&l->shown, f) == SIZE_MAX &&
	    strmap_get(&l->seen, f) == SIZE_MAX) {
		strmap_put(&l->seen, f, l->n);
		ALLOC_GROW(l->v, l->n + 1, l->alloc);
		l->v[l->n++] = (struct stripped){xstrdup(text), field, source_id(l->c, pm),
						 at ? *at : pm->id_loc, false};
	}
	free(f);
}

/* Every value of the fields public.strip names that the site shows anyway: a published name is not a leak. */
static void shown_values(const struct corpus *c, struct strmap *m)
{
	const struct site *s = &c->site;
	published_names(c, m);
	for (size_t i = 0; i < c->npms; i++) { /* what public.strip left (publish/profile.h) */
		const struct postmortem *pm = &c->pms[i];
		add_name(m, pm->owner);
		for (size_t k = 0; k < pm->nauthors; k++)
			add_name(m, pm->authors[k].name);
		for (size_t k = 0; k < pm->nactions; k++) {
			add_name(m, pm->actions[k].owner);
			add_name(m, pm->actions[k].ticket);
		}
		for (size_t t = 0; pm->taxa && t < s->ntaxonomies; t++) /* site.yaml taxonomies: */
			for (size_t k = 0;
			     k < pm->taxa[t].n && !profile_strips(s, s->taxonomies[t]); k++)
				add_name(m, pm->taxa[t].v[k].name);
	}
}

/* s without leading and trailing blanks, in place. */
static char *trim_blanks(char *s)
{
	while (blank((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && blank((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static const struct postmortem *pm_by_path(const struct corpus *c, const char *file)
{
	for (size_t i = 0; file && i < c->npms; i++)
		if (!strcmp(c->pms[i].path, file))
			return &c->pms[i];
	return NULL;
}

/* What the redactor cut from body annotations on the source ("ticket: X"): the values. */
static void stripped_by_redactor(const struct corpus *c, struct strip_list *l)
{
	size_t n = 0;
	const struct redaction *v = c->redactor ? redactor_log(c->redactor, &n) : NULL;
	for (size_t i = 0; i < n; i++) {
		const char *colon = v[i].rule == REDACT_STRIP ? strchr(v[i].before, ':') : NULL;
		const struct postmortem *pm = colon ? pm_by_path(c, v[i].file) : NULL;
		if (!pm)
			continue;
		struct loc at = {pm->path, v[i].line, v[i].col};
		char *value = xstrdup(colon + 1);
		strip_add(l, trim_blanks(value),
			  strncmp(v[i].before, "ticket", 6) ? "action_items.owner"
							    : "action_items.ticket",
			  pm, &at);
		free(value);
	}
}

struct prose {
	const struct needles *nd;
	struct strip_list *l;
	struct view v;
};

static void prose_hit(void *ctx, int needle, size_t start, size_t end)
{
	struct prose *x = ctx;
	if (bounded(x->v.s, x->v.len, start, end, false))
		x->l->v[x->nd->v[needle].index].prose = true;
}

static void prose_scan(struct prose *x, const char *text)
{
	if (!text)
		return;
	fold(&x->v, text, strlen(text), NULL, FOLD_MATCH);
	ac_scan(&x->nd->ac, x->v.s, x->v.len, prose_hit, x);
}

/*
 * Mark the values that published text has: bodies as published (the
 * annotations already cut), pages, titles, summaries, action items.  A
 * value the prose publishes is published: finding it as the field tells
 * nothing more (and a ticket named in prose is the writer's choice).
 */
static void mark_prose(const struct corpus *c, struct strip_list *l)
{
	struct needles nd = {0};
	struct view flat = {0}, attrs = {0};
	struct prose x = {&nd, l, {0}};
	for (size_t i = 0; i < l->n; i++)
		needle_add(&nd, l->v[i].text, K_STRIPPED, i);
	ac_build(&nd.ac);
	for (size_t i = 0; nd.n && i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		prose_scan(&x, pm->text);
		prose_scan(&x, pm->title);
		prose_scan(&x, pm->summary);
		prose_scan(&x, pm->impact.description);
		for (size_t k = 0; k < pm->nactions; k++) {
			prose_scan(&x, pm->actions[k].title);
			prose_scan(&x, pm->actions[k].success_criteria);
		}
	}
	for (size_t i = 0; nd.n && i < c->npages; i++) {
		const char *html = c->pages[i].html ? c->pages[i].html : "";
		prose_scan(&x, c->pages[i].title);
		flatten(&flat, &attrs, html, strlen(html));
		prose_scan(&x, flat.s);
	}
	view_release(&x.v);
	view_release(&flat);
	view_release(&attrs);
	ac_release(&nd.ac);
	free(nd.v);
}

static void strip_list_release(struct strip_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	strmap_release(&l->seen);
	strmap_release(&l->shown);
}

/* The values a public build strips, each once. */
static void stripped_values(const struct corpus *c, struct strip_list *l)
{
	const struct site *s = &c->site;
	l->c = c;
	if (c->profile != PROFILE_PUBLIC)
		return;
	shown_values(c, &l->shown);
	size_t v = 0; /* c->stripped is by postmortem */
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		for (; v < c->nstripped && c->stripped[v].pm == i; v++)
			strip_add(l, c->stripped[v].text, strip_field_names[c->stripped[v].field],
				  pm, &c->stripped[v].loc);
		for (size_t k = 0; k < pm->nstripped; k++)
			strip_add(l, pm->stripped[k], "action_items", pm, NULL);
		/* a taxonomy public.strip names: no pages (taxonomy.h) */
		for (size_t t = 0; pm->taxa && t < s->ntaxonomies; t++)
			for (size_t k = 0; k < pm->taxa[t].n && profile_strips(s, s->taxonomies[t]);
			     k++)
				strip_add(l, pm->taxa[t].v[k].name, s->taxonomies[t], pm,
					  &pm->taxa[t].v[k].loc);
	}
	stripped_by_redactor(c, l);
	if (!c->prose_noted) {
		mark_prose(c, l);
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		char *f = fold_str(l->v[i].text);
		l->v[i].prose = strmap_get(&c->prose_values, f) != SIZE_MAX;
		free(f);
	}
}

void leak_note_prose(struct corpus *c)
{
	struct strip_list l = {0};
	c->prose_noted = false;
	stripped_values(c, &l);
	for (size_t i = 0; i < l.n; i++) {
		char *f = fold_str(l.v[i].text);
		if (l.v[i].prose)
			strmap_put(&c->prose_values, f, 0);
		free(f);
	}
	c->prose_noted = true;
	strip_list_release(&l);
}

static void build_needles(const struct corpus *c, const struct strip_list *sl, struct needles *nd)
{
	enum leak_title *mode = xcalloc(c->nhidden ? c->nhidden : 1, sizeof(*mode));
	const char **why = xcalloc(c->nhidden ? c->nhidden : 1, sizeof(*why));
	leak_titles(c, mode, why);
	for (size_t i = 0; i < c->nhidden; i++) {
		char *slug = slugify(c->hidden[i].id), *a = fold_str(c->hidden[i].id),
		     *b = fold_str(slug);
		needle_add(nd, c->hidden[i].id, K_ID, i);
		if (strcmp(a, b))
			needle_add(nd, slug, K_ID, i);
		if (mode[i] != LEAK_TITLE_NOT)
			needle_add(nd, c->hidden[i].title,
				   mode[i] == LEAK_TITLE_FIELD ? K_TITLE_FIELD : K_TITLE, i);
		free(slug);
		free(a);
		free(b);
	}
	for (size_t i = 0; c->internal_ids && i < c->npms; i++) {
		if (!c->internal_ids[i])
			continue;
		char *slug = slugify(c->internal_ids[i]), *a = fold_str(c->internal_ids[i]),
		     *b = fold_str(slug);
		needle_add(nd, c->internal_ids[i], K_INTERNAL_ID, i);
		if (strcmp(a, b))
			needle_add(nd, slug, K_INTERNAL_ID, i);
		free(slug);
		free(a);
		free(b);
	}
	for (size_t i = 0; i < c->site.ndeny; i++)
		needle_add(nd, c->site.deny[i], K_DENY, i);
	for (size_t i = 0; i < sl->n; i++)
		if (!sl->v[i].prose)
			needle_add(nd, sl->v[i].text, K_STRIPPED, i);
	ac_build(&nd->ac);
	free(mode);
	free(why);
}

/* ---- scanning the output ---------------------------------------------------------------- */

/* A leak found in one file: what (kind, index, the pattern's match) and where (byte, line). */
struct hit {
	enum kind kind;
	size_t index;
	char *text;
	uint32_t off;
	int line;
};

struct found {
	struct hit *h;
	size_t n, alloc;
	bool unchecked; /* a pattern could not be run to the end */
	int rule, rc;
};

struct worker {
	struct view dec, flat, attrs, fold, pat;
	pcre2_match_data *md;
};

struct scan {
	const struct corpus *c;
	struct strip_list strip;
	struct needles nd;
	pcre2_code **re;
	size_t nre;
	pcre2_match_context *mctx;
	struct fs_entry *files;
	size_t nfiles;
	struct found *found; /* per file */
	bool *unreadable;    /* per file */
	bool *undecodable;   /* per file: neither UTF-8, UTF-16, Windows-1252 nor a known binary */
	struct worker *w;    /* per thread */
};

static void add_hit(struct found *f, enum kind kind, size_t index, const char *text, size_t tlen,
		    uint32_t off)
{
	for (size_t i = 0; i < f->n; i++) {
		struct hit *h = &f->h[i];
		if (h->kind != kind || h->index != index)
			continue;
		if (text && (strlen(h->text) != tlen || memcmp(h->text, text, tlen)))
			continue;
		if (off < h->off)
			h->off = off;
		return;
	}
	ALLOC_GROW(f->h, f->n + 1, f->alloc);
	f->h[f->n++] = (struct hit){kind, index, text ? xstrndup(text, tlen) : NULL, off, 0};
}

struct file_scan {
	const struct scan *sc;
	struct found *f;
	const struct view *folded;
};

static void file_hit(void *ctx, int needle, size_t start, size_t end)
{
	struct file_scan *x = ctx;
	const struct needle *n = &x->sc->nd.v[needle];
	const struct view *v = x->folded;
	bool token = n->kind == K_ID || n->kind == K_INTERNAL_ID;
	if (n->kind != K_DENY && !bounded(v->s, v->len, start, end, token))
		return;
	if (n->kind == K_TITLE_FIELD && !alone(v->s, v->len, start, end))
		return;
	add_hit(x->f, n->kind == K_TITLE_FIELD ? K_TITLE : n->kind, n->index, NULL, 0,
		v->map[start]);
}

/* The index after the UTF-8 character at i (or after the byte, in invalid text). */
static size_t next_char(const char *s, size_t n, size_t i)
{
	i++;
	while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
		i++;
	return i;
}

static void scan_patterns(const struct scan *sc, struct worker *w, struct found *f, const char *s,
			  size_t n, const uint32_t *map)
{
	for (size_t r = 0; r < sc->nre; r++) {
		for (size_t pos = 0; pos <= n;) {
			int rc = pcre2_match(sc->re[r], (PCRE2_SPTR)s, n, pos, 0, w->md, sc->mctx);
			/* the interpreter has no such limit */
			if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
				rc = pcre2_match(sc->re[r], (PCRE2_SPTR)s, n, pos, PCRE2_NO_JIT,
						 w->md, sc->mctx);
			if (rc == PCRE2_ERROR_NOMATCH)
				break;
			if (rc < 0) { /* cannot tell: a failure, never a pass */
				f->unchecked = true;
				f->rule = (int)r;
				f->rc = rc;
				break;
			}
			const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(w->md);
			if (ov[1] > ov[0]) {
				size_t len = ov[1] - ov[0];
				add_hit(f, K_PATTERN, r, s + ov[0],
					len > MAX_SHOWN ? MAX_SHOWN : len, map_at(map, ov[0]));
				pos = ov[1];
			} else {
				pos = next_char(s, n, ov[0] > pos ? ov[0] : pos);
			}
		}
	}
}

static void scan_view(const struct scan *sc, struct worker *w, struct found *f, const char *s,
		      size_t n, const uint32_t *map, bool text)
{
	struct file_scan x = {sc, f, &w->fold};
	bool folded = fold(&w->fold, s, n, map, FOLD_MATCH);
	ac_scan(&sc->nd.ac, w->fold.s, w->fold.len, file_hit, &x);
	if (!text || !sc->nre)
		return;
	scan_patterns(sc, w, f, s, n, map);
	if (folded) { /* and as a pattern reads the normalised text: "10.１.２.３", "ОPS-1" */
		fold(&w->pat, s, n, map, FOLD_PATTERN);
		scan_patterns(sc, w, f, w->pat.s, w->pat.len, w->pat.map);
	}
}

static bool markup(const char *path)
{
	static const char *const ext[] = {".html", ".htm",  ".xhtml", ".xml",
					  ".svg",  ".atom", ".rss"};
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		if (str_ends(path, ext[i]))
			return true;
	return false;
}

static int cmp_hit_off(const void *va, const void *vb)
{
	const struct hit *a = va, *b = vb;
	return (a->off > b->off) - (a->off < b->off);
}

/* Lines of the hits of one file, in one pass. */
static void hit_lines(struct found *f, const char *s, size_t n)
{
	size_t pos = 0;
	int line = 1;
	sort_array(f->h, f->n, sizeof(*f->h), cmp_hit_off);
	for (size_t i = 0; i < f->n; i++) {
		for (; pos < f->h[i].off && pos < n; pos++)
			line += s[pos] == '\n';
		f->h[i].line = line;
	}
}

static void scan_file(void *ctx, size_t i, int worker)
{
	struct scan *sc = ctx;
	struct worker *w = &sc->w[worker];
	struct found *f = &sc->found[i];
	const char *path = sc->files[i].path;
	char *data;
	size_t n;
	if (fs_read(path, &data, &n) < 0) {
		sc->unreadable[i] = true;
		return;
	}
	bool text = utf8_valid(data, n) == n, csv = str_ends(path, ".csv");
	/* "a\0b\0" is UTF-8 too; utf16_guess reads the first 8 KiB, so a NUL after them changes nothing */
	if (!text || (memchr(data, '\0', n < 8192 ? n : 8192) &&
		      utf16_guess((const unsigned char *)data, n))) {
		bool readable;
		char *utf8 = decode_text(data, n, &n, &readable);
		if (!readable)
			sc->undecodable[i] = true;
		if (utf8) { /* hits are placed in the decoded text, lines are the same */
			free(data);
			data = utf8;
			text = true;
		}
	}
	const char *v = data;
	size_t vlen = n;
	const uint32_t *map = NULL;
	if (text && markup(path)) {
		flatten(&w->flat, &w->attrs, data, n);
		v = w->flat.s;
		vlen = w->flat.len;
		map = w->flat.map;
	}
	/* decoding only turns an escape into what it stands for */
	if (text && needs_decoding(v, vlen, csv)) {
		decode(&w->dec, v, vlen, map, csv);
		v = w->dec.s;
		vlen = w->dec.len;
		map = w->dec.map;
	}
	scan_view(sc, w, f, v, vlen, map, text);
	hit_lines(f, data, n);
	free(data);
}

/* ---- leaks: what was found where, and where it came from ---------------------------------- */

struct where {
	size_t file;
	int line;
};

struct leak {
	enum kind kind;
	size_t index;
	char *text; /* K_PATTERN: the match */
	struct where *out;
	size_t nout, aout;
	struct loc *src; /* published sources that have it */
	size_t nsrc, asrc;
};

struct leaks {
	struct leak *v;
	size_t n, alloc;
	struct strmap by_key;
};

static struct leak *leak_for(struct leaks *l, const struct hit *h)
{
	char *key = xstrfmt("%d:%zu:%s", (int)h->kind, h->index, h->text ? h->text : "");
	size_t i = strmap_get(&l->by_key, key);
	if (i == SIZE_MAX) {
		ALLOC_GROW(l->v, l->n + 1, l->alloc);
		l->v[l->n] = (struct leak){h->kind, h->index, h->text ? xstrdup(h->text) : NULL,
					   NULL,    0,	      0,
					   NULL,    0,	      0};
		i = l->n++;
		strmap_put(&l->by_key, key, i);
	}
	free(key);
	return &l->v[i];
}

static void collect(struct leaks *l, const struct scan *sc)
{
	for (size_t i = 0; i < sc->nfiles; i++) {
		for (size_t k = 0; k < sc->found[i].n; k++) {
			const struct hit *h = &sc->found[i].h[k];
			struct leak *lk = leak_for(l, h);
			if (lk->nout && lk->out[lk->nout - 1].file == i)
				continue;
			ALLOC_GROW(lk->out, lk->nout + 1, lk->aout);
			lk->out[lk->nout++] = (struct where){i, h->line};
		}
	}
}

/* Lines of s that are not published: internal blocks (markers included). skip[line] for line <= nlines. */
static bool *internal_lines(const char *s, size_t n, int *nlines)
{
	int lines = 1;
	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	bool *skip = xcalloc((size_t)lines + 2, sizeof(bool));
	bool open = false;
	int line = 1;
	for (const char *p = s, *end = s + n; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		enum internal_marker marker = internal_marker(p, e);
		if (marker == MARK_OPEN)
			open = true;
		skip[line] = open || marker == MARK_CLOSE;
		if (marker == MARK_CLOSE)
			open = false;
		p = nl ? nl + 1 : end;
	}
	*nlines = lines;
	return skip;
}

/* The lines of every node below n (site.yaml's public: section). */
static void node_lines(const struct ynode *n, bool *skip, int nlines)
{
	if (!n)
		return;
	if (n->loc.line > 0 && n->loc.line <= nlines)
		skip[n->loc.line] = true;
	for (size_t i = 0; (n->type == YN_SEQ || n->type == YN_MAP) && i < n->n; i++) {
		if (n->type == YN_MAP && n->key_locs[i].line > 0 && n->key_locs[i].line <= nlines)
			skip[n->key_locs[i].line] = true;
		node_lines(n->items[i], skip, nlines);
	}
}

struct src_scan {
	struct leaks *l;
	const struct needles *nd; /* needle i -> leak index nd->v[i].index */
	const char *path;
	const char *raw;
	const struct view *folded;
	const bool *skip;
	int nlines;
};

static void src_hit(void *ctx, int needle, size_t start, size_t end)
{
	struct src_scan *x = ctx;
	struct leak *lk = &x->l->v[x->nd->v[needle].index];
	enum kind k = lk->kind;
	bool token = k == K_ID || k == K_INTERNAL_ID;
	if ((token || k == K_TITLE || k == K_STRIPPED) &&
	    !bounded(x->folded->s, x->folded->len, start, end, token))
		return;
	struct loc loc = diag_loc_at(x->path, x->raw, x->folded->map[start]);
	if (x->skip && loc.line <= x->nlines && x->skip[loc.line])
		return;
	if (lk->nsrc > MAX_NOTES)
		return;
	for (size_t i = 0; i < lk->nsrc; i++)
		if (lk->src[i].line == loc.line && lk->src[i].col == loc.col &&
		    !strcmp(lk->src[i].file, loc.file))
			return;
	ALLOC_GROW(lk->src, lk->nsrc + 1, lk->asrc);
	lk->src[lk->nsrc++] = loc;
}

static void scan_source(struct src_scan *x, const char *path, const struct ynode *public_node)
{
	size_t n;
	struct view v = {0};
	char *s = fs_read_quiet(path, &n);
	if (!s)
		return;
	bool *skip = internal_lines(s, n, &x->nlines);
	node_lines(public_node, skip, x->nlines);
	fold(&v, s, n, NULL, FOLD_MATCH);
	x->path = path;
	x->raw = s;
	x->folded = &v;
	x->skip = skip;
	ac_scan(&x->nd->ac, v.s, v.len, src_hit, x);
	view_release(&v);
	free(skip);
	free(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Where in the published sources each leaked text is. */
static void locate(struct leaks *l, const struct scan *sc)
{
	const struct corpus *c = sc->c;
	struct needles nd = {0};
	for (size_t i = 0; i < l->n; i++) {
		const struct leak *lk = &l->v[i];
		const struct hidden *h = lk->kind <= K_TITLE ? &c->hidden[lk->index] : NULL;
		const char *text = lk->kind == K_ID	       ? h->id
				   : lk->kind == K_TITLE       ? h->title
				   : lk->kind == K_DENY	       ? c->site.deny[lk->index]
				   : lk->kind == K_INTERNAL_ID ? c->internal_ids[lk->index]
				   : lk->kind == K_STRIPPED    ? sc->strip.v[lk->index].text
							       : lk->text;
		needle_add(&nd, text, lk->kind, i);
		if (lk->kind == K_ID || lk->kind == K_INTERNAL_ID) {
			char *slug = slugify(text);
			needle_add(&nd, slug, K_ID, i);
			free(slug);
		}
	}
	ac_build(&nd.ac);
	struct src_scan x = {l, &nd, NULL, NULL, NULL, NULL, 0};
	const char **paths = xcalloc(c->npms + c->npages + 1, sizeof(char *));
	size_t np = 0;
	for (size_t i = 0; i < c->npms; i++)
		paths[np++] = c->pms[i].path;
	sort_array(paths, np, sizeof(*paths), cmp_str);
	for (size_t i = 0; i < c->npages; i++)
		paths[np++] = c->pages[i].path;
	for (size_t i = 0; i < np; i++)
		scan_source(&x, paths[i], NULL);
	if (c->site.path)
		scan_source(&x, c->site.path, ynode_get(c->site.front, "public"));
	free(paths);
	ac_release(&nd.ac);
	free(nd.v);
}

/* ---- reporting ----------------------------------------------------------------------------- */

static void add_outputs(struct buf *b, const struct leak *lk, const struct scan *sc,
			const char *shown)
{
	for (size_t i = 0; i < lk->nout && i < SHOWN_FILES; i++) {
		const char *rel = sc->files[lk->out[i].file].rel;
		if (shown)
			buf_addf(b, "%s%s/%s:%d", i ? ", " : "", shown, rel, lk->out[i].line);
		else
			buf_addf(b, "%s%s:%d", i ? ", " : "", rel, lk->out[i].line);
	}
	if (lk->nout > SHOWN_FILES)
		buf_addf(b, " (and %zu more file%s)", lk->nout - SHOWN_FILES,
			 lk->nout - SHOWN_FILES == 1 ? "" : "s");
}

/* Where a hidden postmortem's id or title is in its own file. */
static struct loc hidden_loc(const struct hidden *h, const char *text)
{
	struct loc loc = {h->path, h->line, 0};
	size_t n;
	char *s = fs_read_quiet(h->path, &n);
	const char *hit = s ? strstr(s, text) : NULL;
	if (hit)
		loc = diag_loc_at(h->path, s, (size_t)(hit - s));
	free(s);
	return loc;
}

static struct loc deny_loc(const struct corpus *c, size_t i)
{
	const struct ynode *d = ynode_get(ynode_get(c->site.front, "public"), "deny");
	struct loc loc = {c->site.path, 0, 0};
	if (d && d->type == YN_SEQ && i < d->n)
		loc = d->items[i]->loc;
	return loc;
}

/* A stripped value: at the first published source that has it (its own field, usually), notes at the others. */
static void report_stripped(const struct leak *lk, const struct stripped *v, const char *w)
{
	error(lk->nsrc ? &lk->src[0] : &v->at,
	      "\"%s\" (%s of %s) is stripped by public.strip but is in the output: %s", v->text,
	      v->field, v->id, w);
	for (size_t i = 1; i < lk->nsrc; i++)
		note(&lk->src[i], "\"%s\" is here too: redact it where it is not the field",
		     v->text);
}

static void report_leak(const struct leak *lk, const struct scan *sc, const char *shown)
{
	const struct corpus *c = sc->c;
	struct buf where = BUF_INIT;
	add_outputs(&where, lk, sc, shown);
	const char *w = buf_cstr(&where);
	size_t first = 0;
	if (lk->kind == K_ID || lk->kind == K_TITLE) {
		const struct hidden *h = &c->hidden[lk->index];
		struct loc loc = hidden_loc(h, lk->kind == K_ID ? h->id : h->title);
		if (lk->kind == K_ID)
			error(&loc,
			      "%s is not published (the public profile keeps public, complete postmortems) but its id "
			      "is in the output: %s",
			      h->id, w);
		else
			error(&loc, "%s is not published but its title \"%s\" is in the output: %s",
			      h->id, h->title, w);
		for (size_t i = 0; i < lk->nsrc; i++)
			note(&lk->src[i], "mentions %s%s, which is not published",
			     lk->kind == K_ID ? "" : "the title of ", h->id);
		buf_release(&where);
		return;
	}
	if (lk->kind == K_INTERNAL_ID) {
		const struct postmortem *pm = &c->pms[lk->index];
		error(&pm->id_loc,
		      "%s is published as %s, but its internal id is in the output: %s",
		      c->internal_ids[lk->index], pm->id, w);
		note(&pm->id_loc,
		     "ids in sequence would tell readers of the postmortems left out between them: write "
		     "[[%s]] (a link to its public page) or redact it (public.show_ids: true publishes ids)",
		     c->internal_ids[lk->index]);
		for (size_t i = 0; i < lk->nsrc; i++)
			if (strcmp(lk->src[i].file, pm->path) || lk->src[i].line != pm->id_loc.line)
				note(&lk->src[i], "mentions %s", c->internal_ids[lk->index]);
		buf_release(&where);
		return;
	}
	if (lk->kind == K_STRIPPED) {
		report_stripped(lk, &sc->strip.v[lk->index], w);
		buf_release(&where);
		return;
	}
	struct loc loc =
		lk->kind == K_DENY ? deny_loc(c, lk->index) : c->site.redact[lk->index].loc;
	if (lk->nsrc) {
		loc = lk->src[0];
		first = 1;
	}
	if (lk->kind == K_DENY)
		error(&loc, "\"%s\" (public.deny) is in the output: %s", c->site.deny[lk->index],
		      w);
	else
		error(&loc, "redact pattern %zu ('%s') still matches \"%s\" in the output: %s",
		      lk->index + 1, c->site.redact[lk->index].pattern, lk->text, w);
	if (!lk->nsrc)
		note(&loc,
		     "no published source has it: it comes from the theme, static/ or a hook");
	for (size_t i = first; i < lk->nsrc; i++)
		note(&lk->src[i], "\"%s\" is here too",
		     lk->kind == K_DENY ? c->site.deny[lk->index] : lk->text);
	buf_release(&where);
}

static int cmp_leak(const void *va, const void *vb)
{
	const struct leak *a = va, *b = vb;
	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return strcmp(a->text ? a->text : "", b->text ? b->text : "");
}

/* ---- the check -------------------------------------------------------------------------------- */

static void compile_patterns(struct scan *sc)
{
	const struct site *s = &sc->c->site;
	sc->re = xcalloc(s->nredact ? s->nredact : 1, sizeof(*sc->re));
	for (size_t i = 0; i < s->nredact; i++) {
		int code;
		PCRE2_SIZE off;
		pcre2_code *re =
			pcre2_compile((PCRE2_SPTR)s->redact[i].pattern, PCRE2_ZERO_TERMINATED,
				      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
		if (!re) /* site_load refused it already */
			BUG("redact pattern \"%s\" does not compile", s->redact[i].pattern);
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
		sc->re[sc->nre++] = re;
	}
	sc->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(sc->mctx, 10000000u);
}

static void scan_release(struct scan *sc, int jobs)
{
	for (size_t i = 0; i < sc->nfiles; i++) {
		for (size_t k = 0; k < sc->found[i].n; k++)
			free(sc->found[i].h[k].text);
		free(sc->found[i].h);
	}
	free(sc->found);
	free(sc->unreadable);
	free(sc->undecodable);
	for (int i = 0; i < jobs; i++) {
		view_release(&sc->w[i].dec);
		view_release(&sc->w[i].flat);
		view_release(&sc->w[i].attrs);
		view_release(&sc->w[i].fold);
		view_release(&sc->w[i].pat);
		pcre2_match_data_free(sc->w[i].md);
	}
	free(sc->w);
	for (size_t i = 0; i < sc->nre; i++)
		pcre2_code_free(sc->re[i]);
	free(sc->re);
	pcre2_match_context_free(sc->mctx);
	ac_release(&sc->nd.ac);
	free(sc->nd.v);
	strip_list_release(&sc->strip);
	fs_entries_free(sc->files, sc->nfiles);
}

static void leaks_release(struct leaks *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].out);
		free(l->v[i].src);
	}
	free(l->v);
	strmap_release(&l->by_key);
}

int leak_check(const struct corpus *c, const char *tree, const char *shown, int jobs)
{
	struct scan sc = {.c = c};
	struct leaks l = {NULL, 0, 0, STRMAP_INIT};
	int ret = 0;
	jobs = jobs < 1 ? 1 : jobs;
	stripped_values(c, &sc.strip);
	build_needles(c, &sc.strip, &sc.nd);
	compile_patterns(&sc);
	if (fs_walk(tree, "", &sc.files, &sc.nfiles) < 0)
		ret = -1;
	sc.found = xcalloc(sc.nfiles ? sc.nfiles : 1, sizeof(*sc.found));
	sc.unreadable = xcalloc(sc.nfiles ? sc.nfiles : 1, sizeof(bool));
	sc.undecodable = xcalloc(sc.nfiles ? sc.nfiles : 1, sizeof(bool));
	sc.w = xcalloc((size_t)jobs, sizeof(*sc.w));
	for (int i = 0; i < jobs; i++)
		sc.w[i].md = pcre2_match_data_create(1, NULL);
	if (sc.nd.n || sc.nre)
		parallel_for(sc.nfiles, jobs, scan_file, &sc);
	for (size_t i = 0; i < sc.nfiles; i++) {
		if (sc.unreadable[i])
			ret = -1;
		if (sc.undecodable[i]) {
			char *path = shown ? path_join(shown, sc.files[i].rel)
					   : xstrdup(sc.files[i].rel);
			struct loc at = {path, 0, 0};
			ret = error(
				&at,
				"the leak check cannot read this file (expected UTF-8, UTF-16 or Windows-1252 "
				"text, or an image, font or archive): a public build publishes nothing it cannot check");
			free(path);
		}
		if (sc.found[i].unchecked) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(sc.found[i].rc, msg, sizeof(msg));
			char *path = shown ? path_join(shown, sc.files[i].rel)
					   : xstrdup(sc.files[i].rel);
			ret = error(&c->site.redact[sc.found[i].rule].loc,
				    "cannot check %s for redact pattern %d: %s", path,
				    sc.found[i].rule + 1, (const char *)msg);
			free(path);
		}
	}
	collect(&l, &sc);
	if (l.n) {
		locate(&l, &sc);
		sort_array(l.v, l.n, sizeof(*l.v), cmp_leak);
		for (size_t i = 0; i < l.n && i < MAX_LEAKS; i++)
			report_leak(&l.v[i], &sc, shown);
		if (l.n > MAX_LEAKS)
			error(NULL, "%zu more leaks not shown", l.n - MAX_LEAKS);
		error(NULL,
		      "the public build leaks %zu internal string%s: the previous output is left as it was",
		      l.n, l.n == 1 ? "" : "s");
		ret = -1;
	}
	leaks_release(&l);
	scan_release(&sc, jobs);
	return ret;
}
