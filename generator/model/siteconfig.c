/* siteconfig: site.yaml, typed and validated (see siteconfig.h). */
#include "model/siteconfig.h"

#include "base/fsutil.h"
#include "base/url.h"
#include "model/slug.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char **str_list(size_t n, const char *const *v)
{
	char **out = xcalloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

void site_init(struct site *s)
{
	static const char *const sev[] = {"SEV1", "SEV2", "SEV3", "SEV4"};
	static const char *const strip[] = {"owner", "authors", "action_items.owner",
					    "action_items.ticket"};
	memset(s, 0, sizeof(*s));
	s->title = xstrdup("Postmortems");
	s->description = xstrdup("What we learned from our incidents");
	s->base_url = xstrdup("/");
	s->language = xstrdup("en");
	s->default_visibility = VIS_INTERNAL;
	s->severities = str_list(4, sev);
	s->nseverities = 4;
	s->recurring_threshold = 2;
	s->md_limits = md_limits_default;
	s->id_pattern = xstrdup("PM-{year}-{seq:3}");
	s->strip = str_list(4, strip);
	s->nstrip = 4;
	policy_init(&s->policy);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void site_release(struct site *s)
{
	free(s->path);
	free(s->title);
	free(s->description);
	free(s->base_url);
	free(s->language);
	free_list(s->severities, s->nseverities);
	free(s->id_pattern);
	for (size_t i = 0; i < s->naliases; i++) {
		free(s->aliases[i].canonical);
		free_list(s->aliases[i].names, s->aliases[i].nnames);
	}
	free(s->aliases);
	for (size_t i = 0; i < s->nservices; i++) {
		struct service_info *si = &s->services[i];
		free(si->name);
		free(si->slug);
		free(si->description);
		free(si->team);
		free(si->owner);
		free_list(si->link_titles, si->nlinks);
		free_list(si->link_urls, si->nlinks);
	}
	free(s->services);
	for (size_t i = 0; i < s->nfields; i++) {
		free(s->fields[i].ours);
		free(s->fields[i].theirs);
	}
	free(s->fields);
	free(s->taxonomies);
	free_list(s->strip, s->nstrip);
	for (size_t i = 0; i < s->nredact; i++) {
		free(s->redact[i].pattern);
		free(s->redact[i].replace);
	}
	free(s->redact);
	free_list(s->deny, s->ndeny);
	if (s->import)
		s->import_free(s->import);
	policy_release(&s->policy);
	site_links_release(&s->links);
	ynode_free(s->front);
	memset(s, 0, sizeof(*s));
}

/* A text value into *out (replacing it); -1 with a diagnostic otherwise. */
static int get_text(const struct ynode *n, const char *what, char **out)
{
	if (n->type != YN_SCALAR)
		return error(&n->loc, "%s must be a text value (got %s)", what, ynode_kind(n));
	free(*out);
	*out = xstrdup(n->scalar);
	return 0;
}

/* A list of text values (or one text value) into a new array. */
static int get_list(const struct ynode *n, const char *what, char ***out, size_t *nout)
{
	if (n->type == YN_MAP)
		return error(&n->loc, "%s must be a list of text values (got a mapping)", what);
	size_t cnt = n->type == YN_SCALAR ? (ynode_is_null(n) ? 0 : 1) : n->n;
	char **v = xcalloc(cnt ? cnt : 1, sizeof(char *));
	for (size_t i = 0; i < cnt; i++) {
		const struct ynode *it = n->type == YN_SCALAR ? n : n->items[i];
		if (it->type != YN_SCALAR) {
			free_list(v, i);
			return error(&it->loc, "%s must be a list of text values (got %s in it)",
				     what, ynode_kind(it));
		}
		v[i] = xstrdup(it->scalar);
	}
	*out = v;
	*nout = cnt;
	return 0;
}

static int parse_int(const struct ynode *n, const char *what, int min, int max, int *out)
{
	char *end;
	long v = n->type == YN_SCALAR ? strtol(n->scalar, &end, 10) : 0;
	if (n->type != YN_SCALAR || !*n->scalar || *end || v < min || v > max)
		return error(&n->loc, "%s must be a whole number from %d to %d (got %s%s%s)", what,
			     min, max, n->type == YN_SCALAR ? "\"" : "",
			     n->type == YN_SCALAR ? n->scalar : ynode_kind(n),
			     n->type == YN_SCALAR ? "\"" : "");
	*out = (int)v;
	return 0;
}

static int parse_bool(const struct ynode *n, const char *what, bool *out)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "off"};
	if (n->type == YN_SCALAR) {
		for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
			if (!strcmp(n->scalar, yes[i])) {
				*out = true;
				return 0;
			}
			if (!strcmp(n->scalar, no[i])) {
				*out = false;
				return 0;
			}
		}
	}
	return error(&n->loc, "%s must be true or false (got %s%s%s)", what,
		     n->type == YN_SCALAR ? "\"" : "",
		     n->type == YN_SCALAR ? n->scalar : ynode_kind(n),
		     n->type == YN_SCALAR ? "\"" : "");
}

static int parse_aliases(struct site *s, const struct ynode *n)
{
	int ret = 0;
	if (n->type != YN_MAP)
		return error(
			&n->loc,
			"aliases must be a mapping from a canonical name to its other spellings (got %s)",
			ynode_kind(n));
	s->aliases = xcalloc(n->n ? n->n : 1, sizeof(*s->aliases));
	for (size_t i = 0; i < n->n; i++) {
		struct alias *a = &s->aliases[s->naliases];
		if (get_list(n->items[i], "an alias's spellings", &a->names, &a->nnames) < 0) {
			ret = -1;
			continue;
		}
		a->canonical = xstrdup(n->keys[i]);
		a->loc = n->key_locs[i];
		s->naliases++;
	}
	return ret;
}

/* A URL the allow-list refuses (url.h), quoted with its controls shown. */
static int bad_url(const struct ynode *n, const char *what)
{
	struct buf q = BUF_INIT;
	url_quote(&q, n->scalar, 60);
	error(&n->loc, "%s \"%s\" is not allowed (expected " URL_SAFE_EXPECTED ")", what,
	      buf_cstr(&q));
	buf_release(&q);
	return -1;
}

static int parse_links(struct service_info *si, const struct ynode *n)
{
	if (n->type != YN_SEQ)
		return error(&n->loc, "links must be a list of {title, url} (got %s)",
			     ynode_kind(n));
	si->link_titles = xcalloc(n->n ? n->n : 1, sizeof(char *));
	si->link_urls = xcalloc(n->n ? n->n : 1, sizeof(char *));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *l = n->items[i], *t = ynode_get(l, "title"),
				   *u = ynode_get(l, "url");
		if (l->type != YN_MAP || !u || u->type != YN_SCALAR)
			return error(&l->loc, "a link must be a mapping with a url (and a title)");
		if (!url_safe(u->scalar))
			return bad_url(u, "service link url");
		si->link_urls[si->nlinks] = xstrdup(u->scalar);
		si->link_titles[si->nlinks++] =
			xstrdup(t && t->type == YN_SCALAR ? t->scalar : u->scalar);
	}
	return 0;
}

static int parse_service(struct service_info *si, const char *name, const struct loc *loc,
			 const struct ynode *n)
{
	int ret = 0;
	si->name = xstrdup(name);
	si->slug = slugify(name);
	si->loc = *loc;
	if (ynode_is_null(n))
		return 0;
	if (n->type != YN_MAP)
		return error(
			&n->loc,
			"service \"%s\" must be a mapping of description, team, owner, tier, links (got %s)",
			name, ynode_kind(n));
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		const struct ynode *v = n->items[i];
		if (!strcmp(k, "description"))
			ret |= get_text(v, "description", &si->description);
		else if (!strcmp(k, "team"))
			ret |= get_text(v, "team", &si->team);
		else if (!strcmp(k, "owner"))
			ret |= get_text(v, "owner", &si->owner);
		else if (!strcmp(k, "tier"))
			ret |= parse_int(v, "tier", 1, 5, &si->tier);
		else if (!strcmp(k, "links"))
			ret |= parse_links(si, v);
	}
	return ret;
}

static int parse_services(struct site *s, const struct ynode *n)
{
	int ret = 0;
	s->has_registry = true;
	if (n->type != YN_MAP)
		return error(
			&n->loc,
			"services must be a mapping from service name to its description (got %s)",
			ynode_kind(n));
	s->services = xcalloc(n->n ? n->n : 1, sizeof(*s->services));
	for (size_t i = 0; i < n->n; i++)
		ret |= parse_service(&s->services[s->nservices++], n->keys[i], &n->key_locs[i],
				     n->items[i]);
	return ret;
}

static int check_pattern(const struct ynode *n)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)n->scalar, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
				       &code, &off, NULL);
	if (re) {
		pcre2_code_free(re);
		return 0;
	}
	PCRE2_UCHAR msg[256];
	pcre2_get_error_message(code, msg, sizeof(msg));
	return error(&n->loc, "invalid redact pattern: %s at offset %zu", (const char *)msg,
		     (size_t)off);
}

static int parse_redact(struct site *s, const struct ynode *n)
{
	int ret = 0;
	if (n->type != YN_SEQ)
		return error(&n->loc, "public.redact must be a list of {pattern, replace} (got %s)",
			     ynode_kind(n));
	s->redact = xcalloc(n->n ? n->n : 1, sizeof(*s->redact));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *r = n->items[i], *p = ynode_get(r, "pattern"),
				   *rep = ynode_get(r, "replace");
		if (r->type != YN_MAP || !p || p->type != YN_SCALAR) {
			ret = error(
				&r->loc,
				"a redact rule must be a mapping with a pattern (and a replace)");
			continue;
		}
		if (check_pattern(p) < 0) {
			ret = -1;
			continue;
		}
		struct redact_rule *rule = &s->redact[s->nredact++];
		rule->pattern = xstrdup(p->scalar);
		rule->replace = xstrdup(rep && rep->type == YN_SCALAR ? rep->scalar : "[redacted]");
		rule->loc = p->loc;
	}
	return ret;
}

/*
 * markdown: unsafe_html and the limits of the Markdown screen (mdscreen.h).
 * site.yaml arrives with a pull request, so each limit has a ceiling at
 * which a MiB of the worst Markdown still parses in seconds.
 */
static int parse_markdown(struct site *s, const struct ynode *n)
{
	static const struct {
		const char *key;
		size_t off;
		int max;
	} limits[] = {
		{"max_size", offsetof(struct md_limits, max_size), FS_MAX_FILE},
		{"max_nesting", offsetof(struct md_limits, max_nesting), 128},
		{"max_table_columns", offsetof(struct md_limits, max_table_columns), 1024},
		{"max_table_cells", offsetof(struct md_limits, max_table_cells), 1000000},
		{"max_images", offsetof(struct md_limits, max_images), 1024},
		{"max_autolinks", offsetof(struct md_limits, max_autolinks), 256},
	};
	const struct ynode *u = ynode_get(n, "unsafe_html");
	int ret = u ? parse_bool(u, "markdown.unsafe_html", &s->allow_html) : 0;
	for (size_t i = 0; i < ARRAY_SIZE(limits); i++) {
		const struct ynode *v = ynode_get(n, limits[i].key);
		char what[64];
		snprintf(what, sizeof(what), "markdown.%s", limits[i].key);
		if (v)
			ret |= parse_int(v, what, 1, limits[i].max,
					 (int *)((char *)&s->md_limits + limits[i].off));
	}
	return ret;
}

static int parse_public(struct site *s, const struct ynode *n)
{
	int ret = 0;
	if (n->type != YN_MAP)
		return error(&n->loc,
			     "public must be a mapping of strip, redact, deny, show_ids (got %s)",
			     ynode_kind(n));
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		if (!strcmp(k, "strip")) {
			free_list(s->strip, s->nstrip);
			s->strip = NULL;
			s->nstrip = 0;
			ret |= get_list(n->items[i], "public.strip", &s->strip, &s->nstrip);
		} else if (!strcmp(k, "redact")) {
			ret |= parse_redact(s, n->items[i]);
		} else if (!strcmp(k, "deny")) {
			ret |= get_list(n->items[i], "public.deny", &s->deny, &s->ndeny);
		} else if (!strcmp(k, "show_ids")) {
			ret |= parse_bool(n->items[i], "public.show_ids", &s->show_ids);
		} else {
			ret = error(
				&n->key_locs[i],
				"unknown key \"%s\" in public (expected strip, redact, deny, show_ids)",
				k);
		}
	}
	return ret;
}

/*
 * Top-level keys read elsewhere from s->front (lint.c's lint:; fieldmap.c's
 * fields:, defaults:, import:, taxonomies: and computed:, by the load stage)
 * or kept for templates (params:).
 */
static const char *const other_keys[] = {"lint",   "params",	 "fields",   "defaults",
					 "import", "taxonomies", "computed", "policy"};
static const char *const known_keys[] = {
	"title",      "description", "base_url",   "language",
	"id_pattern", "visibility",  "severities", "recurring_threshold",
	"markdown",   "aliases",     "services",   "fields",
	"defaults",   "import",	     "taxonomies", "public",
	"lint",	      "params",	     "computed",   "policy",
	"tickets",    "edit_url",    "teams",
};

/* Edit distance of a and b, stopping at 3 (for "did you mean"). */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40 || (la > lb ? la - lb : lb - la) > 2)
		return 3;
	int d[41][41];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1; /* a swap: "fileds" */
		}
	return d[la][lb];
}

/* A key aftermath does not know: a warning (a typo like fileds: would be silent), with the nearest known key. */
static void unknown_key(const char *k, const struct loc *loc)
{
	const char *best = NULL;
	int bestd = 3;
	for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++) {
		int d = distance(k, known_keys[i]);
		if (d < bestd)
			bestd = d, best = known_keys[i];
	}
	if (best)
		warning(loc,
			"unknown key \"%s\" in site.yaml (did you mean \"%s\"? a site's own values go under params:)",
			k, best);
	else
		warning(loc,
			"unknown key \"%s\" in site.yaml (a site's own values go under params:, which templates read as site.params)",
			k);
}

static int parse_key(struct site *s, const char *k, const struct loc *kloc, const struct ynode *v)
{
	if (!strcmp(k, "title"))
		return get_text(v, "title", &s->title);
	if (!strcmp(k, "description"))
		return get_text(v, "description", &s->description);
	if (!strcmp(k, "base_url")) {
		if (v->type == YN_SCALAR && !url_safe(v->scalar))
			return bad_url(v, "base_url");
		return get_text(v, "base_url", &s->base_url);
	}
	if (!strcmp(k, "language"))
		return get_text(v, "language", &s->language);
	if (!strcmp(k, "id_pattern"))
		return get_text(v, "id_pattern", &s->id_pattern);
	if (!strcmp(k, "visibility")) {
		if (v->type == YN_SCALAR && !strcmp(v->scalar, "public"))
			s->default_visibility = VIS_PUBLIC;
		else if (v->type == YN_SCALAR && !strcmp(v->scalar, "internal"))
			s->default_visibility = VIS_INTERNAL;
		else
			return error(&v->loc,
				     "unknown visibility \"%s\" (expected internal, public)",
				     v->type == YN_SCALAR ? v->scalar : ynode_kind(v));
		return 0;
	}
	if (!strcmp(k, "severities")) {
		char **list;
		size_t n;
		if (get_list(v, "severities", &list, &n) < 0)
			return -1;
		if (!n) {
			free(list);
			return error(&v->loc, "severities must name at least one severity");
		}
		free_list(s->severities, s->nseverities);
		s->severities = list;
		s->nseverities = n;
		return 0;
	}
	if (!strcmp(k, "recurring_threshold"))
		return parse_int(v, "recurring_threshold", 1, 1000000, &s->recurring_threshold);
	if (!strcmp(k, "markdown"))
		return parse_markdown(s, v);
	if (!strcmp(k, "aliases"))
		return parse_aliases(s, v);
	if (!strcmp(k, "services"))
		return parse_services(s, v);
	if (!strcmp(k, "public"))
		return parse_public(s, v);
	int r = site_links_key(&s->links, k, v); /* tickets, edit_url, teams */
	if (r <= 0)
		return r;
	if (!strcmp(k, "params") && v->type != YN_MAP && !ynode_is_null(v))
		return error(&v->loc, "params must be a mapping of the site's own values (got %s)",
			     ynode_kind(v));
	for (size_t i = 0; i < ARRAY_SIZE(other_keys); i++)
		if (!strcmp(k, other_keys[i]))
			return 0;
	unknown_key(k, kloc); /* still kept in s->front for templates and hooks */
	return 0;
}

int site_load(struct site *s, const char *dir)
{
	char *path = path_join(dir, "site.yaml");
	char *text;
	size_t len;
	int ret = 0;
	if (!fs_exists(path)) {
		free(path);
		return 0;
	}
	s->path = path;
	if (fs_read(path, &text, &len) < 0)
		return -1;
	size_t bad = utf8_valid(text, len);
	if (bad < len) {
		struct loc loc = diag_loc_at(s->path, text, bad);
		unsigned char byte = (unsigned char)text[bad];
		free(text);
		return error(&loc, "invalid UTF-8 (byte 0x%02x)", byte);
	}
	ret = yaml_parse(s->path, text, len, 1, &s->front);
	free(text);
	if (ret < 0 || !s->front)
		return ret;
	if (s->front->type != YN_MAP)
		return error(&s->front->loc, "site.yaml must be a mapping of settings (got %s)",
			     ynode_kind(s->front));
	for (size_t i = 0; i < s->front->n; i++)
		if (parse_key(s, s->front->keys[i], &s->front->key_locs[i], s->front->items[i]) < 0)
			ret = -1;
	/* after severities:, whatever the order */
	const struct ynode *policy = ynode_get(s->front, "policy");
	if (policy && policy_parse(&s->policy, policy, s->severities, s->nseverities) < 0)
		ret = -1;
	return ret;
}

int site_severity(const struct site *s, const char *name)
{
	for (size_t i = 0; i < s->nseverities; i++)
		if (!strcasecmp(s->severities[i], name))
			return (int)i;
	return -1;
}

const char *site_service_registered(const struct site *s, const char *name)
{
	char *slug = slugify(name);
	const char *canonical = NULL;
	for (size_t a = 0; a < s->naliases && !canonical; a++)
		for (size_t k = 0; k < s->aliases[a].nnames && !canonical; k++) {
			char *as = slugify(s->aliases[a].names[k]);
			if (!strcmp(as, slug))
				canonical = s->aliases[a].canonical;
			free(as);
		}
	if (canonical) {
		free(slug);
		slug = slugify(canonical);
	}
	const char *found = NULL;
	for (size_t i = 0; i < s->nservices && !found; i++)
		if (!strcmp(s->services[i].slug, slug))
			found = s->services[i].name;
	free(slug);
	return found;
}

const char *site_field(const struct site *s, const char *ours)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (!strcmp(s->fields[i].ours, ours))
			return s->fields[i].theirs;
	return ours;
}
