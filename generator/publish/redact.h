/*
 * redact: the public profile's redaction of text (site.yaml rules and the
 * site's scripts/redact.lua hook), with a record of every change.
 *
 * A public build runs each text it may publish through the public.redact
 * rules of site.yaml, in order (each rule sees the text the rules before it
 * left), then through the hook, before anything else sees the text: the
 * body is redacted as Markdown source, before markdown_parse().  Body lines
 * inside <!-- internal --> blocks are neither redacted nor reported (the
 * Markdown stage drops them), and the marker lines are kept as they are.
 *
 * Rules: `pattern` is PCRE2 (UTF-8 mode); `replace` is literal text except
 * for $0..$9 and ${N} (the match and its groups) and $$ (a dollar sign).
 * Empty matches replace nothing.
 *
 * The hook: scripts/redact.lua, run once per worker in a sandbox
 * (template.h), defines a global function
 *
 *     function redact(text, field, doc) ... return text end
 *
 * `field` names the text: "title", "summary", "owner", "authors",
 * "services", "factors", "tags", "impact.description",
 * "action_items.title", "action_items.owner", "action_items.ticket",
 * "action_items.success_criteria", "body", a site.yaml taxonomy's name
 * ("company") for its values; for pages "page.title" and
 * "page.body"; for site.yaml "site.title", "site.description",
 * "services.name", "services.description", "services.team",
 * "services.links.title" and "services.links.url".  `doc` is a table
 * {id = "PM-2024-017" (nil outside postmortems), path = "postmortems/2024/
 * pm-17.md" (relative to the content directory)}.  It returns the new text
 * (a string) or nil for "unchanged"; anything else, an error or the
 * time budget running out is an error at the hook's line, and the
 * postmortem is not published (the build fails).
 *
 * public.strip reaches into bodies too: for action_items.owner and
 * action_items.ticket (any action_items.KEY), the key is cut from the
 * trailing "(owner: NAME, due: ..., ticket: X)" annotation of every
 * task-list line, so the value never reaches the page, the search index or
 * the tracker (an annotation left empty goes entirely).  This cut, by
 * line, is what the publish report lists; markdown.c cuts the same keys
 * again from the parsed task items (md_opts.strip_keys), which catches the
 * spellings a line cannot show (a wrapped annotation, "owner&#58;").
 *
 * Every change is recorded with the place in the source where the replaced
 * text was: exact for bodies; for front matter and site.yaml values, the
 * first occurrence of the replaced text at or after the value's start (the
 * value's own position when it cannot be found, e.g. inside an escape).
 * Columns count characters (UTF-8 code points), from 1.
 *
 * Threads: a redactor has `workers` slots.  Slot w has its own Lua state
 * and PCRE2 match data (the compiled patterns are shared, read-only) and may
 * be used by one thread at a time; parallel_for's worker index is a slot.
 */
#ifndef AFTERMATH_REDACT_H
#define AFTERMATH_REDACT_H

#include "model/model.h"
#include "model/siteconfig.h"

struct redactor;

/* One change made to the text of a public build. */
struct redaction {
	char *file;    /* the source file ("content/postmortems/a.md", "content/site.yaml") */
	int line, col; /* where the replaced text started */
	char *id;      /* the postmortem's id; NULL for pages and site.yaml */
	char *field;   /* as passed to the hook: "title", "body", "action_items.title", ... */
	char *before;  /* the text replaced ("" when the hook inserted text) */
	char *after;   /* what replaced it */
	int rule;      /* index into site.redact, REDACT_HOOK or REDACT_STRIP */
};

#define REDACT_HOOK  (-1) /* changed by scripts/redact.lua */
#define REDACT_STRIP (-2) /* an annotation's key cut by public.strip */

/* An <!-- internal --> block removed from a body (lines of its markers). */
struct internal_block {
	char *file;
	char *id;	 /* NULL for pages */
	int first, last; /* last is 0 when the block is never closed */
};

/*
 * Compile the site's rules and, when `content_dir`/scripts/redact.lua
 * exists, load it (once, to report its errors).  Returns NULL after a
 * diagnostic: a public.strip name that cannot be stripped (owner, authors,
 * action_items.owner, action_items.ticket and a taxonomy's name can), a rule whose
 * replacement would still match a rule (the leak check would then fail
 * every build), a hook that does not load or defines no function redact.  `s` must outlive the redactor.  workers < 1 means 1.
 */
struct redactor *redactor_new(const struct site *s, const char *content_dir, int workers);
void redactor_free(struct redactor *r);

/* Whether the site has anything to apply (rules, a hook, action-item keys to strip). */
bool redactor_active(const struct redactor *r);

/*
 * Redact pm's text fields and pm->body in place, after frontmatter_parse()
 * and before markdown_parse(); slugs of renamed owners, authors, services,
 * factors, tags and taxonomy terms are recomputed.  `src` (len bytes) is the file's text,
 * used to place the records; NULL reads pm->path when something was
 * redacted.  Returns 0, or -1 after a diagnostic (a hook error, a pattern
 * over PCRE2's match limit): pm must then not be published.
 */
int redact_pm(struct redactor *r, int worker, struct postmortem *pm, const char *src, size_t len);

/*
 * Redact an extra page: pg->title and *body (Markdown, a malloc'ed string
 * the caller owns and passes to markdown_parse_page, replaced in place;
 * body_line is the file line it starts at).  0 or -1 as redact_pm.
 */
int redact_page(struct redactor *r, int worker, struct page *pg, char **body, int body_line);

/*
 * Redact what site.yaml publishes: title, description and the service
 * registry (names, descriptions, teams, link titles and URLs; slugs are
 * recomputed).  Call before anything links services.  0 or -1.
 */
int redact_site(struct redactor *r, struct site *s);

/*
 * Redact one text in place.  `at` is where the text is in the source,
 * `verbatim` says the text is the source from `at` on byte for byte (so
 * records are placed by offset), `id` and `rel` fill the hook's doc table.
 * Used by the functions above; exposed for tests and for other texts.
 */
int redact_text(struct redactor *r, int worker, char **text, const char *field,
		const struct loc *at, bool verbatim, const char *id, const char *rel);

/*
 * Every redaction and internal block recorded so far, sorted by file,
 * line and column.  Call only while no thread is redacting; the arrays are
 * owned by the redactor and valid until the next redact_* call.
 */
const struct redaction *redactor_log(struct redactor *r, size_t *n);
const struct internal_block *redactor_blocks(struct redactor *r, size_t *n);

#endif
