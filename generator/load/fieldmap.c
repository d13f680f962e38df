/* fieldmap: a postmortem's fields in our names, wherever the author put them (see fieldmap.h). */
#include "load/fieldmap.h"

#include "load/bodyread.h"
#include "load/hooks.h"
#include "model/siteconfig.h"
#include "model/slug.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Our fields, in the order they are looked up (and shown by --explain). */
static const char *const ours_fields[] = {
	"id",		"title",  "date",      "status",  "severity", "kind",
	"visibility",	"owner",  "authors",   "summary", "services", "contributing_factors",
	"tags",		"impact", "published", "related", "featured", "source",
	"action_items",
};
static const char *const impact_keys[] = {"started",  "detected",	    "mitigated",
					  "resolved", "customers_affected", "description"};
#define EXPECTED_FIELDS                                                                                            \
	"id, title, date, status, severity, kind, visibility, owner, authors, summary, services, "                 \
	"contributing_factors, tags, impact, impact.started, impact.detected, impact.mitigated, impact.resolved, " \
	"impact.customers_affected, impact.description, published, related, featured, source, action_items, "      \
	"or a name under taxonomies:"

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void import_cfg_free(struct import_cfg *ic)
{
	if (!ic)
		return;
	for (size_t i = 0; i < ic->nrules; i++) {
		free(ic->rules[i].ours);
		free_strs(ic->rules[i].theirs, ic->rules[i].ntheirs);
		free(ic->rules[i].split);
	}
	free(ic->rules);
	for (size_t i = 0; i < ic->ntax; i++) {
		free(ic->tax[i].name);
		free(ic->tax[i].title);
		free(ic->tax[i].singular);
	}
	free(ic->tax);
	hooks_free(ic->hooks);
	free_strs(ic->computed_search.v, ic->computed_search.n);
	free(ic->computed_search.locs);
	free_strs(ic->computed_public.v, ic->computed_public.n);
	free(ic->computed_public.locs);
	free(ic);
}

bool name_list_has(const struct name_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return true;
	return false;
}

bool ynode_is_empty(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->type != YN_SCALAR)
		return n->n == 0;
	return !*n->scalar || ynode_is_null(n);
}

static bool known_field(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ours_fields); i++)
		if (!strcmp(name, ours_fields[i]))
			return true;
	if (!strncmp(name, "impact.", 7))
		for (size_t i = 0; i < ARRAY_SIZE(impact_keys); i++)
			if (!strcmp(name + 7, impact_keys[i]))
				return true;
	return false;
}

static const struct taxonomy *find_taxonomy(const struct import_cfg *ic, const char *name)
{
	for (size_t i = 0; ic && i < ic->ntax; i++)
		if (!strcmp(ic->tax[i].name, name))
			return &ic->tax[i];
	return NULL;
}

/* ---- site.yaml ------------------------------------------------------------- */

static struct import_cfg *cfg(struct site *s)
{
	if (!s->import) {
		s->import = xcalloc(1, sizeof(*s->import));
		s->import->read_body = false;
		s->import_free = import_cfg_free;
	}
	return s->import;
}

static int name_value(const struct ynode *n, const char *what, char **out)
{
	if (n->type != YN_SCALAR || !*n->scalar || ynode_is_null(n))
		return error(&n->loc, "%s must be a field name (got %s)", what,
			     n->type == YN_SCALAR ? "an empty value" : ynode_kind(n));
	*out = xstrdup(n->scalar);
	return 0;
}

/* A name, or a list of names, into r->theirs. */
static int theirs_value(struct fm_rule *r, const struct ynode *n, const char *what)
{
	size_t cnt = n->type == YN_SEQ ? n->n : 1;
	if (n->type == YN_MAP)
		return error(&n->loc, "%s must be a field name or a list of names (got a mapping)",
			     what);
	if (!cnt)
		return error(&n->loc, "%s is an empty list (expected at least one field name)",
			     what);
	r->theirs = xcalloc(cnt, sizeof(char *));
	for (size_t i = 0; i < cnt; i++)
		if (name_value(n->type == YN_SEQ ? n->items[i] : n, what, &r->theirs[r->ntheirs]) ==
		    0)
			r->ntheirs++;
	return r->ntheirs == cnt ? 0 : -1;
}

static int rule_value(struct fm_rule *r, const char *ours, const struct ynode *n)
{
	char what[96];
	snprintf(what, sizeof(what), "fields.%.64s", ours);
	if (n->type != YN_MAP)
		return theirs_value(r, n, what);
	const struct ynode *from = ynode_get(n, "from");
	int ret = 0;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i];
		if (!strcmp(n->keys[i], "split")) {
			if (v->type != YN_SCALAR || !*v->scalar)
				ret = error(
					&v->loc,
					"%s.split must be the text between the values, such as \",\" (got %s)",
					what,
					v->type == YN_SCALAR ? "an empty value" : ynode_kind(v));
			else
				r->split = xstrdup(v->scalar);
		} else if (strcmp(n->keys[i], "from")) {
			ret = error(&n->key_locs[i],
				    "unknown key \"%s\" in %s (expected from, split)", n->keys[i],
				    what);
		}
	}
	if (!from)
		return error(
			&n->loc,
			"%s needs from: the author's field name (expected {from: NAME, split: \",\"})",
			what);
	return theirs_value(r, from, what) < 0 ? -1 : ret;
}

static int parse_fields(struct site *s, const struct ynode *n)
{
	struct import_cfg *ic = cfg(s);
	int ret = 0;
	if (n->type != YN_MAP)
		return error(&n->loc,
			     "fields must be a mapping from our field name to yours (got %s)",
			     ynode_kind(n));
	ic->rules = xcalloc(n->n ? n->n : 1, sizeof(*ic->rules));
	s->fields = xcalloc(n->n ? n->n : 1, sizeof(*s->fields));
	for (size_t i = 0; i < n->n; i++) {
		struct fm_rule *r = &ic->rules[ic->nrules];
		r->ours = xstrdup(n->keys[i]);
		r->loc = n->key_locs[i];
		if (rule_value(r, n->keys[i], n->items[i]) < 0) {
			ret = -1;
			free(r->ours);
			free_strs(r->theirs, r->ntheirs);
			free(r->split);
			memset(r, 0, sizeof(*r));
			continue;
		}
		ic->nrules++;
		/* the first name: for redact.c and lint */
		struct field_map *f = &s->fields[s->nfields++];
		f->ours = xstrdup(r->ours);
		f->theirs = xstrdup(r->theirs[0]);
		f->loc = n->items[i]->loc;
	}
	return ret;
}

static int parse_bool_key(const struct ynode *v, const char *what, bool *out)
{
	if (v->type == YN_SCALAR && (!strcmp(v->scalar, "true") || !strcmp(v->scalar, "false"))) {
		*out = v->scalar[0] == 't';
		return 0;
	}
	return error(&v->loc, "%s must be true or false (got \"%s\")", what,
		     v->type == YN_SCALAR ? v->scalar : ynode_kind(v));
}

static int parse_import(struct site *s, const struct ynode *n)
{
	struct import_cfg *ic = cfg(s);
	int ret = 0;
	if (n->type != YN_MAP)
		return error(
			&n->loc,
			"import must be a mapping of front_matter, on_invalid, read_body (got %s)",
			ynode_kind(n));
	ic->read_body = true;
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		const struct ynode *v = n->items[i];
		const char *sv = v->type == YN_SCALAR ? v->scalar : ynode_kind(v);
		if (!strcmp(k, "front_matter")) {
			if (v->type == YN_SCALAR &&
			    (!strcmp(sv, "optional") || !strcmp(sv, "required")))
				ic->front_optional = sv[0] == 'o';
			else
				ret = error(
					&v->loc,
					"unknown import.front_matter \"%s\" (expected required, optional)",
					sv);
		} else if (!strcmp(k, "on_invalid")) {
			if (v->type == YN_SCALAR && (!strcmp(sv, "skip") || !strcmp(sv, "error")))
				ic->skip_invalid = sv[0] == 's';
			else
				ret = error(
					&v->loc,
					"unknown import.on_invalid \"%s\" (expected error, skip)",
					sv);
		} else if (!strcmp(k, "read_body")) {
			ret |= parse_bool_key(v, "import.read_body", &ic->read_body);
		} else {
			ret = error(
				&n->key_locs[i],
				"unknown key \"%s\" in import (expected front_matter, on_invalid, read_body)",
				k);
		}
	}
	return ret;
}

/* Reserved: the folders the site already has, and our own fields. */
static bool reserved_name(const char *name)
{
	static const char *const pages[] = {"postmortems", "services", "factors", "tags",
					    "owners",	   "actions",  "search",  "api",
					    "timeline",	   "metrics",  "static",  "feeds",
					    "start",	   "insights", "pages"};
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
		if (!strcmp(name, pages[i]))
			return true;
	return known_field(name);
}

static int parse_taxonomy(struct taxonomy *t, const char *name, const struct loc *kloc,
			  const struct ynode *v)
{
	bool ok = *name && strlen(name) <= 40;
	for (const char *p = name; *p; p++)
		ok &= (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
	if (!ok)
		return error(
			kloc,
			"taxonomy name \"%s\" must be 1 to 40 lower-case letters, digits or '_' (it names a folder)",
			name);
	if (reserved_name(name))
		return error(kloc,
			     "taxonomy name \"%s\" is taken by aftermath's own pages or fields",
			     name);
	if (v->type != YN_MAP && !ynode_is_null(v))
		return error(&v->loc,
			     "taxonomies.%s must be a mapping of title and singular (got %s)", name,
			     ynode_kind(v));
	int ret = 0;
	for (size_t i = 0; v->type == YN_MAP && i < v->n; i++) {
		const char *k = v->keys[i];
		char **out = !strcmp(k, "title")      ? &t->title
			     : !strcmp(k, "singular") ? &t->singular
						      : NULL;
		if (!out) {
			ret = error(
				&v->key_locs[i],
				"unknown key \"%s\" in taxonomies.%s (expected title, singular)", k,
				name);
		} else if (v->items[i]->type != YN_SCALAR || !*v->items[i]->scalar) {
			ret = error(&v->items[i]->loc, "taxonomies.%s.%s must be a text value",
				    name, k);
		} else {
			free(*out);
			*out = xstrdup(v->items[i]->scalar);
		}
	}
	t->name = xstrdup(name);
	t->loc = *kloc;
	if (!t->title) {
		t->title = xstrdup(name);
		t->title[0] = (char)toupper((unsigned char)t->title[0]);
	}
	if (!t->singular)
		t->singular = xstrdup(t->title);
	return ret;
}

static int parse_taxonomies(struct site *s, const struct ynode *n)
{
	struct import_cfg *ic = cfg(s);
	int ret = 0;
	if (n->type != YN_MAP)
		return error(
			&n->loc,
			"taxonomies must be a mapping from a field name to {title, singular} (got %s)",
			ynode_kind(n));
	ic->tax = xcalloc(n->n ? n->n : 1, sizeof(*ic->tax));
	for (size_t i = 0; i < n->n; i++) {
		struct taxonomy *t = &ic->tax[ic->ntax];
		if (parse_taxonomy(t, n->keys[i], &n->key_locs[i], n->items[i]) < 0)
			ret = -1;
		if (t->name)
			ic->ntax++;
	}
	/* for the public profile (redact.c) */
	s->taxonomies = xcalloc(ic->ntax ? ic->ntax : 1, sizeof(char *));
	for (size_t i = 0; i < ic->ntax; i++)
		s->taxonomies[s->ntaxonomies++] = ic->tax[i].name;
	return ret;
}

/* computed.search / computed.public: a name or a list of names of on_postmortem's fields. */
static int parse_names(struct name_list *l, const struct ynode *n, const char *what)
{
	size_t cnt = n->type == YN_SEQ ? n->n : 1;
	int ret = 0;
	if (n->type == YN_MAP)
		return error(&n->loc, "%s must be a list of computed field names (got a mapping)",
			     what);
	l->v = xcalloc(cnt ? cnt : 1, sizeof(char *));
	l->locs = xcalloc(cnt ? cnt : 1, sizeof(struct loc));
	for (size_t i = 0; i < cnt; i++) {
		const struct ynode *it = n->type == YN_SEQ ? n->items[i] : n;
		if (it->type != YN_SCALAR || !*it->scalar || ynode_is_null(it)) {
			ret = error(&it->loc, "%s must be a list of computed field names (got %s)",
				    what, it->type == YN_SCALAR ? "an empty name" : ynode_kind(it));
			continue;
		}
		l->locs[l->n] = it->loc;
		l->v[l->n++] = xstrdup(it->scalar);
	}
	return ret;
}

static int parse_computed(struct site *s, const struct ynode *n)
{
	struct import_cfg *ic = cfg(s);
	int ret = 0;
	if (n->type != YN_MAP)
		return error(&n->loc, "computed must be a mapping of search, public (got %s)",
			     ynode_kind(n));
	ic->computed_loc = n->loc;
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		struct name_list *l = !strcmp(k, "search")   ? &ic->computed_search
				      : !strcmp(k, "public") ? &ic->computed_public
							     : NULL;
		if (!l)
			ret = error(&n->key_locs[i],
				    "unknown key \"%s\" in computed (expected search, public)", k);
		else if (!l->n)
			ret |= parse_names(l, n->items[i],
					   !strcmp(k, "search") ? "computed.search"
								: "computed.public");
	}
	return ret;
}

int fieldmap_site_key(struct site *s, const char *key, const struct ynode *v)
{
	if (!strcmp(key, "computed"))
		return parse_computed(s, v);
	if (!strcmp(key, "fields"))
		return parse_fields(s, v);
	if (!strcmp(key, "import"))
		return parse_import(s, v);
	if (!strcmp(key, "taxonomies"))
		return parse_taxonomies(s, v);
	if (strcmp(key, "defaults"))
		return 1;
	if (v->type != YN_MAP)
		return error(&v->loc,
			     "defaults must be a mapping from our field name to a value (got %s)",
			     ynode_kind(v));
	cfg(s)->defaults = v;
	return 0;
}

void fieldmap_site_hooks(struct site *s, const char *dir)
{
	struct hooks *h = hooks_open(dir);
	if (h)
		cfg(s)->hooks = h;
}

int fieldmap_site_load(struct site *s, const char *dir)
{
	fieldmap_site_hooks(s, dir);
	int ret = site_load(s, dir);
	if (!s->front || s->front->type != YN_MAP)
		return ret;
	for (size_t i = 0; i < s->front->n; i++)
		if (fieldmap_site_key(s, s->front->keys[i], s->front->items[i]) < 0)
			ret = -1;
	if (fieldmap_site_check(s) < 0)
		ret = -1;
	/* both would be /teams/ */
	for (size_t i = 0; s->links.nteams && s->import && i < s->import->ntax; i++)
		if (!strcmp(s->import->tax[i].name, "teams"))
			ret = error(
				&s->links.teams[0].loc,
				"teams: and the taxonomy \"teams\" would both be at /teams/ (expected one of them)");
	return ret;
}

static int check_target(const struct import_cfg *ic, const char *name, const struct loc *loc,
			const char *what)
{
	if (known_field(name) || find_taxonomy(ic, name))
		return 0;
	return error(loc, "unknown field \"%s\" in %s (expected " EXPECTED_FIELDS ")", name, what);
}

int fieldmap_site_check(struct site *s)
{
	struct import_cfg *ic = s->import;
	int ret = 0;
	if (!ic)
		return 0;
	for (size_t i = 0; i < ic->nrules; i++)
		ret |= check_target(ic, ic->rules[i].ours, &ic->rules[i].loc, "fields");
	for (size_t i = 0; ic->defaults && i < ic->defaults->n; i++) {
		const char *k = ic->defaults->keys[i];
		ret |= check_target(ic, k, &ic->defaults->key_locs[i], "defaults");
		if (!strcmp(k, "id") || !strcmp(k, "title"))
			ret = error(
				&ic->defaults->key_locs[i],
				"defaults.%s would give every postmortem the same %s (expected a default for a field such as status or severity)",
				k, k);
	}
	return ret;
}

/* ---- one postmortem -------------------------------------------------------- */

struct apply {
	const struct site *site;
	const struct import_cfg *ic;
	const struct postmortem *pm;
	const struct ynode *front;
	struct body_info bi;
	bool body_read;
	struct arena *a;
	struct ynode *root; /* the map being built */
	size_t cap;
	struct explain *ex;
	struct fm_result *res;
};

static void explain_add(struct apply *ap, const char *field, const char *how, const struct ynode *v)
{
	struct explain *ex = ap->ex;
	if (!ex)
		return;
	ALLOC_GROW(ex->v, ex->n + 1, ex->alloc);
	struct field_source *fs = &ex->v[ex->n++];
	fs->field = xstrdup(field);
	fs->how = xstrdup(how);
	fs->loc = v->loc;
	if (v->type == YN_SCALAR) {
		fs->value = xstrdup(v->scalar);
	} else if (v->type == YN_SEQ && v->n && v->items[0]->type == YN_MAP) {
		fs->value = xstrfmt("%zu item%s", v->n, v->n == 1 ? "" : "s");
	} else if (v->type == YN_SEQ) {
		struct buf b = BUF_INIT;
		for (size_t i = 0; i < v->n; i++)
			buf_addf(&b, "%s%s", i ? ", " : "",
				 v->items[i]->type == YN_SCALAR ? v->items[i]->scalar : "{...}");
		if (!v->n)
			buf_adds(&b, "");
		fs->value = buf_detach(&b, NULL);
	} else {
		fs->value = NULL;
	}
}

static struct ynode *new_scalar(struct apply *ap, const char *s, struct loc loc)
{
	struct ynode *v = ynode_new(ap->a, YN_SCALAR, loc);
	v->scalar = arena_strndup(ap->a, s, strlen(s));
	return v;
}

static struct ynode *new_map(struct apply *ap, size_t cap, struct loc loc)
{
	struct ynode *m = ynode_new(ap->a, YN_MAP, loc);
	m->keys = arena_alloc(ap->a, cap * sizeof(char *));
	m->key_locs = arena_alloc(ap->a, cap * sizeof(struct loc));
	m->items = arena_alloc(ap->a, cap * sizeof(struct ynode *));
	return m;
}

static void map_set(struct ynode *m, const char *key, struct ynode *v)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->keys[i], key)) {
			m->items[i] = v;
			return;
		}
	m->keys[m->n] = (char *)key;
	m->key_locs[m->n] = v->loc;
	m->items[m->n++] = v;
}

/* A text split at `sep` into a list of trimmed, non-empty names. */
static struct ynode *split_value(struct apply *ap, const struct ynode *v, const char *sep)
{
	size_t cnt = 1, k = 0, seplen = strlen(sep);
	for (const char *p = strstr(v->scalar, sep); p; p = strstr(p + seplen, sep))
		cnt++;
	struct ynode *list = ynode_new(ap->a, YN_SEQ, v->loc);
	list->items = arena_alloc(ap->a, cnt * sizeof(struct ynode *));
	for (const char *p = v->scalar; k < cnt; k++) {
		const char *end = strstr(p, sep);
		if (!end)
			end = p + strlen(p);
		const char *s = p, *e = end;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (e > s) {
			struct ynode *it = ynode_new(ap->a, YN_SCALAR, v->loc);
			it->scalar = arena_strndup(ap->a, s, (size_t)(e - s));
			list->items[list->n++] = it;
		}
		p = *end ? end + seplen : end;
	}
	return list;
}

static bool is_list_field(const char *ours)
{
	return !strcmp(ours, "authors") || !strcmp(ours, "services") || !strcmp(ours, "tags") ||
	       !strcmp(ours, "related") || !strcmp(ours, "contributing_factors");
}

static bool is_when_field(const char *ours)
{
	return !strcmp(ours, "date") || !strcmp(ours, "published") || !strncmp(ours, "impact.", 7);
}

/* A date-time as foreign schemas write it ("2021-06-22 08:21:00") in ISO form; v itself otherwise. */
static const struct ynode *when_normal(struct apply *ap, const char *ours, const struct ynode *v)
{
	struct when w;
	char iso[40];
	if (!is_when_field(ours) || v->type != YN_SCALAR || when_parse(&w, v->scalar) == 0)
		return v;
	size_t n = loose_date(v->scalar, iso);
	return n && !v->scalar[n] ? new_scalar(ap, iso, v->loc) : v;
}

/*
 * A body label's text as a value of field `ours`: lists split at commas, dates
 * as people write them, statuses and severities as templates spell them.
 * NULL (with a warning) when it cannot be read.
 */
static const struct ynode *body_value(struct apply *ap, const char *ours, struct ynode *v)
{
	char iso[40];
	if (is_list_field(ours) || (ap->ic && find_taxonomy(ap->ic, ours)))
		return split_value(ap, v, ",");
	if (is_when_field(ours)) {
		if (loose_date(v->scalar, iso))
			return new_scalar(ap, iso, v->loc);
		warning(&v->loc,
			"%s \"%s\" is not a date; left out (expected YYYY-MM-DD or \"June 22, 2021\")",
			ours, v->scalar);
		return NULL;
	}
	if (!strcmp(ours, "status")) {
		static const struct {
			const char *word, *status;
		} st[] = {{"complete", "complete"},
			  {"completed", "complete"},
			  {"final", "complete"},
			  {"published", "complete"},
			  {"done", "complete"},
			  {"closed", "complete"},
			  {"resolved", "complete"},
			  {"draft", "draft"},
			  {"wip", "draft"},
			  {"in review", "in-review"},
			  {"in-review", "in-review"},
			  {"review", "in-review"},
			  {"under review", "in-review"}};
		for (size_t i = 0; i < ARRAY_SIZE(st); i++) {
			size_t n = strlen(st[i].word);
			if (!strncasecmp(v->scalar, st[i].word, n) &&
			    !isalpha((unsigned char)v->scalar[n]))
				return new_scalar(ap, st[i].status, v->loc);
		}
		warning(&v->loc,
			"status \"%s\" is not one aftermath knows; left out (expected draft, in review, complete)",
			v->scalar);
		return NULL;
	}
	if (!strcmp(ours, "severity")) {
		const struct site *s = ap->site;
		const char *p = v->scalar;
		if (site_severity(s, p) >= 0)
			return v;
		while (*p && !isdigit((unsigned char)*p) && p - v->scalar < 8)
			p++;
		for (size_t i = 0; i < s->nseverities && isdigit((unsigned char)*p); i++) {
			size_t n = strlen(s->severities[i]);
			if (n && s->severities[i][n - 1] == *p &&
			    (!p[1] || !isdigit((unsigned char)p[1])))
				return new_scalar(ap, s->severities[i], v->loc);
		}
		warning(&v->loc, "severity \"%s\" is not one of site.yaml's; left out", v->scalar);
		return NULL;
	}
	return v;
}

static void note_empty(const char *name, const struct ynode *v, const char *ours)
{
	if (strcmp(name, ours))
		note(&v->loc, "%s is empty: taken as absent (for %s)", name, ours);
	else
		note(&v->loc, "%s is empty: taken as absent", name);
}

static const struct fm_rule *rule_for(const struct import_cfg *ic, const char *ours)
{
	for (size_t i = 0; ic && i < ic->nrules; i++)
		if (!strcmp(ic->rules[i].ours, ours))
			return &ic->rules[i];
	return NULL;
}

/* The seeds' templates' labels for our fields (any case). */
static const char *const *seed_labels(const char *ours)
{
	static const char *const title[] = {"postmortem", "title", "post-mortem", "incident title",
					    NULL};
	static const char *const id[] = {"incident id", "id", "incident number", NULL};
	static const char *const date[] = {"date", "incident date", NULL};
	static const char *const owner[] = {"owner", "incident owner", "postmortem owner", NULL};
	static const char *const authors[] = {"authors", "author", NULL};
	static const char *const status[] = {"status", NULL};
	static const char *const severity[] = {"severity", "sev", NULL};
	static const char *const summary[] = {"summary", NULL};
	static const char *const none[] = {NULL};
	return !strcmp(ours, "title")	   ? title
	       : !strcmp(ours, "id")	   ? id
	       : !strcmp(ours, "date")	   ? date
	       : !strcmp(ours, "owner")	   ? owner
	       : !strcmp(ours, "authors")  ? authors
	       : !strcmp(ours, "status")   ? status
	       : !strcmp(ours, "severity") ? severity
	       : !strcmp(ours, "summary")  ? summary
					   : none;
}

/* The file name without folders and ".md". */
static char *base_name(const struct postmortem *pm)
{
	const char *b = strrchr(pm->rel, '/');
	b = b ? b + 1 : pm->rel;
	size_t n = strlen(b);
	if (n > 3 && !strcmp(b + n - 3, ".md"))
		n -= 3;
	return xstrndup(b, n);
}

/* "PM2021-005 - All services" -> the id token's length (it has a digit), or 0. */
static size_t id_token(const char *name)
{
	size_t n = 0;
	bool digit = false;
	while (name[n] && name[n] != ' ') {
		unsigned char c = (unsigned char)name[n];
		if (!(isalnum(c) || c == '-' || c == '_' || c == '.'))
			return 0;
		digit |= isdigit(c) != 0;
		n++;
	}
	return digit && name[n] == ' ' ? n : 0;
}

static const struct ynode *from_file_name(struct apply *ap, const char *ours, const char **how)
{
	struct loc loc = {ap->pm->path, 1, 1};
	char *name = base_name(ap->pm);
	const struct ynode *v = NULL;
	size_t tok = id_token(name);
	if (!strcmp(ours, "id")) {
		if (tok) {
			name[tok] = '\0';
			v = new_scalar(ap, name, loc);
		} else {
			char *slug = slugify(name);
			if (*slug)
				v = new_scalar(ap, slug, loc);
			free(slug);
		}
		*how = "file name";
	} else if (!strcmp(ours, "title")) {
		const char *t = name + tok;
		while (*t == ' ' || *t == '-' || *t == '_')
			t++;
		if (!strncmp(t, "\xe2\x80\x93 ", 4) || !strncmp(t, "\xe2\x80\x94 ", 4))
			t += 4;
		char *title = xstrdup(*t ? t : name);
		if (!tok)
			for (char *p = title; *p; p++)
				if (*p == '-' || *p == '_')
					*p = ' ';
		title[0] = (char)toupper((unsigned char)title[0]);
		v = new_scalar(ap, title, loc);
		free(title);
		*how = "file name";
	}
	free(name);
	return v;
}

/* The factors the body's "Contributing factors" list names (bodyread.h), with a note on the items that are sentences. */
static const struct ynode *section_factors(struct apply *ap, const char **how)
{
	size_t n = ap->bi.factor_sentences;
	if (n)
		note(&ap->bi.sentence_loc,
		     "%zu item%s of the contributing-factors list %s, not a factor's name: left in the text (a factor is a short item of at most %d words, a bold lead-in such as \"**Config drift**: ...\", or the words before a colon or dash)",
		     n, n == 1 ? "" : "s", n == 1 ? "is a sentence" : "are sentences",
		     FACTOR_MAX_WORDS);
	if (!ap->bi.factors)
		return NULL;
	*how = "body: the contributing-factors section";
	return ap->bi.factors;
}

/* What the body says about `ours`, NULL when nothing. */
static const struct ynode *from_body(struct apply *ap, const char *ours, const char **how)
{
	if (!strcmp(ours, "title") && ap->bi.h1) {
		*how = "body: H1";
		return ap->bi.h1;
	}
	for (const char *const *l = seed_labels(ours); *l; l++) {
		struct ynode *v = bodyread_label(&ap->bi, *l);
		if (v) {
			*how = "body line";
			return body_value(ap, ours, v);
		}
	}
	if (!strcmp(ours, "date") && ap->bi.timeline[TL_STARTED]) {
		*how = "timeline row";
		return ap->bi.timeline[TL_STARTED];
	}
	char spaced[64];
	snprintf(spaced, sizeof(spaced), "%s", ours);
	for (char *p = spaced; *p; p++)
		if (*p == '_')
			*p = ' ';
	struct ynode *v = strcmp(ours, "impact") && strcmp(ours, "action_items")
				  ? bodyread_label(&ap->bi, spaced)
				  : NULL;
	if (v) {
		*how = "body line";
		return body_value(ap, ours, v);
	}
	/* a fields: entry says where they are */
	if (!strcmp(ours, "contributing_factors") && !rule_for(ap->ic, ours))
		return section_factors(ap, how);
	return NULL;
}

/*
 * The value of `ours` from the author's names in rule r (front matter, then
 * body labels), or from the front matter key `ours` without a rule.
 */
static const struct ynode *from_author(struct apply *ap, const char *ours, const struct fm_rule *r,
				       char *how, size_t howsize)
{
	if (!r) {
		const struct ynode *v = ynode_get(ap->front, ours);
		if (v && ynode_is_empty(v)) {
			if (!ynode_is_null(v) && strcmp(ours, "action_items"))
				note_empty(ours, v, ours);
			return NULL;
		}
		snprintf(how, howsize, "front matter");
		return v ? when_normal(ap, ours, v) : NULL;
	}
	for (size_t i = 0; i < r->ntheirs; i++) {
		const struct ynode *v = ynode_get(ap->front, r->theirs[i]);
		if (v && ynode_is_empty(v)) {
			note_empty(r->theirs[i], v, ours);
			continue;
		}
		if (v) {
			snprintf(how, howsize, "fields: %s", r->theirs[i]);
			if (r->split && v->type == YN_SCALAR)
				return split_value(ap, v, r->split);
			return when_normal(ap, ours, v);
		}
		struct ynode *b = ap->body_read ? bodyread_label(&ap->bi, r->theirs[i]) : NULL;
		if (b) {
			snprintf(how, howsize, "fields: %s (body line)", r->theirs[i]);
			if (r->split)
				return split_value(ap, b, r->split);
			return body_value(ap, ours, b);
		}
	}
	return NULL;
}

static const struct ynode *from_default(struct apply *ap, const char *ours)
{
	const struct ynode *v = ap->ic ? ynode_get(ap->ic->defaults, ours) : NULL;
	return v && !ynode_is_empty(v) ? v : NULL;
}

static void resolve(struct apply *ap, const char *ours)
{
	char how[128];
	const char *bhow = NULL;
	const struct fm_rule *r = rule_for(ap->ic, ours);
	const struct ynode *v = from_author(ap, ours, r, how, sizeof(how));
	if (!v && ap->body_read && (v = from_body(ap, ours, &bhow)))
		snprintf(how, sizeof(how), "%s", bhow);
	if (!v && ap->body_read && !ap->front && (v = from_file_name(ap, ours, &bhow)))
		snprintf(how, sizeof(how), "%s", bhow);
	if (!v && ap->body_read && ap->front && !strcmp(ours, "title") &&
	    (v = from_file_name(ap, ours, &bhow)))
		snprintf(how, sizeof(how), "%s", bhow);
	if (!v && (v = from_default(ap, ours)))
		snprintf(how, sizeof(how), "default (site.yaml)");
	if (!v)
		return;
	map_set(ap->root, ours, (struct ynode *)v);
	explain_add(ap, ours, how, v);
}

/* ---- impact: the author's, dotted rules, the timeline, durations ---------- */

static void impact_key(struct apply *ap, struct ynode *im, const char *key, const struct ynode *v,
		       const char *how)
{
	char dotted[48];
	snprintf(dotted, sizeof(dotted), "impact.%s", key);
	map_set(im, key, (struct ynode *)v);
	explain_add(ap, dotted, how, v);
}

static bool impact_has(const struct ynode *im, const char *key)
{
	return ynode_get(im, key) != NULL;
}

/* to := from + seconds, as an ISO date-time scalar at loc. */
static struct ynode *plus(struct apply *ap, const struct ynode *from, long long secs,
			  struct loc loc)
{
	struct when w;
	char iso[21];
	if (when_parse(&w, from->scalar) < 0)
		return NULL;
	w.epoch += secs;
	w.has_time = true;
	when_iso(&w, iso);
	return new_scalar(ap, iso, loc);
}

static void durations(struct apply *ap, struct ynode *im)
{
	static const struct {
		const char *label, *key;
	} d[] = {{"time to detection", "detected"},
		 {"time to detect", "detected"},
		 {"ttd", "detected"},
		 {"time to mitigation", "mitigated"},
		 {"time to mitigate", "mitigated"},
		 {"time to recovery", "resolved"},
		 {"time to resolve", "resolved"},
		 {"time to resolution", "resolved"},
		 {"ttr", "resolved"},
		 {"duration of outage", "resolved"},
		 {"outage duration", "resolved"},
		 {"duration", "resolved"}};
	const struct ynode *start = ynode_get(im, "started");
	for (size_t i = 0; i < ARRAY_SIZE(d); i++) {
		struct ynode *v = bodyread_label(&ap->bi, d[i].label);
		if (!v || impact_has(im, d[i].key))
			continue;
		long long secs = loose_duration(v->scalar);
		if (secs < 0) {
			warning(&v->loc,
				"%s \"%s\" is not a duration; left out (expected such as \"8 minutes\" or \"2 hours\")",
				d[i].label, v->scalar);
			continue;
		}
		if (!start) {
			const struct ynode *date = ynode_get(ap->root, "date");
			if (!date || date->type != YN_SCALAR)
				return;
			impact_key(ap, im, "started", date, "date (the start of the durations)");
			start = date;
		}
		struct ynode *to = plus(ap, start, secs, v->loc);
		if (to) {
			char how[80];
			snprintf(how, sizeof(how), "body line: %s", d[i].label);
			impact_key(ap, im, d[i].key, to, how);
		}
	}
}

static void resolve_impact(struct apply *ap)
{
	static const char *const tl[] = {"started", "detected", "mitigated", "resolved"};
	char how[128];
	const struct ynode *own =
		from_author(ap, "impact", rule_for(ap->ic, "impact"), how, sizeof(how));
	/* the author's keys, unknown ones too */
	size_t cap = ARRAY_SIZE(impact_keys) + (own && own->type == YN_MAP ? own->n : 0);
	struct ynode *im = new_map(ap, cap, own ? own->loc : (struct loc){ap->pm->path, 1, 1});
	if (own && own->type != YN_MAP) {
		/* frontmatter.c says what is wrong with it */
		map_set(ap->root, "impact", (struct ynode *)own);
		return;
	}
	for (size_t i = 0; own && i < own->n; i++)
		if (!ynode_is_empty(own->items[i]))
			impact_key(ap, im, own->keys[i], own->items[i], how);
	for (size_t k = 0; k < ARRAY_SIZE(impact_keys); k++) {
		char dotted[48];
		snprintf(dotted, sizeof(dotted), "impact.%s", impact_keys[k]);
		const struct fm_rule *r = rule_for(ap->ic, dotted);
		const struct ynode *v;
		if (r && !impact_has(im, impact_keys[k]) &&
		    (v = from_author(ap, dotted, r, how, sizeof(how))))
			impact_key(ap, im, impact_keys[k], v, how);
	}
	bool from_tl = false;
	for (size_t k = 0; ap->body_read && k < TL_COUNT; k++)
		if (ap->bi.timeline[k] && !impact_has(im, tl[k])) {
			impact_key(ap, im, tl[k], ap->bi.timeline[k], "timeline row");
			from_tl = true;
		}
	if (ap->body_read)
		durations(ap, im);
	for (size_t k = 0; k < ARRAY_SIZE(impact_keys); k++) {
		char dotted[48];
		snprintf(dotted, sizeof(dotted), "impact.%s", impact_keys[k]);
		const struct ynode *v = from_default(ap, dotted);
		if (v && !impact_has(im, impact_keys[k]))
			impact_key(ap, im, impact_keys[k], v, "default (site.yaml)");
	}
	ap->res->impact_from_timeline = from_tl;
	if (im->n)
		map_set(ap->root, "impact", im);
}

static void resolve_actions(struct apply *ap)
{
	char how[128];
	const struct fm_rule *r = rule_for(ap->ic, "action_items");
	const struct ynode *v = from_author(ap, "action_items", r, how, sizeof(how));
	bool present = r ? v != NULL : ynode_get(ap->front, "action_items") != NULL;
	if (v) {
		map_set(ap->root, "action_items", (struct ynode *)v);
		explain_add(ap, "action_items", how, v);
		return;
	}
	if (present)
		return; /* action_items: [] says there are none */
	if (ap->bi.action_text)
		ap->res->actions_section = ap->bi.action_loc;
	if (ap->bi.actions && ap->bi.actions->n) {
		map_set(ap->root, "action_items", ap->bi.actions);
		explain_add(ap, "action_items", "body: the action-item section", ap->bi.actions);
		ap->res->actions_from_body = true;
	}
}

struct ynode *fieldmap_defaults(const struct site *s)
{
	const struct import_cfg *ic = s->import;
	const struct ynode *d = ic ? ic->defaults : NULL;
	if (!d || !d->n)
		return NULL;
	struct apply ap = {.site = s, .ic = ic};
	ap.a = arena_new(1024);
	struct ynode *root = new_map(&ap, d->n, d->loc), *im = NULL;
	root->arena = ap.a;
	for (size_t i = 0; i < d->n; i++) {
		const char *k = d->keys[i];
		struct ynode *v = d->items[i];
		if (ynode_is_empty(v))
			continue;
		if (strncmp(k, "impact.", 7)) {
			map_set(root, k, v);
			continue;
		}
		if (!im) {
			im = new_map(&ap, d->n, d->loc);
			map_set(root, "impact", im);
		}
		map_set(im, k + 7, v);
	}
	return root;
}

void fieldmap_looked_for(const struct site *s, const char *ours, struct buf *out)
{
	const struct fm_rule *r = s->import ? rule_for(s->import, ours) : NULL;
	if (!r) {
		buf_addf(out, "%s", ours);
		return;
	}
	for (size_t i = 0; i < r->ntheirs; i++)
		buf_addf(out, "%s%s", i ? ", " : "", r->theirs[i]);
}

void fieldmap_apply(struct fm_result *res, const struct site *s, const struct postmortem *pm,
		    const struct ynode *front, struct explain *ex)
{
	const struct import_cfg *ic = s->import;
	struct apply ap = {.site = s, .ic = ic, .pm = pm, .front = front, .ex = ex, .res = res};
	memset(res, 0, sizeof(*res));
	ap.a = arena_new(4096);
	ap.cap = ARRAY_SIZE(ours_fields) + (ic ? ic->ntax : 0);
	if (ic && ic->hooks && front && front->type == YN_MAP)
		ap.cap += front->n; /* the author's other keys, for on_load */
	ap.root = new_map(&ap, ap.cap, front ? front->loc : (struct loc){pm->path, 1, 1});
	ap.root->arena = ap.a;
	ap.body_read = ic && (ic->read_body || !front);
	if (pm->body)
		bodyread_scan(&ap.bi, ap.a, pm->path, pm->body, pm->body_line, !ap.body_read);
	for (size_t i = 0; i < ARRAY_SIZE(ours_fields); i++) {
		if (!strcmp(ours_fields[i], "impact"))
			resolve_impact(&ap);
		else if (!strcmp(ours_fields[i], "action_items"))
			resolve_actions(&ap);
		else
			resolve(&ap, ours_fields[i]);
	}
	for (size_t i = 0; ic && i < ic->ntax; i++)
		resolve(&ap, ic->tax[i].name);
	body_info_release(&ap.bi);
	if (ic && ic->hooks) {
		for (size_t i = 0; front && front->type == YN_MAP && i < front->n; i++)
			if (!ynode_get(ap.root, front->keys[i]) && !ynode_is_empty(front->items[i]))
				map_set(ap.root, front->keys[i], front->items[i]);
		struct ynode *r = hooks_on_load(ic->hooks, ap.a, ap.root, pm->path, pm->rel, ex);
		if (!r) {
			res->failed = true;
			/* the hooks' table: the arena goes with the root that is freed */
		} else if (r != ap.root) {
			ap.root->arena = NULL;
			r->arena = ap.a;
			ap.root = r;
		}
	}
	res->root = ap.root;
}

struct ynode *fieldmap_body_actions(const struct postmortem *pm, struct loc *section)
{
	struct body_info bi = {0};
	const char *body = pm->body;
	section->line = 0;
	if (!body || !strcasestr(body, "action"))
		return NULL;
	struct arena *a = arena_new(1024);
	bodyread_scan(&bi, a, pm->path, body, pm->body_line, true);
	if (bi.action_text)
		*section = bi.action_loc;
	struct ynode *list = bi.actions;
	body_info_release(&bi);
	if (!list || !list->n) {
		arena_free(a);
		return NULL;
	}
	list->arena = a;
	return list;
}

void fieldmap_keep_computed(struct ynode *computed, const struct name_list *keep)
{
	size_t k = 0;
	if (!computed)
		return;
	for (size_t i = 0; i < computed->n; i++) {
		if (!name_list_has(keep, computed->keys[i]))
			continue;
		computed->keys[k] = computed->keys[i];
		computed->key_locs[k] = computed->key_locs[i];
		computed->items[k++] = computed->items[i];
	}
	computed->n = k;
}

/* Whether some postmortem of pms has the computed field `name`. */
static bool computed_somewhere(const struct postmortem *pms, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (ynode_get(pms[i].computed, name))
			return true;
	return false;
}

void fieldmap_check_computed(const struct import_cfg *ic, const struct postmortem *pms, size_t n,
			     bool public_build)
{
	const struct name_list *lists[] = {&ic->computed_search, &ic->computed_public};
	static const char *const what[] = {"computed.search", "computed.public"};
	for (size_t k = 0; k < 2 && n; k++) {
		for (size_t i = 0; i < lists[k]->n; i++) {
			const char *name = lists[k]->v[i];
			if (public_build && k == 0 && !name_list_has(&ic->computed_public, name))
				continue; /* left out of a public build: computed.public does not name it */
			if (!computed_somewhere(pms, n, name))
				warning(&lists[k]->locs[i],
					"%s names \"%s\", which no on_postmortem hook returned (expected a field of the table a scripts/NAME.lua on_postmortem returns)",
					what[k], name);
		}
	}
}
