/* taskitems: action items read from the body's task lists and tables (see mdparse.h). */
#include "load/mdparse.h"

#include "model/slug.h"

#include <cmark-gfm-core-extensions.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- action items from the body -------------------------------------------- */

static void plain_text(struct buf *out, cmark_node *n)
{
	cmark_iter *it = cmark_iter_new(n);
	for (cmark_event_type ev = cmark_iter_next(it); ev != CMARK_EVENT_DONE;
	     ev = cmark_iter_next(it)) {
		cmark_node *c = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(c);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
			buf_adds(out, cmark_node_get_literal(c));
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			buf_addch(out, ' ');
	}
	cmark_iter_free(it);
}

/* s without leading and trailing blanks, in place. */
static char *trim(char *s)
{
	while (blank(*s))
		s++;
	size_t n = strlen(s);
	while (n && blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static void set_text(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

static int set_field(struct action_item *a, const struct loc *loc, const struct loc *key_loc,
		     const char *key, const char *v)
{
	if (!*v)
		return error(key_loc, "%s in action item has no value (expected %s: VALUE)", key,
			     key);
	if (same_word(key, "owner")) {
		set_text(&a->owner, v);
		free(a->owner_slug);
		a->owner_slug = slugify(v);
	} else if (same_word(key, "ticket")) {
		set_text(&a->ticket, v);
	} else if (same_word(key, "success_criteria")) {
		set_text(&a->success_criteria, v);
	} else if (same_word(key, "due") || same_word(key, "closed")) {
		struct when *w = same_word(key, "due") ? &a->due : &a->closed;
		if (when_parse(w, v) < 0)
			return error(loc,
				     "%s \"%s\" in action item is not a date (expected YYYY-MM-DD)",
				     key, v);
	} else if (same_word(key, "priority")) {
		if (!ai_priority_parse(v, &a->priority))
			return error(
				loc,
				"unknown priority \"%s\" in action item (expected " AI_PRIORITY_EXPECTED
				")",
				v);
	} else if (same_word(key, "status")) {
		if (!ai_status_parse(v, &a->status))
			return error(
				loc,
				"unknown status \"%s\" in action item (expected " AI_STATUS_EXPECTED
				")",
				v);
	} else {
		return error(
			key_loc,
			"unknown key \"%s\" in action item "
			"(expected owner, due, priority, ticket, status, closed, success_criteria)",
			key);
	}
	return 0;
}

/* The last occurrence of needle in [s, e), or NULL. */
static const char *last_in(const char *s, const char *e, const char *needle)
{
	size_t n = strlen(needle);
	const char *found = NULL;
	for (const char *p = s; n && p + n <= e; p++)
		if (!memcmp(p, needle, n))
			found = p;
	return found;
}

/*
 * Where `what` (after `key`, when given) is in the source of paragraph
 * para: the last line of it that has them, searched from the paragraph's
 * end, where the annotation is.  `fallback` (the item) when the source
 * spells them otherwise (an entity, emphasis).
 */
static struct loc part_loc(struct md *m, cmark_node *para, const char *key, const char *what,
			   struct loc fallback, struct loc *key_loc)
{
	if (key_loc)
		*key_loc = fallback;
	if (!para || !*what)
		return fallback;
	int first = cmark_node_get_start_line(para), last = cmark_node_get_end_line(para);
	for (int line = last; line >= first; line--) {
		const char *s, *e;
		if (!source_line(m, line, &s, &e))
			continue;
		const char *from = key ? last_in(s, e, key) : s;
		const char *at = from ? last_in(from + (key ? strlen(key) : 0), e, what) : NULL;
		if (!at)
			continue;
		if (key_loc)
			*key_loc = (struct loc){m->file, m->line0 + line, (int)(from - s) + 1};
		return (struct loc){m->file, m->line0 + line, (int)(at - s) + 1};
	}
	return fallback;
}

/*
 * Cut a trailing "(key: value, key: value)" off text and apply it.  A
 * trailing parenthesis without a ':' is part of the title.  A part without
 * a ':' after success_criteria continues its value ("p99 < 200 ms, for a
 * week").  Each problem is told at its value in the source.
 */
static int annotation(struct md *m, cmark_node *para, struct action_item *a, const struct loc *loc,
		      char *text)
{
	size_t n = strlen(text);
	char *open = strrchr(text, '(');
	int ret = 0;
	bool criteria = false; /* the last part set success_criteria */
	if (!n || text[n - 1] != ')' || !open || !strchr(open, ':'))
		return 0;
	text[n - 1] = '\0';
	*open = '\0';
	char *save = NULL;
	for (char *part = strtok_r(open + 1, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(part, ':');
		if (!colon && criteria && *trim(part)) {
			char *more = xstrfmt("%s, %s", a->success_criteria, trim(part));
			free(a->success_criteria);
			a->success_criteria = more;
			continue;
		}
		if (!colon) {
			struct loc at = part_loc(m, para, NULL, trim(part), *loc, NULL);
			ret = error(
				&at,
				"\"%s\" in action-item annotation has no value (expected key: value)",
				trim(part));
			continue;
		}
		*colon = '\0';
		const char *key = trim(part), *value = trim(colon + 1);
		struct loc key_at, at = part_loc(m, para, key, *value ? value : ":", *loc, &key_at);
		criteria = same_word(key, "success_criteria");
		if (set_field(a, &at, &key_at, key, value) < 0) {
			ret = -1;
			criteria = false;
		}
	}
	trim(text);
	return ret;
}

static void action_free(struct action_item *a)
{
	free(a->title);
	free(a->owner);
	free(a->owner_slug);
	free(a->ticket);
	free(a->success_criteria);
}

static void task_item(struct md *m, struct postmortem *pm, cmark_node *item, size_t *alloc)
{
	struct buf t = BUF_INIT;
	cmark_node *para = cmark_node_first_child(item);
	struct loc loc = node_loc(m, item);
	struct action_item a = {
		.status = cmark_gfm_extensions_get_tasklist_item_checked(item) ? AI_DONE : AI_OPEN,
		.loc = loc};
	if (para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH)
		plain_text(&t, para);
	char *text = buf_detach(&t, NULL);
	if (annotation(m, para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH ? para : NULL,
		       &a, &loc, text) < 0)
		m->ret = -1;
	char *title = trim(text);
	if (!*title) {
		m->ret = error(&loc,
			       "action item without a title (expected text before the annotation)");
		free(text);
		action_free(&a);
		return;
	}
	a.title = xstrdup(title);
	free(text);
	ALLOC_GROW(pm->actions, pm->nactions + 1, *alloc);
	pm->actions[pm->nactions++] = a;
}

static bool is_action_heading(const struct md *m, const struct heading *h)
{
	const char *s = m->text.ptr + h->start, *e = m->text.ptr + h->end;
	while (s < e && blank(*s))
		s++;
	while (e > s && blank(e[-1]))
		e--;
	return e - s == 12 && !strncasecmp(s, "action items", 12);
}

/*
 * The task items of the lists after the first "Action items" heading, up to
 * the next heading of the same or a higher level.
 */
void body_actions(struct md *m, struct postmortem *pm)
{
	size_t i = 0, alloc = 0;
	while (i < m->nheads && !is_action_heading(m, &m->heads[i]))
		i++;
	if (i == m->nheads)
		return;
	cmark_node *h = m->heads[i].node;
	int level = cmark_node_get_heading_level(h);
	for (cmark_node *b = cmark_node_next(h); b; b = cmark_node_next(b)) {
		cmark_node_type t = cmark_node_get_type(b);
		if (t == CMARK_NODE_HEADING && cmark_node_get_heading_level(b) <= level)
			break;
		if (t != CMARK_NODE_LIST)
			continue;
		for (cmark_node *item = cmark_node_first_child(b); item;
		     item = cmark_node_next(item))
			if (!strcmp(cmark_node_get_type_string(item), "tasklist"))
				task_item(m, pm, item, &alloc);
	}
	pm->actions_from_body = pm->nactions > 0;
	pm->actions_from_tasks = pm->nactions > 0;
}

/* ---- public.strip in task items, as the parser read them ------------------------- */

static size_t plain_len(cmark_node *n)
{
	struct buf b = BUF_INIT;
	plain_text(&b, n);
	size_t len = b.len;
	buf_release(&b);
	return len;
}

/* Drop n and every node after it. */
static void drop_from(cmark_node *n)
{
	while (n) {
		cmark_node *next = cmark_node_next(n);
		cmark_node_unlink(n);
		cmark_node_free(n);
		n = next;
	}
}

/* Keep the inlines below parent whose plain text is its first `keep` bytes (plain_text's count). */
static void keep_inlines(cmark_node *parent, size_t keep)
{
	for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) {
		size_t len = plain_len(c);
		if (!keep) {
			drop_from(c);
			return;
		}
		if (keep >= len) {
			keep -= len;
			continue;
		}
		cmark_node_type t = cmark_node_get_type(c);
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
			char *lit = xstrndup(cmark_node_get_literal(c), keep);
			cmark_node_set_literal(c, lit);
			free(lit);
		} else {
			keep_inlines(c, keep);
		}
		drop_from(cmark_node_next(c));
		return;
	}
}

static bool strip_key(const struct md_opts *o, const char *key)
{
	for (size_t i = 0; i < o->nstrip_keys; i++)
		if (same_word(key, o->strip_keys[i]))
			return true;
	return false;
}

/*
 * Cut the stripped keys from the trailing "(key: value, ...)" of the task
 * item's text, found the way annotation() finds it; the kept keys stay, as
 * text.  The values cut are recorded in m->stripped.
 */
static void strip_item(struct md *m, cmark_node *item)
{
	cmark_node *para = cmark_node_first_child(item);
	struct buf t = BUF_INIT, kept = BUF_INIT;
	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return;
	plain_text(&t, para);
	char *text = t.ptr, *open = text ? strrchr(text, '(') : NULL;
	size_t n = t.len, removed = 0;
	if (!n || text[n - 1] != ')' || !open || !strchr(open, ':'))
		goto out;
	size_t at = (size_t)(open - text);
	text[n - 1] = '\0';
	char *save = NULL;
	for (char *part = strtok_r(open + 1, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(part, ':');
		if (colon) {
			char *key = xstrndup(part, (size_t)(colon - part));
			bool cut = strip_key(m->opts, trim(key));
			free(key);
			if (cut) {
				ALLOC_GROW(m->stripped, m->nstripped + 1, m->stripped_alloc);
				m->stripped[m->nstripped++] = xstrdup(trim(colon + 1));
				removed++;
				continue;
			}
		}
		buf_addf(&kept, "%s%s", kept.len ? ", " : "", trim(part));
	}
	if (!removed)
		goto out;
	while (at && blank(text[at - 1]))
		at--;
	keep_inlines(para, at);
	if (kept.len) {
		cmark_node *k = cmark_node_new_with_mem(CMARK_NODE_TEXT, m->cmem);
		char *s = xstrfmt("%s(%s)", at ? " " : "", kept.ptr);
		cmark_node_set_literal(k, s);
		free(s);
		cmark_node_append_child(para, k);
	}
out:
	buf_release(&t);
	buf_release(&kept);
}

void strip_tasks(struct md *m)
{
	cmark_node **items = NULL;
	size_t n = 0, alloc = 0;
	cmark_iter *it = cmark_iter_new(m->doc);
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(c) == CMARK_NODE_ITEM &&
		    !strcmp(cmark_node_get_type_string(c), "tasklist")) {
			ALLOC_GROW(items, n + 1, alloc);
			items[n++] = c;
		}
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < n; i++)
		strip_item(m, items[i]);
	free(items);
}
