/* publish: the publish report of `aftermath check --profile public` (see publish.h). */
#include "publish/publish.h"

#include "publish/leakcheck.h"
#include "publish/profile.h"

#include <stdlib.h>
#include <string.h>

#define SHOW_CHARS 80 /* a redacted text longer than this is cut in the text report */

/* Postmortem i's id in the sources (the report is for the people who write them). */
static const char *source_id(const struct corpus *c, size_t i)
{
	return c->internal_ids && c->internal_ids[i] ? c->internal_ids[i] : c->pms[i].id;
}

/* How many values of each strippable field public.strip removed from postmortem i (publish/profile.h). */
static void stripped_counts(const struct corpus *c, size_t i, size_t counts[NSTRIP_FIELDS])
{
	memset(counts, 0, NSTRIP_FIELDS * sizeof(size_t));
	for (size_t v = 0; v < c->nstripped; v++)
		if (c->stripped[v].pm == i)
			counts[c->stripped[v].field]++;
}

/* ---- text ------------------------------------------------------------------------------- */

/* s quoted, newlines as \n, cut after SHOW_CHARS characters. */
static void add_quoted(struct buf *b, const char *s)
{
	size_t chars = 0;
	buf_addch(b, '"');
	for (const char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80 && ++chars > SHOW_CHARS) {
			buf_adds(b, "...");
			break;
		}
		if (*p == '\n')
			buf_adds(b, "\\n");
		else if (*p == '"' || *p == '\\')
			buf_addf(b, "\\%c", *p);
		else
			buf_addch(b, *p);
	}
	buf_addch(b, '"');
}

static void text_published(struct buf *b, const struct corpus *c)
{
	buf_addf(b, "\npublished (%zu):\n", c->npms);
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		char date[11];
		when_date(&pm->date, date);
		if (strcmp(source_id(c, i), pm->id)) /* published under its public id */
			buf_addf(b, "  %s  %s as %s  %s  %s\n", pm->path, source_id(c, i), pm->id,
				 date, pm->title);
		else
			buf_addf(b, "  %s  %s  %s  %s\n", pm->path, pm->id, date, pm->title);
	}
	for (size_t i = 0; i < c->npages; i++)
		buf_addf(b, "  %s  page /%s/  %s\n", c->pages[i].path, c->pages[i].slug,
			 c->pages[i].title);
}

static void text_left_out(struct buf *b, const struct corpus *c, const enum leak_title *mode,
			  const char **why)
{
	buf_addf(
		b,
		"\nleft out (%zu): the build fails if one of their ids or titles is in the output\n",
		c->nhidden);
	for (size_t i = 0; i < c->nhidden; i++) {
		const struct hidden *h = &c->hidden[i];
		buf_addf(b, "  %s:%d  %s  ", h->path, h->line, h->id);
		add_quoted(b, h->title);
		if (mode[i] == LEAK_TITLE_NOT)
			buf_addf(b, " (title not checked: %s)", why[i]);
		else if (mode[i] == LEAK_TITLE_FIELD)
			buf_addf(b, " (title checked where it stands alone: %s)", why[i]);
		buf_addch(b, '\n');
	}
}

static void text_stripped(struct buf *b, const struct corpus *c)
{
	static const char *const one[] = {"owner", "author", "action-item owner", "ticket"};
	static const char *const many[] = {"owners", "authors", "action-item owners", "tickets"};
	buf_adds(b, "\nstripped (public.strip:");
	for (size_t i = 0; i < c->site.nstrip; i++)
		buf_addf(b, " %s", c->site.strip[i]);
	buf_adds(b, c->site.nstrip ? "):\n" : " nothing):\n");
	for (size_t i = 0; i < c->npms; i++) {
		size_t n[NSTRIP_FIELDS], shown = 0;
		stripped_counts(c, i, n);
		for (size_t k = 0; k < NSTRIP_FIELDS; k++) {
			if (!n[k])
				continue;
			if (!shown++)
				buf_addf(b, "  %s: ", source_id(c, i));
			else
				buf_adds(b, ", ");
			buf_addf(b, "%zu %s", n[k], n[k] == 1 ? one[k] : many[k]);
		}
		if (shown)
			buf_addch(b, '\n');
	}
}

static void text_blocks(struct buf *b, const struct internal_block *v, size_t n)
{
	buf_addf(b, "\ninternal blocks removed (%zu):\n", n);
	for (size_t i = 0; i < n; i++) {
		if (v[i].last)
			buf_addf(b, "  %s:%d-%d", v[i].file, v[i].first, v[i].last);
		else
			buf_addf(b, "  %s:%d- (never closed: an error)", v[i].file, v[i].first);
		buf_addf(b, "%s%s\n", v[i].id ? "  " : "", v[i].id ? v[i].id : "");
	}
}

static void add_rule(struct buf *b, int rule)
{
	if (rule == REDACT_STRIP)
		buf_adds(b, "public.strip");
	else if (rule == REDACT_HOOK)
		buf_adds(b, "scripts/redact.lua");
	else
		buf_addf(b, "rule %d", rule + 1);
}

static void text_redactions(struct buf *b, const struct site *s, const struct redaction *v,
			    size_t n)
{
	buf_addf(b, "\nredactions (%zu):\n", n);
	for (size_t i = 0; i < n; i++) {
		buf_addf(b, "  %s:%d:%d: %s: ", v[i].file, v[i].line, v[i].col, v[i].field);
		add_quoted(b, v[i].before);
		buf_adds(b, " -> ");
		add_quoted(b, v[i].after);
		buf_adds(b, " (");
		add_rule(b, v[i].rule);
		buf_adds(b, ")\n");
	}
	for (size_t k = 0; k < s->nredact; k++) {
		size_t used = 0;
		for (size_t i = 0; i < n; i++)
			used += v[i].rule == (int)k;
		buf_addf(b, "  rule %zu at %s:%d: '%s' -> ", k + 1, s->path ? s->path : "site.yaml",
			 s->redact[k].loc.line, s->redact[k].pattern);
		add_quoted(b, s->redact[k].replace);
		buf_addf(b, ": %zu redaction%s\n", used, used == 1 ? "" : "s");
	}
}

static void text_deny(struct buf *b, const struct site *s)
{
	buf_addf(b, "\ndenied (public.deny, %zu): the build fails if one is in the output\n",
		 s->ndeny);
	for (size_t i = 0; i < s->ndeny; i++) {
		buf_adds(b, "  ");
		add_quoted(b, s->deny[i]);
		buf_addch(b, '\n');
	}
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void json_published(struct buf *b, const struct corpus *c)
{
	buf_adds(b, "\"published\": [");
	for (size_t i = 0; i < c->npms; i++) {
		buf_adds(b, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
		buf_add_json_str(b, source_id(c, i));
		buf_adds(b, ", \"public_id\": ");
		buf_add_json_str(b, c->pms[i].id);
		buf_adds(b, ", \"title\": ");
		buf_add_json_str(b, c->pms[i].title);
		buf_adds(b, ", \"path\": ");
		buf_add_json_str(b, c->pms[i].path);
		buf_addch(b, '}');
	}
	buf_adds(b, "],\n");
}

static void json_left_out(struct buf *b, const struct corpus *c, const enum leak_title *mode,
			  const char **why)
{
	buf_adds(b, "\"left_out\": [");
	for (size_t i = 0; i < c->nhidden; i++) {
		const struct hidden *h = &c->hidden[i];
		buf_adds(b, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
		buf_add_json_str(b, h->id);
		buf_adds(b, ", \"title\": ");
		buf_add_json_str(b, h->title);
		buf_adds(b, ", \"path\": ");
		buf_add_json_str(b, h->path);
		static const char *const modes[] = {"no", "alone", "anywhere"};
		buf_addf(b, ", \"line\": %d, \"title_checked\": \"%s\", \"because\": ", h->line,
			 modes[mode[i]]);
		buf_add_json_str(b, why[i]);
		buf_addch(b, '}');
	}
	buf_adds(b, "],\n");
}

static void json_stripped(struct buf *b, const struct corpus *c)
{
	buf_adds(b, "\"strip\": [");
	for (size_t i = 0; i < c->site.nstrip; i++) {
		buf_adds(b, i ? ", " : "");
		buf_add_json_str(b, c->site.strip[i]);
	}
	buf_adds(b, "],\n\"stripped\": [");
	bool first = true;
	for (size_t i = 0; i < c->npms; i++) {
		size_t n[NSTRIP_FIELDS];
		stripped_counts(c, i, n);
		struct buf fields = BUF_INIT;
		for (size_t k = 0; k < NSTRIP_FIELDS; k++)
			if (n[k])
				buf_addf(&fields, "%s\"%s\": %zu", fields.len ? ", " : "",
					 strip_field_names[k], n[k]);
		if (fields.len) {
			buf_adds(b, first ? "\n  {\"id\": " : ",\n  {\"id\": ");
			buf_add_json_str(b, source_id(c, i));
			buf_addf(b, ", \"fields\": {%s}}", buf_cstr(&fields));
			first = false;
		}
		buf_release(&fields);
	}
	buf_adds(b, "],\n");
}

static void json_blocks(struct buf *b, const struct internal_block *v, size_t n)
{
	buf_adds(b, "\"internal_blocks\": [");
	for (size_t i = 0; i < n; i++) {
		buf_adds(b, i ? ",\n  {\"path\": " : "\n  {\"path\": ");
		buf_add_json_str(b, v[i].file);
		buf_addf(b, ", \"first\": %d, \"last\": %d, \"id\": ", v[i].first, v[i].last);
		buf_add_json_str(b, v[i].id);
		buf_addch(b, '}');
	}
	buf_adds(b, "],\n");
}

static void json_redactions(struct buf *b, const struct redaction *v, size_t n)
{
	buf_adds(b, "\"redactions\": [");
	for (size_t i = 0; i < n; i++) {
		buf_adds(b, i ? ",\n  {\"path\": " : "\n  {\"path\": ");
		buf_add_json_str(b, v[i].file);
		buf_addf(b, ", \"line\": %d, \"col\": %d, \"id\": ", v[i].line, v[i].col);
		buf_add_json_str(b, v[i].id);
		buf_adds(b, ", \"field\": ");
		buf_add_json_str(b, v[i].field);
		buf_adds(b, ", \"before\": ");
		buf_add_json_str(b, v[i].before);
		buf_adds(b, ", \"after\": ");
		buf_add_json_str(b, v[i].after);
		if (v[i].rule >= 0)
			buf_addf(b, ", \"rule\": %d}", v[i].rule + 1);
		else
			buf_addf(b, ", \"rule\": \"%s\"}",
				 v[i].rule == REDACT_STRIP ? "public.strip" : "scripts/redact.lua");
	}
	buf_adds(b, "],\n");
}

static void json_deny(struct buf *b, const struct site *s)
{
	buf_adds(b, "\"deny\": [");
	for (size_t i = 0; i < s->ndeny; i++) {
		buf_adds(b, i ? ", " : "");
		buf_add_json_str(b, s->deny[i]);
	}
	buf_adds(b, "]}\n");
}

void publish_report(struct buf *out, const struct corpus *c, struct redactor *r,
		    enum diag_format fmt)
{
	enum leak_title *mode = xcalloc(c->nhidden ? c->nhidden : 1, sizeof(*mode));
	const char **why = xcalloc(c->nhidden ? c->nhidden : 1, sizeof(*why));
	const struct redaction *log = NULL;
	const struct internal_block *blocks = NULL;
	size_t nlog = 0, nblocks = 0;
	leak_titles(c, mode, why);
	if (r) {
		log = redactor_log(r, &nlog);
		blocks = redactor_blocks(r, &nblocks);
	}
	if (fmt == DIAG_JSON) {
		buf_adds(out, "{\"profile\": \"public\",\n");
		json_published(out, c);
		json_left_out(out, c, mode, why);
		json_stripped(out, c);
		json_blocks(out, blocks, nblocks);
		json_redactions(out, log, nlog);
		json_deny(out, &c->site);
	} else {
		buf_addf(out, "publish report for %s (public profile): %zu of %zu %s published\n",
			 c->dir, c->npms, c->nsources,
			 plural(c->nsources, "postmortem", "postmortems"));
		text_published(out, c);
		text_left_out(out, c, mode, why);
		text_stripped(out, c);
		text_blocks(out, blocks, nblocks);
		text_redactions(out, &c->site, log, nlog);
		text_deny(out, &c->site);
	}
	free(mode);
	free(why);
}
