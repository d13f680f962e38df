/* frontmatter: a postmortem file to a typed struct postmortem (see frontmatter.h). */
#include "load/frontmatter.h"

#include "load/fieldmap.h"
#include "load/markdown.h"
#include "model/slug.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fm {
	struct postmortem *pm;
	const struct site *site;
	const struct ynode *root;
	bool mapped;   /* root is fieldmap's tree, in our names */
	bool defaults; /* root is site.yaml's defaults: (nothing is required) */
	int ret;
};

/* ---- splitting the file ------------------------------------------------- */

static int check_bytes(const char *file, const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		struct loc loc = diag_loc_at(file, text, (size_t)(nul - text));
		return error(&loc, "file contains a NUL byte (is it a binary file?)");
	}
	size_t bad = utf8_valid(text, len);
	if (bad < len) {
		struct loc loc = diag_loc_at(file, text, bad);
		return error(&loc, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
			     (unsigned char)text[bad]);
	}
	return 0;
}

/* Is the line at p (up to the newline) exactly `fence` plus trailing blanks? */
static bool is_fence(const char *p, const char *end, const char *fence)
{
	size_t n = strlen(fence);
	if ((size_t)(end - p) < n || memcmp(p, fence, n))
		return false;
	for (p += n; p < end && *p != '\n'; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return false;
	return true;
}

struct split {
	const char *yaml;
	size_t yaml_len;
	const char *body;
	int body_line;
	bool has_front;
};

static int split_file(const char *file, const char *text, size_t len, bool required,
		      struct split *sp)
{
	const char *p = text, *end = text + len;
	memset(sp, 0, sizeof(*sp));
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	if (!is_fence(p, end, "---")) {
		sp->body = p;
		sp->body_line = 1;
		if (!required)
			return 0;
		struct loc loc = {file, 1, 1};
		return error(
			&loc,
			len ? "missing front matter: the file must start with a line \"---\""
			    : "empty file: a postmortem starts with front matter between \"---\" lines");
	}
	sp->has_front = true;
	const char *line = memchr(p, '\n', (size_t)(end - p));
	int lineno = 2;
	sp->yaml = line ? line + 1 : end;
	for (line = sp->yaml; line < end; lineno++) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		if (is_fence(line, end, "---") || is_fence(line, end, "...")) {
			sp->yaml_len = (size_t)(line - sp->yaml);
			sp->body = nl ? nl + 1 : end;
			sp->body_line = lineno + 1;
			return 0;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	struct loc loc = {file, 1, 1};
	return error(&loc, "front matter opened here is never closed (expected a line \"---\")");
}

/* ---- typed values --------------------------------------------------------- */

/* The value of our field `ours`; an empty one (null, "", [], {}) counts as absent. */
static const struct ynode *field(const struct fm *f, const char *ours)
{
	const struct ynode *n = ynode_get(f->root, f->mapped ? ours : site_field(f->site, ours));
	return ynode_is_empty(n) ? NULL : n;
}

/* Fields whose empty value was an error before it counted as absent: a note says so. */
static void note_empties(const struct fm *f)
{
	static const char *const once_errors[] = {"id",	      "title", "date",	     "status",
						  "severity", "kind",  "visibility", "featured"};
	for (size_t i = 0; i < ARRAY_SIZE(once_errors); i++) {
		const char *name = site_field(f->site, once_errors[i]);
		const struct ynode *n = ynode_get(f->root, name);
		if (n && ynode_is_empty(n))
			note(&n->loc, "%s is empty: taken as absent", name);
	}
}

static const char *shown(const struct ynode *n)
{
	return n->type == YN_SCALAR ? n->scalar : ynode_kind(n);
}

static int text_value(struct fm *f, const struct ynode *n, const char *what, char **out)
{
	if (n->type != YN_SCALAR)
		return f->ret = error(&n->loc, "%s must be a text value (got %s)", what,
				      ynode_kind(n));
	free(*out);
	*out = xstrdup(n->scalar);
	return 0;
}

static int when_value(struct fm *f, const struct ynode *n, const char *what, struct when *w)
{
	if (n->type != YN_SCALAR || when_parse(w, n->scalar) < 0)
		return f->ret = error(
			       &n->loc,
			       "%s \"%s\" is not a date (expected YYYY-MM-DD or an ISO 8601 date-time such as 2024-03-14T14:05:00Z)",
			       what, shown(n));
	return 0;
}

/* One of names[] (compared case-insensitively, '_' and ' ' as '-'); synonyms map extra spellings. */
struct choice {
	const char *name;
	int value;
};

static int choice_value(struct fm *f, const struct ynode *n, const char *what,
			const struct choice *c, size_t nc, const char *expected, int *out)
{
	if (n->type == YN_SCALAR)
		for (size_t i = 0; i < nc; i++)
			if (same_word(n->scalar, c[i].name)) {
				*out = c[i].value;
				return 0;
			}
	return f->ret = error(&n->loc, "unknown %s \"%s\" (expected %s)", what, shown(n), expected);
}

static int bool_value(struct fm *f, const struct ynode *n, const char *what, bool *out)
{
	static const struct choice c[] = {{"true", 1},	{"yes", 1}, {"on", 1},
					  {"false", 0}, {"no", 0},  {"off", 0}};
	if (n->type == YN_SCALAR)
		for (size_t i = 0; i < ARRAY_SIZE(c); i++)
			if (same_word(n->scalar, c[i].name)) {
				*out = c[i].value;
				return 0;
			}
	return f->ret = error(&n->loc, "%s must be true or false (got \"%s\")", what, shown(n));
}

/* A list of names, or a single name. */
static void terms_value(struct fm *f, const struct ynode *n, const char *what, struct term **out,
			size_t *nout)
{
	if (ynode_is_null(n))
		return;
	if (n->type == YN_MAP) {
		f->ret = error(&n->loc, "%s must be a list of names (got a mapping)", what);
		return;
	}
	size_t cnt = n->type == YN_SCALAR ? 1 : n->n;
	*out = xcalloc(cnt ? cnt : 1, sizeof(struct term));
	for (size_t i = 0; i < cnt; i++) {
		const struct ynode *it = n->type == YN_SCALAR ? n : n->items[i];
		if (it->type != YN_SCALAR || !*it->scalar) {
			f->ret = error(&it->loc, "%s must be a list of names (got %s in it)", what,
				       it->type == YN_SCALAR ? "an empty name" : ynode_kind(it));
			continue;
		}
		char *slug = slugify(it->scalar);
		if (!*slug) {
			f->ret = error(&it->loc, "%s \"%s\" has no letters or digits to name it by",
				       what, it->scalar);
			free(slug);
			continue;
		}
		struct term *t = &(*out)[(*nout)++];
		t->name = xstrdup(it->scalar);
		t->slug = slug;
		t->loc = it->loc;
	}
}

static const struct choice categories[] = {
	{"technical", CAT_TECHNICAL},
	{"process", CAT_PROCESS},
	{"communication", CAT_COMMUNICATION},
	{"external", CAT_EXTERNAL},
};

static void factor_value(struct fm *f, const struct ynode *it, struct factor *out, bool *ok)
{
	const struct ynode *name = it;
	*ok = false;
	if (it->type == YN_MAP) {
		name = ynode_get(it, "name");
		if (!name) {
			f->ret = error(
				&it->loc,
				"a contributing factor needs a name (expected name: and optionally category:)");
			return;
		}
		const struct ynode *cat = ynode_get(it, "category");
		int v = CAT_NONE;
		if (cat && choice_value(f, cat, "category", categories, ARRAY_SIZE(categories),
					"technical, process, communication, external", &v) < 0)
			return;
		out->category = (enum factor_category)v;
		for (size_t k = 0; k < it->n; k++)
			if (strcmp(it->keys[k], "name") && strcmp(it->keys[k], "category"))
				f->ret = error(
					&it->key_locs[k],
					"unknown key \"%s\" in a contributing factor (expected name, category)",
					it->keys[k]);
	}
	if (name->type != YN_SCALAR || !*name->scalar) {
		f->ret = error(&name->loc,
			       "a contributing factor must be a name or {name, category} (got %s)",
			       name->type == YN_SCALAR ? "an empty name" : ynode_kind(name));
		return;
	}
	out->slug = slugify(name->scalar);
	if (!*out->slug) {
		f->ret = error(&name->loc,
			       "contributing factor \"%s\" has no letters or digits to name it by",
			       name->scalar);
		free(out->slug);
		out->slug = NULL;
		return;
	}
	out->name = xstrdup(name->scalar);
	out->loc = name->loc;
	*ok = true;
}

static void factors_value(struct fm *f, const struct ynode *n)
{
	struct postmortem *pm = f->pm;
	if (ynode_is_null(n))
		return;
	if (n->type == YN_MAP) {
		f->ret = error(&n->loc, "contributing_factors must be a list (got a mapping)");
		return;
	}
	size_t cnt = n->type == YN_SCALAR ? 1 : n->n;
	pm->factors = xcalloc(cnt ? cnt : 1, sizeof(struct factor));
	for (size_t i = 0; i < cnt; i++) {
		bool ok;
		factor_value(f, n->type == YN_SCALAR ? n : n->items[i], &pm->factors[pm->nfactors],
			     &ok);
		if (ok)
			pm->nfactors++;
	}
}

static void impact_value(struct fm *f, const struct ynode *n)
{
	struct impact *im = &f->pm->impact;
	if (n->type != YN_MAP) {
		f->ret = error(
			&n->loc,
			"impact must be a mapping of started, detected, mitigated, resolved, customers_affected, description (got %s)",
			ynode_kind(n));
		return;
	}
	static const char *const times[] = {"started", "detected", "mitigated", "resolved"};
	struct when *w[] = {&im->started, &im->detected, &im->mitigated, &im->resolved};
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		const struct ynode *v = n->items[i];
		size_t t;
		for (t = 0; t < 4 && strcmp(k, times[t]); t++)
			;
		if (t < 4) {
			char what[32];
			snprintf(what, sizeof(what), "impact.%s", k);
			if (when_value(f, v, what, w[t]) == 0 && t > 0 && im->started.set &&
			    w[t]->epoch < im->started.epoch)
				warning(&v->loc, "impact.%s is before impact.started", k);
		} else if (!strcmp(k, "customers_affected")) {
			char *end;
			long long c = v->type == YN_SCALAR ? strtoll(v->scalar, &end, 10) : -1;
			if (v->type != YN_SCALAR || !*v->scalar || *end || c < 0)
				f->ret = error(
					&v->loc,
					"impact.customers_affected must be a whole number of at least 0 (got \"%s\")",
					shown(v));
			else
				im->customers_affected = c;
		} else if (!strcmp(k, "description")) {
			text_value(f, v, "impact.description", &im->description);
		}
	}
}

static void action_value(struct fm *f, const struct ynode *n, struct action_item *a, bool *ok)
{
	*ok = false;
	if (n->type != YN_MAP) {
		f->ret = error(&n->loc,
			       "an action item must be a mapping with at least a title (got %s)",
			       ynode_kind(n));
		return;
	}
	a->loc = n->loc;
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		const struct ynode *v = n->items[i];
		if (!strcmp(k, "title")) {
			text_value(f, v, "action_items.title", &a->title);
		} else if (!strcmp(k, "owner")) {
			if (text_value(f, v, "action_items.owner", &a->owner) == 0 &&
			    !ynode_is_null(v))
				a->owner_slug = slugify(a->owner);
		} else if (!strcmp(k, "due")) {
			when_value(f, v, "action_items.due", &a->due);
		} else if (!strcmp(k, "closed")) {
			when_value(f, v, "action_items.closed", &a->closed);
		} else if (!strcmp(k, "status")) {
			if (v->type != YN_SCALAR || !ai_status_parse(v->scalar, &a->status))
				f->ret = error(
					&v->loc,
					"unknown action-item status \"%s\" (expected " AI_STATUS_EXPECTED
					")",
					shown(v));
		} else if (!strcmp(k, "priority")) {
			if (v->type != YN_SCALAR || !ai_priority_parse(v->scalar, &a->priority))
				f->ret = error(
					&v->loc,
					"unknown priority \"%s\" (expected " AI_PRIORITY_EXPECTED
					")",
					shown(v));
		} else if (!strcmp(k, "ticket")) {
			text_value(f, v, "action_items.ticket", &a->ticket);
		} else if (!strcmp(k, "success_criteria")) {
			text_value(f, v, "action_items.success_criteria", &a->success_criteria);
		}
	}
	if (a->owner && ynode_is_null(ynode_get(n, "owner"))) {
		free(a->owner);
		a->owner = NULL;
	}
	if (!a->title || !*a->title) {
		f->ret = error(&n->loc,
			       "action item without a title (expected title: what will be done)");
		return;
	}
	*ok = true;
}

static void actions_value(struct fm *f, const struct ynode *n)
{
	struct postmortem *pm = f->pm;
	if (ynode_is_null(n))
		return;
	if (n->type != YN_SEQ) {
		f->ret = error(&n->loc, "action_items must be a list of items (got %s)",
			       ynode_kind(n));
		return;
	}
	pm->actions = xcalloc(n->n ? n->n : 1, sizeof(struct action_item));
	for (size_t i = 0; i < n->n; i++) {
		struct action_item *a = &pm->actions[pm->nactions];
		bool ok;
		action_value(f, n->items[i], a, &ok);
		if (ok) {
			pm->nactions++;
		} else {
			free(a->title);
			free(a->owner);
			free(a->owner_slug);
			free(a->ticket);
			free(a->success_criteria);
			memset(a, 0, sizeof(*a));
		}
	}
}

/* ---- the postmortem ------------------------------------------------------ */

/* Ids name pages: letters, digits, '-', '_', '.' and spaces, not starting with '.'. */
static int id_value(struct fm *f, const struct ynode *n)
{
	struct postmortem *pm = f->pm;
	if (text_value(f, n, "id", &pm->id) < 0)
		return -1;
	pm->id_loc = n->loc;
	bool ok = *pm->id && pm->id[0] != '.';
	for (const char *p = pm->id; *p; p++)
		ok &= isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.' ||
		      *p == ' ' || (unsigned char)*p >= 0x80;
	pm->slug = slugify(pm->id);
	if (!ok || !*pm->slug)
		return f->ret = error(
			       &n->loc,
			       "id \"%s\" cannot be used as a page name (use letters, digits, '-', '_' and '.')",
			       pm->id);
	return 0;
}

static const struct choice statuses[] = {
	{"draft", STATUS_DRAFT},
	{"in-review", STATUS_IN_REVIEW},
	{"review", STATUS_IN_REVIEW},
	{"complete", STATUS_COMPLETE},
};
static const struct choice kinds[] = {
	{"incident", KIND_INCIDENT}, {"near-miss", KIND_NEAR_MISS}, {"drill", KIND_DRILL}};
static const struct choice visibilities[] = {{"internal", VIS_INTERNAL}, {"public", VIS_PUBLIC}};

static void severity_value(struct fm *f, const struct ynode *n)
{
	const struct site *s = f->site;
	int v = n->type == YN_SCALAR ? site_severity(s, n->scalar) : -1;
	if (v >= 0) {
		f->pm->severity = v;
		return;
	}
	struct buf exp = BUF_INIT;
	for (size_t i = 0; i < s->nseverities; i++)
		buf_addf(&exp, "%s%s", i ? ", " : "", s->severities[i]);
	f->ret = error(&n->loc, "unknown severity \"%s\" (expected %s)", shown(n), buf_cstr(&exp));
	buf_release(&exp);
}

static void required(struct fm *f, const char *ours)
{
	if (field(f, ours) || f->defaults)
		return;
	if (!f->mapped) {
		f->ret = error(&f->root->loc, "missing required field \"%s\"",
			       site_field(f->site, ours));
		return;
	}
	struct buf b = BUF_INIT;
	fieldmap_looked_for(f->site, ours, &b);
	bool body = f->site->import && (f->site->import->read_body || !f->pm->front);
	f->ret = error(&f->root->loc,
		       "missing required field \"%s\" (looked for %s in the front matter%s)", ours,
		       buf_cstr(&b), body ? ", then in the body" : "");
	buf_release(&b);
}

/* site.yaml taxonomies: each a list of names, like tags (pm->taxa has one more entry, v NULL, at the end). */
static void taxonomies_value(struct fm *f)
{
	const struct import_cfg *ic = f->site->import;
	if (!ic || !ic->ntax)
		return;
	struct postmortem *pm = f->pm;
	pm->taxa = xcalloc(ic->ntax + 1, sizeof(*pm->taxa));
	for (size_t t = 0; t < ic->ntax; t++) {
		const struct ynode *n = field(f, ic->tax[t].name);
		if (n)
			terms_value(f, n, ic->tax[t].name, &pm->taxa[t].v, &pm->taxa[t].n);
		if (!pm->taxa[t].v)
			pm->taxa[t].v = xcalloc(1, sizeof(struct term));
	}
}

static void parse_fields(struct fm *f)
{
	struct postmortem *pm = f->pm;
	const struct ynode *n;
	int e = 0;
	if (!f->mapped)
		note_empties(f);
	required(f, "id");
	required(f, "title");
	required(f, "date");
	if ((n = field(f, "id")))
		id_value(f, n);
	/* checked by the public profile, which uses it */
	if ((n = ynode_get(f->root, "public_id"))) {
		pm->public_id = xstrdup(n->type == YN_SCALAR ? n->scalar : "");
		pm->public_id_loc = n->loc;
	}
	if ((n = field(f, "title")) && text_value(f, n, "title", &pm->title) == 0) {
		pm->title_loc = n->loc;
		if (!*pm->title)
			f->ret = error(&n->loc, "title is empty");
	}
	if ((n = field(f, "date")) && when_value(f, n, "date", &pm->date) == 0)
		pm->date_loc = n->loc;
	pm->severity = (int)f->site->nseverities - 1;
	pm->visibility = f->site->default_visibility;
	pm->impact.customers_affected = -1;
	if ((n = field(f, "status")) && choice_value(f, n, "status", statuses, ARRAY_SIZE(statuses),
						     "draft, in-review, complete", &e) == 0)
		pm->status = (enum pm_status)e;
	if ((n = field(f, "severity")))
		severity_value(f, n);
	if ((n = field(f, "kind")) && choice_value(f, n, "kind", kinds, ARRAY_SIZE(kinds),
						   "incident, near-miss, drill", &e) == 0)
		pm->kind = (enum pm_kind)e;
	if ((n = field(f, "visibility")) &&
	    choice_value(f, n, "visibility", visibilities, ARRAY_SIZE(visibilities),
			 "internal, public", &e) == 0)
		pm->visibility = (enum visibility)e;
	if ((n = field(f, "owner")) && !ynode_is_null(n) &&
	    text_value(f, n, "owner", &pm->owner) == 0)
		pm->owner_slug = slugify(pm->owner);
	if ((n = field(f, "summary")) && !ynode_is_null(n))
		text_value(f, n, "summary", &pm->summary);
	if ((n = field(f, "featured")))
		bool_value(f, n, "featured", &pm->featured);
	if ((n = field(f, "published")) && !ynode_is_null(n))
		when_value(f, n, "published", &pm->published);
	if ((n = field(f, "authors")))
		terms_value(f, n, "authors", &pm->authors, &pm->nauthors);
	if ((n = field(f, "services")))
		terms_value(f, n, "services", &pm->services, &pm->nservices);
	if ((n = field(f, "tags")))
		terms_value(f, n, "tags", &pm->tags, &pm->ntags);
	if ((n = field(f, "related")))
		terms_value(f, n, "related", &pm->related, &pm->nrelated);
	for (size_t i = 0; i < pm->nrelated; i++) { /* related names ids, not slugs */
		free(pm->related[i].slug);
		pm->related[i].slug = slugify(pm->related[i].name);
	}
	if ((n = field(f, "contributing_factors")))
		factors_value(f, n);
	if ((n = field(f, "impact")) && !ynode_is_null(n))
		impact_value(f, n);
	if ((n = field(f, "source")) && text_value(f, n, "source", &pm->source) == 0 &&
	    strncmp(pm->source, "https://", 8) && strncmp(pm->source, "http://", 7)) {
		warning(&n->loc, "source \"%s\" is not an http or https URL; left out", pm->source);
		free(pm->source);
		pm->source = NULL;
	}
	if ((n = field(f, "action_items")))
		actions_value(f, n);
	taxonomies_value(f);
}

/*
 * Without site.yaml's import settings: when the front matter has no
 * action_items, a table or plain list under "Action items" gives them (a task
 * list under a heading is markdown.c's, with its annotations).
 */
static void body_actions(struct fm *f)
{
	struct postmortem *pm = f->pm;
	if (ynode_get(f->root, site_field(f->site, "action_items")))
		return;
	struct ynode *list = fieldmap_body_actions(pm, &pm->actions_section);
	if (!list)
		return;
	actions_value(f, list);
	pm->actions_from_body = pm->nactions > 0;
	ynode_free(list);
}

/* With import settings: the fields fieldmap finds, wherever they are. */
static void mapped_fields(struct fm *f, struct explain *ex)
{
	struct postmortem *pm = f->pm;
	struct fm_result res;
	fieldmap_apply(&res, f->site, pm, pm->front, ex);
	f->root = res.root;
	f->mapped = true;
	if (res.failed)
		f->ret = -1;
	parse_fields(f);
	if (f->ret < 0 && f->site->import && f->site->import->hooks) {
		struct loc loc = {pm->path, 1, 1};
		note(&loc, "this file's fields went through the on_load hooks of scripts/");
	}
	pm->actions_from_body = res.actions_from_body && pm->nactions > 0;
	pm->impact_from_timeline = res.impact_from_timeline;
	pm->actions_section = res.actions_section;
	ynode_free(res.root);
	f->root = pm->front;
}

/* A copy of body without WIKILINK_MARK bytes. */
static char *clean_body(const char *body, size_t len)
{
	char *out = xmalloc(len + 1), *q = out;
	for (size_t i = 0; i < len; i++)
		if (body[i] != WIKILINK_MARK)
			*q++ = body[i];
	*q = '\0';
	return out;
}

int frontmatter_explain(struct postmortem *pm, const struct site *site, const char *text,
			size_t len, struct explain *ex)
{
	struct fm f = {.pm = pm, .site = site};
	struct split sp;
	bool optional = site->import && site->import->front_optional;
	if (check_bytes(pm->path, text, len) < 0)
		return -1;
	if (split_file(pm->path, text, len, !optional, &sp) < 0)
		return -1;
	pm->body = clean_body(sp.body, (size_t)(text + len - sp.body));
	pm->body_line = sp.body_line;
	if (sp.has_front) {
		pm->yaml_off = (size_t)(sp.yaml - text);
		pm->yaml_len = sp.yaml_len;
		if (yaml_parse(pm->path, sp.yaml, sp.yaml_len, 2, &pm->front) < 0)
			return -1;
		if (!pm->front || pm->front->type != YN_MAP) {
			struct loc loc = pm->front ? pm->front->loc : (struct loc){pm->path, 2, 1};
			return error(
				&loc,
				"front matter must be a mapping of fields such as id:, title:, date: (got %s)",
				pm->front ? ynode_kind(pm->front) : "nothing");
		}
	}
	f.root = pm->front;
	if (site->import || ex) { /* --explain: the same values, with where each came from */
		mapped_fields(&f, ex);
	} else {
		parse_fields(&f);
		body_actions(&f);
	}
	return f.ret < 0 ? -1 : 0;
}

int frontmatter_check_defaults(const struct site *site)
{
	struct ynode *root = fieldmap_defaults(site);
	if (!root)
		return 0;
	struct postmortem pm = {0};
	pm.path = xstrdup(site->path ? site->path : "site.yaml");
	pm.rel = xstrdup("site.yaml");
	struct fm f = {.pm = &pm, .site = site, .root = root, .mapped = true, .defaults = true};
	parse_fields(&f);
	ynode_free(root);
	pm_release(&pm);
	return f.ret < 0 ? -1 : 0;
}

int frontmatter_parse(struct postmortem *pm, const struct site *site, const char *text, size_t len)
{
	return frontmatter_explain(pm, site, text, len, NULL);
}

int frontmatter_page(struct page *pg, const char *text, size_t len, const char **body,
		     int *body_line)
{
	struct split sp;
	if (check_bytes(pg->path, text, len) < 0 || split_file(pg->path, text, len, false, &sp) < 0)
		return -1;
	*body = sp.body;
	*body_line = sp.body_line;
	if (sp.has_front && yaml_parse(pg->path, sp.yaml, sp.yaml_len, 2, &pg->front) < 0)
		return -1;
	pg->front = ynode_pack(pg->front);
	const struct ynode *t = ynode_get(pg->front, "title");
	if (t && t->type == YN_SCALAR && *t->scalar) {
		pg->title = xstrdup(t->scalar);
	} else {
		/* The file name, with its first letter capitalised. */
		pg->title = xstrdup(pg->slug);
		pg->title[0] = (char)toupper((unsigned char)pg->title[0]);
		for (char *p = pg->title; *p; p++)
			if (*p == '-' || *p == '_')
				*p = ' ';
	}
	return 0;
}
