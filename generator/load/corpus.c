/* corpus: find, read and parse every source file (see corpus.h). */
#include "load/corpus.h"

#include "base/deadline.h"
#include "base/fsutil.h"
#include "base/parallel.h"
#include "load/fieldmap.h"
#include "load/frontmatter.h"
#include "load/hooks.h"
#include "load/markdown.h"
#include "model/slug.h"
#include "publish/profile.h"
#include "publish/redact.h"

#include <stdlib.h>
#include <string.h>

struct load {
	struct corpus *c;
	struct fs_entry *files;
	struct postmortem *pms;
	bool *ok;
	bool *skipped; /* left out by import.on_invalid: skip */
	bool keep_sources;
};

static bool selected(const struct corpus *c, const struct postmortem *pm)
{
	if (c->profile == PROFILE_INTERNAL)
		return true;
	return pm->visibility == VIS_PUBLIC && pm->status == STATUS_COMPLETE;
}

/*
 * The front matter's tree, once the postmortem is loaded: `check` keeps it
 * for the lint rules (packed to its size); a build keeps only the text, and
 * only in the internal profile (pm.fields); see model.h.  text: the file's.
 */
static void keep_front(struct load *l, struct postmortem *pm, const char *text)
{
	if (l->keep_sources) {
		pm->front = ynode_pack(pm->front);
	} else {
		if (l->c->profile == PROFILE_INTERNAL)
			pm->yaml = xstrndup(text + pm->yaml_off, pm->yaml_len);
		ynode_free(pm->front);
		pm->front = NULL;
	}
}
#define STRIP_KEYS_MAX 8

/*
 * How a build parses Markdown: a public build drops internal blocks and
 * cuts the annotation keys of the action_items.KEY names in public.strip
 * ("owner", "ticket"; pointed to in keys, room for STRIP_KEYS_MAX).
 */
static struct md_opts md_options(const struct corpus *c, const char **keys)
{
	size_t n = 0;
	bool public = c->profile == PROFILE_PUBLIC;
	for (size_t i = 0; public && i < c->site.nstrip && n < STRIP_KEYS_MAX; i++)
		if (str_starts(c->site.strip[i], "action_items.") && c->site.strip[i][13])
			keys[n++] = c->site.strip[i] + 13;
	return (struct md_opts){.allow_html = c->site.allow_html,
				.strip_internal = public,
				.strip_keys = keys,
				.nstrip_keys = n,
				.limits = &c->site.md_limits};
}

static int parse_one(struct load *l, size_t i, int worker);

/* The "Action items" section that yielded no item (fieldmap.h): a warning, not a silent 0. */
static void check_actions_section(const struct postmortem *pm)
{
	if (pm->actions_section.line && pm->nactions == 0)
		warning(&pm->actions_section,
			"the \"Action items\" section has no item aftermath can read (expected a table with an Action and an Owner column, a task list or a list)");
}

/*
 * A file whose fields have other problems is left out of the corpus, so the
 * graph never checks its services against the registry: check them here,
 * so that one run tells every problem of the file.
 */
static void check_registry_of_failed(const struct site *s, const struct postmortem *pm)
{
	for (size_t k = 0; s->has_registry && k < pm->nservices; k++)
		if (!site_service_registered(s, pm->services[k].name))
			error(&pm->services[k].loc,
			      "unknown service \"%s\" (not in site.yaml's services registry; add it there or use a registered name)",
			      pm->services[k].name);
}

/* The body's problems too (internal blocks, annotations), for the same reason. */
static void check_body_of_failed(const struct corpus *c, struct postmortem *pm)
{
	check_registry_of_failed(&c->site, pm);
	if (!pm->body)
		return;
	const char *keys[STRIP_KEYS_MAX];
	struct md_opts opts = md_options(c, keys);
	markdown_parse(pm, &opts);
}

/* import.on_invalid: skip: a file with errors is left out, its problems told as notes, and one warning. */
static void load_one(void *ctx, size_t i, int worker)
{
	struct load *l = ctx;
	const struct import_cfg *ic = l->c->site.import;
	bool skip = ic && ic->skip_invalid;
	if (skip)
		diag_demote(true);
	deadline_file(l->files[i].path);
	int ret = parse_one(l, i, worker);
	deadline_file(NULL);
	if (!skip)
		return;
	diag_demote(false);
	if (ret < 0) {
		struct loc loc = {l->pms[i].path, 1, 1};
		warning(&loc,
			"left out of the build (import.on_invalid: skip): its problems are the notes for this file");
		l->skipped[i] = true;
	}
}

/* Read, redact and parse postmortem i: -1 when the file has problems (reported), 0 when it loaded or is not selected. */
static int parse_one(struct load *l, size_t i, int worker)
{
	struct postmortem *pm = &l->pms[i];
	char *text;
	size_t len;
	pm->path = xstrdup(l->files[i].path);
	pm->rel = path_join("postmortems", l->files[i].rel);
	if (fs_read(pm->path, &text, &len) < 0)
		return -1;
	int ret = frontmatter_parse(pm, &l->c->site, text, len);
	if (ret < 0) {
		check_body_of_failed(l->c, pm);
		free(text);
		return -1;
	}
	if (ret == 0 && selected(l->c, pm) && l->c->redactor)
		ret = redact_pm(l->c->redactor, worker, pm, text, len);
	const struct import_cfg *ic = l->c->site.import;
	/* on_postmortem: computed fields */
	if (ret == 0 && selected(l->c, pm) && ic && ic->hooks) {
		bool public_build = l->c->profile == PROFILE_PUBLIC;
		ret = hooks_on_postmortem(ic->hooks, pm, &l->c->site, public_build, &pm->computed);
		if (public_build) /* only what computed.public names is published */
			fieldmap_keep_computed(pm->computed, &ic->computed_public);
	}
	if (ret < 0 || !selected(l->c, pm)) {
		free(text);
		return ret;
	}
	const char *keys[STRIP_KEYS_MAX];
	struct md_opts opts = md_options(l->c, keys);
	int parsed = markdown_parse(pm, &opts);
	if (!l->keep_sources) {
		free(pm->body);
		pm->body = NULL;
	}
	keep_front(l, pm, text);
	free(text);
	if (parsed < 0)
		return -1;
	check_actions_section(pm);
	/* its errors fail the run, the file stays */
	policy_apply(&l->c->site.policy, pm, l->c->site.severities[pm->severity]);
	l->ok[i] = true;
	return 0;
}

/* Newest first: by date, then by id. */
static int cmp_pm(const void *va, const void *vb)
{
	const struct postmortem *a = va, *b = vb;
	if (a->date.epoch != b->date.epoch)
		return a->date.epoch > b->date.epoch ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Report duplicate ids and page names; later files (in path order) lose. */
static void check_ids(struct corpus *c, struct load *l, size_t n)
{
	struct strmap slugs = STRMAP_INIT;
	for (size_t i = 0; i < n; i++) {
		struct postmortem *pm = &l->pms[i];
		if (!pm->id || !pm->slug)
			continue;
		size_t first = strmap_get(&c->all_ids, pm->id);
		if (first == SIZE_MAX)
			first = strmap_get(&slugs, pm->slug);
		if (first != SIZE_MAX) {
			const struct postmortem *f = &l->pms[first];
			error(&pm->id_loc, "duplicate id \"%s\" (already used by %s:%d%s)", pm->id,
			      f->path, f->id_loc.line,
			      strcmp(f->id, pm->id) ? ", which has the same page name" : "");
			l->ok[i] = false;
			continue;
		}
		strmap_put(&c->all_ids, pm->id, i);
		strmap_put(&slugs, pm->slug, i);
	}
	strmap_release(&slugs);
}

static int load_postmortems(struct corpus *c, int jobs, bool keep_sources)
{
	char *dir = path_join(c->dir, "postmortems");
	struct load l = {.c = c, .keep_sources = keep_sources};
	size_t n;
	int ret = fs_walk(dir, ".md", &l.files, &n);
	free(dir);
	l.pms = xcalloc(n, sizeof(*l.pms));
	l.ok = xcalloc(n, sizeof(*l.ok));
	l.skipped = xcalloc(n ? n : 1, sizeof(*l.skipped));
	parallel_for(n, jobs, load_one, &l);
	check_ids(c, &l, n);
	c->nsources = n;
	c->pms = xcalloc(n, sizeof(*c->pms));
	c->hidden = xcalloc(n ? n : 1, sizeof(*c->hidden));
	size_t nskipped = 0;
	for (size_t i = 0; i < n; i++) {
		if (l.ok[i]) {
			c->pms[c->npms++] = l.pms[i];
			continue;
		}
		nskipped += l.skipped[i];
		if (l.pms[i].id && l.pms[i].title && !selected(c, &l.pms[i])) {
			struct hidden *h = &c->hidden[c->nhidden++];
			h->id = xstrdup(l.pms[i].id);
			h->title = xstrdup(l.pms[i].title);
			h->path = xstrdup(l.pms[i].path);
			h->line = l.pms[i].id_loc.line;
		}
		pm_release(&l.pms[i]);
	}
	qsort(c->pms, c->npms, sizeof(*c->pms), cmp_pm);
	for (size_t i = 0; i < c->npms; i++)
		strmap_put(&c->by_id, c->pms[i].id, i);
	if (n - nskipped != c->npms && c->profile == PROFILE_INTERNAL)
		ret = -1;
	fs_entries_free(l.files, n);
	free(l.pms);
	free(l.ok);
	free(l.skipped);
	return ret;
}

/* The site's own pages: a page under one of these names would replace one. */
static const char *const generated[] = {
	"actions",     "api",	 "assets",   "factors", "metrics",  "owners",
	"postmortems", "search", "services", "tags",	"timeline",
};

/*
 * The slug of pages/<name>.md: <name> slugified.  -1 after an error when it
 * is empty, the name of a generated page, or the slug of an earlier page.
 */
static int page_slug(struct corpus *c, struct strmap *slugs, struct page *pg,
		     const struct fs_entry *f)
{
	struct loc loc = {f->path, 1, 1};
	char *stem = xstrndup(f->rel, strlen(f->rel) - 3);
	pg->slug = slugify(stem);
	free(stem);
	if (!*pg->slug)
		return error(&loc,
			     "a page's file name needs a letter or a digit (it is the page's URL)");
	for (size_t i = 0; i < ARRAY_SIZE(generated); i++)
		if (!strcmp(pg->slug, generated[i]))
			return error(
				&loc,
				"pages/%s would be at /%s/, which aftermath's own pages use (expected another file name)",
				f->rel, generated[i]);
	if (c->site.links.nteams && !strcmp(pg->slug, "teams"))
		return error(
			&loc,
			"pages/%s would be at /teams/, the index of site.yaml's teams (expected another file name)",
			f->rel);
	for (size_t i = 0; c->site.import && i < c->site.import->ntax; i++)
		if (!strcmp(pg->slug, c->site.import->tax[i].name))
			return error(
				&loc,
				"pages/%s would be at /%s/, the page of the taxonomy %s (expected another file name)",
				f->rel, pg->slug, pg->slug);
	size_t other = strmap_get(slugs, pg->slug);
	if (other != SIZE_MAX)
		return error(&loc, "pages/%s has the URL /%s/ of %s (expected one page per URL)",
			     f->rel, pg->slug, c->pages[other].rel);
	return 0;
}

static int load_page(struct corpus *c, struct strmap *slugs, const struct fs_entry *f)
{
	struct page *pg = &c->pages[c->npages];
	char *text;
	size_t len;
	const char *body;
	char *own = NULL;
	int body_line;
	memset(pg, 0, sizeof(*pg));
	pg->path = xstrdup(f->path);
	pg->rel = path_join("pages", f->rel);
	if (page_slug(c, slugs, pg, f) < 0 || fs_read(f->path, &text, &len) < 0)
		goto fail;
	const char *keys[STRIP_KEYS_MAX];
	struct md_opts opts = md_options(c, keys);
	if (frontmatter_page(pg, text, len, &body, &body_line) < 0) {
		free(text);
		goto fail;
	}
	own = xstrdup(body);
	free(text);
	if ((c->redactor && redact_page(c->redactor, 0, pg, &own, body_line) < 0) ||
	    markdown_parse_page(pg, own, body_line, &opts) < 0)
		goto fail;
	free(own);
	strmap_put(slugs, pg->slug, c->npages++);
	return 0;
fail:
	free(own);
	page_release(pg);
	return -1;
}

static int load_pages(struct corpus *c)
{
	char *dir = path_join(c->dir, "pages");
	struct fs_entry *files;
	size_t n;
	int ret = fs_walk(dir, ".md", &files, &n);
	free(dir);
	struct strmap slugs = STRMAP_INIT; /* page slug -> index in c->pages */
	c->pages = xcalloc(n ? n : 1, sizeof(*c->pages));
	for (size_t i = 0; i < n; i++) {
		if (strchr(files[i].rel, '/')) {
			struct loc loc = {files[i].path, 0, 0};
			warning(&loc, "pages/ is flat: pages in sub-folders are not built");
			continue;
		}
		deadline_file(files[i].path);
		if (load_page(c, &slugs, &files[i]) < 0)
			ret = -1;
		deadline_file(NULL);
	}
	strmap_release(&slugs);
	fs_entries_free(files, n);
	return ret;
}

/* ---- public ids ------------------------------------------------------------ */

struct pub {
	size_t pm;
	char date[11];
	char *words; /* slug of the title */
};

static int cmp_pub(const void *va, const void *vb)
{
	const struct pub *a = va, *b = vb;
	int c = strcmp(a->date, b->date);
	return c ? c : strcmp(a->words, b->words);
}

/* How many leading '-'-separated words a and b share. */
static size_t common_words(const char *a, const char *b)
{
	size_t n = 0;
	for (;; a++, b++) {
		if ((*a == '-' || !*a) && (*b == '-' || !*b)) {
			n++;
			if (!*a || !*b)
				return n;
		} else if (*a != *b) {
			return n;
		}
	}
}

/* The first `words` words of s (all of them when it has fewer). */
static char *first_words(const char *s, size_t words)
{
	const char *p = s;
	while (*p && words) {
		p += strcspn(p, "-");
		if (--words && *p)
			p++;
	}
	return xstrndup(s, (size_t)(p - s));
}

static size_t count_slug_words(const char *s)
{
	size_t n = *s ? 1 : 0;
	for (; *s; s++)
		n += *s == '-';
	return n;
}

/* Give every published postmortem its public id (see corpus.h).  -1 after errors. */
static int public_ids(struct corpus *c)
{
	int ret = 0;
	struct pub *v = xcalloc(c->npms ? c->npms : 1, sizeof(*v));
	char **ids = xcalloc(c->npms ? c->npms : 1, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < c->npms; i++) {
		struct postmortem *pm = &c->pms[i];
		if (pm->public_id) {
			char *slug = slugify(pm->public_id);
			if (!*slug)
				ret = error(
					&pm->public_id_loc,
					"public_id must be text with a letter or a digit (it is the public page's URL)");
			else
				ids[i] = xstrdup(pm->public_id);
			free(slug);
			continue;
		}
		v[n].pm = i;
		when_date(&pm->date, v[n].date);
		v[n++].words = slugify(pm->title ? pm->title : "");
	}
	sort_array(v, n, sizeof(*v), cmp_pub);
	for (size_t k = 0; k < n; k++) {
		size_t need = 1, have = count_slug_words(v[k].words);
		for (int d = -1; d <= 1; d += 2) {
			size_t j = k + (size_t)d;
			if ((d < 0 && !k) || j >= n || strcmp(v[j].date, v[k].date))
				continue;
			size_t common = common_words(v[j].words, v[k].words);
			if (common + 1 > need)
				need = common + 1;
		}
		if (need > have && have) {
			ret = error(
				&c->pms[v[k].pm].title_loc,
				"another postmortem published on %s has the same title, so they would get the same "
				"public id (expected a public_id in one of them)",
				v[k].date);
			need = have;
		}
		char *words = first_words(v[k].words, need);
		ids[v[k].pm] = *words ? xstrfmt("%s-%s", v[k].date, words) : xstrdup(v[k].date);
		free(words);
	}
	for (size_t k = 0; k < n; k++)
		free(v[k].words);
	free(v);
	struct strmap slugs = STRMAP_INIT;
	c->internal_ids = xcalloc(c->npms ? c->npms : 1, sizeof(char *));
	for (size_t i = 0; i < c->npms; i++) {
		struct postmortem *pm = &c->pms[i];
		if (!ids[i])
			continue; /* a bad public_id, reported */
		char *slug = slugify(ids[i]);
		size_t other = strmap_get(&slugs, slug);
		if (other != SIZE_MAX)
			ret = error(
				&pm->id_loc,
				"%s would have the public id \"%s\" of %s (expected another public_id)",
				pm->id, ids[i], c->internal_ids[other]);
		strmap_put(&slugs, slug, i);
		c->internal_ids[i] = pm->id;
		pm->id = ids[i];
		free(pm->slug);
		pm->slug = slug;
	}
	strmap_release(&slugs);
	free(ids);
	return ret;
}

void corpus_drop_texts(struct corpus *c)
{
	for (size_t i = 0; i < c->npms; i++) {
		free(c->pms[i].text);
		c->pms[i].text = NULL;
	}
}

int corpus_load(struct corpus *c, const char *dir, enum profile profile, int jobs,
		bool keep_sources)
{
	memset(c, 0, sizeof(*c));
	c->dir = xstrdup(dir);
	c->profile = profile;
	site_init(&c->site);
	if (!fs_is_dir(dir)) {
		struct loc loc = {dir, 0, 0};
		return error(&loc, "content directory not found");
	}
	int ret = fieldmap_site_load(&c->site, dir);
	if (ret == 0)
		ret = frontmatter_check_defaults(
			&c->site); /* once, not once per postmortem that takes one */
	if (ret < 0)
		return ret; /* nothing else can be checked against a broken config */
	if (profile == PROFILE_PUBLIC) {
		c->redactor = redactor_new(&c->site, dir, jobs);
		if (!c->redactor || redact_site(c->redactor, &c->site) < 0)
			return -1; /* publishing unredacted text is not an option */
	}
	if (load_postmortems(c, jobs, keep_sources) < 0)
		ret = -1;
	else if (c->site.import) /* a name in computed: that no hook returned */
		fieldmap_check_computed(c->site.import, c->pms, c->npms, profile == PROFILE_PUBLIC);
	if (profile == PROFILE_PUBLIC && !c->site.show_ids && public_ids(c) < 0)
		ret = -1;
	if (load_pages(c) < 0)
		ret = -1;
	profile_allow(c);
	return ret;
}

void corpus_release(struct corpus *c)
{
	for (size_t i = 0; i < c->npms; i++)
		pm_release(&c->pms[i]);
	free(c->pms);
	for (size_t i = 0; i < c->npages; i++)
		page_release(&c->pages[i]);
	free(c->pages);
	strmap_release(&c->by_id);
	strmap_release(&c->prose_values);
	strmap_release(&c->all_ids);
	for (size_t i = 0; i < c->nhidden; i++) {
		free(c->hidden[i].id);
		free(c->hidden[i].title);
		free(c->hidden[i].path);
	}
	free(c->hidden);
	for (size_t i = 0; c->internal_ids && i < c->npms; i++)
		free(c->internal_ids[i]);
	free(c->internal_ids);
	redactor_free(c->redactor);
	profile_release(c);
	site_release(&c->site);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}
