/* sitelinks: tickets:, edit_url: and teams: of site.yaml (see sitelinks.h). */
#include "model/sitelinks.h"

#include "base/diag.h"
#include "base/url.h"
#include "model/slug.h"

#include <stdlib.h>
#include <string.h>

/* How many times `needle` occurs in s. */
static size_t occurrences(const char *s, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	for (const char *p = strstr(s, needle); p; p = strstr(p + len, needle))
		n++;
	return n;
}

/* A URL template: http or https, `hole` exactly once; into *out. */
static int parse_template(const struct ynode *v, const char *key, const char *hole,
			  const char *example, char **out)
{
	if (v->type != YN_SCALAR)
		return error(&v->loc, "%s must be a URL template such as \"%s\" (got %s)", key,
			     example, ynode_kind(v));
	struct buf q = BUF_INIT;
	url_quote(&q, v->scalar, 80);
	int ret = 0;
	if ((strncasecmp(v->scalar, "http://", 7) && strncasecmp(v->scalar, "https://", 8)) ||
	    !url_safe(v->scalar))
		ret = error(
			&v->loc,
			"%s \"%s\" must be an http or https URL (expected a template such as \"%s\")",
			key, buf_cstr(&q), example);
	else if (occurrences(v->scalar, hole) != 1)
		ret = error(
			&v->loc,
			"%s \"%s\" must hold %s exactly once (it holds it %zu times; expected a template such as \"%s\")",
			key, buf_cstr(&q), hole, occurrences(v->scalar, hole), example);
	buf_release(&q);
	if (ret < 0)
		return ret;
	free(*out);
	*out = xstrdup(v->scalar);
	return 0;
}

static void team_free(struct team *t)
{
	free(t->name);
	free(t->slug);
	for (size_t i = 0; i < t->nmembers; i++)
		free(t->members[i]);
	free(t->members);
}

/* The members of team t from v (a list of names, or one name). */
static int parse_members(struct team *t, const struct ynode *v)
{
	if (v->type == YN_MAP)
		return error(&v->loc,
			     "team \"%s\" must be a list of its members' names (got a mapping)",
			     t->name);
	size_t n = v->type == YN_SCALAR ? (ynode_is_null(v) ? 0 : 1) : v->n;
	if (!n)
		warning(&v->loc, "team \"%s\" has no members (expected a list of names)", t->name);
	t->members = xcalloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const struct ynode *m = v->type == YN_SCALAR ? v : v->items[i];
		if (m->type != YN_SCALAR || !*m->scalar)
			return error(
				&m->loc, "a member of team \"%s\" must be a person's name (got %s)",
				t->name, m->type == YN_SCALAR ? "an empty text" : ynode_kind(m));
		char *slug = slugify(m->scalar);
		bool dup = false;
		for (size_t k = 0; k < t->nmembers && !dup; k++) {
			char *other = slugify(t->members[k]);
			dup = !strcmp(slug, other);
			free(other);
		}
		free(slug);
		if (dup) {
			warning(&m->loc,
				"\"%s\" is listed twice in team \"%s\" (names are matched by slug)",
				m->scalar, t->name);
			continue;
		}
		t->members[t->nmembers++] = xstrdup(m->scalar);
	}
	return 0;
}

static int parse_teams(struct site_links *l, const struct ynode *v)
{
	int ret = 0;
	if (ynode_is_null(v))
		return 0;
	if (v->type != YN_MAP)
		return error(&v->loc,
			     "teams must be a mapping from a team's name to its members (got %s)",
			     ynode_kind(v));
	l->teams = xcalloc(v->n ? v->n : 1, sizeof(*l->teams));
	for (size_t i = 0; i < v->n; i++) {
		struct team t = {xstrdup(v->keys[i]), slugify(v->keys[i]), NULL, 0, v->key_locs[i]};
		const struct team *same = NULL;
		for (size_t k = 0; k < l->nteams && !same; k++)
			if (!strcmp(l->teams[k].slug, t.slug))
				same = &l->teams[k];
		if (!*t.slug)
			ret = error(
				&t.loc,
				"team \"%s\" needs a letter or digit in its name (its page is /teams/<name>/)",
				t.name);
		else if (same)
			ret = error(
				&t.loc,
				"team \"%s\" is the same team as \"%s\" at line %d (team names are matched by slug)",
				t.name, same->name, same->loc.line);
		else if (parse_members(&t, v->items[i]) < 0)
			ret = -1;
		else {
			l->teams[l->nteams++] = t;
			continue;
		}
		team_free(&t);
	}
	return ret;
}

int site_links_key(struct site_links *l, const char *k, const struct ynode *v)
{
	if (!strcmp(k, "tickets"))
		return ynode_is_null(v)
			       ? 0
			       : parse_template(v, "tickets", "{}",
						"https://jira.example.com/browse/{}", &l->tickets);
	if (!strcmp(k, "edit_url"))
		return ynode_is_null(v)
			       ? 0
			       : parse_template(v, "edit_url", "{path}",
						"https://github.com/org/kb/edit/main/{path}",
						&l->edit_url);
	if (!strcmp(k, "teams"))
		return parse_teams(l, v);
	return 1;
}

void site_links_release(struct site_links *l)
{
	free(l->tickets);
	free(l->edit_url);
	for (size_t i = 0; i < l->nteams; i++)
		team_free(&l->teams[i]);
	free(l->teams);
	memset(l, 0, sizeof(*l));
}

/* s percent-encoded (RFC 3986: all but unreserved characters, and '/' when keep_slash). */
static void add_encoded(struct buf *out, const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~' ||
		    (keep_slash && *p == '/')) {
			buf_addch(out, (char)*p);
		} else {
			buf_addch(out, '%');
			buf_addch(out, hex[*p >> 4]);
			buf_addch(out, hex[*p & 15]);
		}
	}
}

/* The template with `value` encoded in place of `hole` (which it holds once). */
static void expand(struct buf *out, const char *tmpl, const char *hole, const char *value,
		   bool keep_slash)
{
	const char *at = strstr(tmpl, hole);
	buf_add(out, tmpl, (size_t)(at - tmpl));
	add_encoded(out, value, keep_slash);
	buf_adds(out, at + strlen(hole));
}

bool site_ticket_url(const struct site_links *l, const char *ticket, struct buf *out)
{
	if (!l->tickets || !ticket || !*ticket)
		return false;
	expand(out, l->tickets, "{}", ticket, false);
	return true;
}

bool site_edit_url(const struct site_links *l, const char *rel, struct buf *out)
{
	if (!l->edit_url || !rel)
		return false;
	expand(out, l->edit_url, "{path}", rel, true);
	return true;
}
