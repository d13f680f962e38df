/*
 * model: the in-memory postmortem, as every stage after parsing sees it.
 *
 * A postmortem is filled in stages: frontmatter_parse() sets the fields of the
 * front matter, markdown_parse() the body's HTML, table of contents, plain text
 * and wiki-links, and later stages (graph, stats) add what they compute in
 * their own structures, indexed by the postmortem's position in the corpus.
 * Every string here is owned by the postmortem and freed by pm_release().
 */
#ifndef AFTERMATH_MODEL_H
#define AFTERMATH_MODEL_H

#include "base/diag.h"
#include "base/util.h"
#include "yaml/yamltree.h"

enum pm_status { STATUS_DRAFT, STATUS_IN_REVIEW, STATUS_COMPLETE };
enum pm_kind { KIND_INCIDENT, KIND_NEAR_MISS, KIND_DRILL };
enum visibility { VIS_INTERNAL, VIS_PUBLIC };
enum factor_category { CAT_NONE, CAT_TECHNICAL, CAT_PROCESS, CAT_COMMUNICATION, CAT_EXTERNAL };
enum ai_status { AI_OPEN, AI_IN_PROGRESS, AI_DONE, AI_WONT_DO };
enum ai_priority { PRI_NONE, PRI_MUST, PRI_SHOULD, PRI_NICE };

/* The spellings used on pages and in JSON ("in-review", "near-miss", ...). */
const char *status_name(enum pm_status s);
const char *kind_name(enum pm_kind k);
const char *visibility_name(enum visibility v);
const char *category_name(enum factor_category c); /* "" for CAT_NONE */
const char *ai_status_name(enum ai_status s);	   /* "open", "in-progress", "done", "wont-do" */
const char *priority_name(enum ai_priority p);	   /* "" for PRI_NONE */

/* Whether a and b are the same word: ASCII case ignored, '_' and ' ' the same as '-'. */
bool same_word(const char *a, const char *b);
/*
 * An action item's status or priority as authors spell them, in the front
 * matter and in a body task list alike (compared as same_word does):
 * open (todo, new), in-progress (doing, started), done (closed, fixed,
 * completed, resolved), wont-do (won't do, wontfix, cancelled); must (p0),
 * should (p1), nice (p2).  false, *out untouched, for anything else.
 */
bool ai_status_parse(const char *s, enum ai_status *out);
bool ai_priority_parse(const char *s, enum ai_priority *out);
#define AI_STATUS_EXPECTED   "open, in-progress, done, wont-do"
#define AI_PRIORITY_EXPECTED "must, should, nice"

/*
 * A point in time from the front matter: a date (has_time false, taken as
 * 00:00 UTC) or an ISO 8601 date-time with a zone (converted to UTC).
 * `offset_min` is the zone the author wrote, for display in that zone.
 */
struct when {
	bool set;
	bool has_time;
	int64_t epoch; /* seconds since 1970-01-01T00:00:00Z */
	int offset_min;
};

/* "YYYY-MM-DD" of w in the author's zone; out must hold 11 bytes. */
void when_date(const struct when *w, char out[11]);
/* "YYYY-MM-DDTHH:MM:SSZ" in UTC (or the date alone when !has_time); out holds 21 bytes. */
void when_iso(const struct when *w, char out[21]);
/* Days since 1970-01-01 of w's date in the author's zone. */
int64_t when_day(const struct when *w);
/* Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.frac]](Z|+HH:MM|-HH:MM)". 0 or -1. */
int when_parse(struct when *w, const char *s);
/* Days since 1970-01-01 for a civil date (proleptic Gregorian). */
int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t z, int *y, int *m, int *d);

/* A name as written (service, tag, author, owner, related id) and where. */
struct term {
	char *name;
	char *slug; /* slug of name (see slug.h); for related ids, slug of the id */
	struct loc loc;
};

struct factor {
	char *name;
	char *slug;
	enum factor_category category;
	struct loc loc;
};

struct action_item {
	char *title;
	char *owner; /* NULL when none */
	char *owner_slug;
	struct when due, closed;
	bool due_by_policy; /* due was left out and comes from site.yaml's policy.due (policy.h) */
	enum ai_status status;
	enum ai_priority priority;
	char *ticket;		/* NULL when none */
	char *success_criteria; /* NULL when none */
	struct loc loc;
};

struct impact {
	struct when started, detected, mitigated, resolved;
	long long customers_affected; /* -1 when not given */
	char *description;
};

struct toc_entry {
	int level;
	char *id;   /* the heading's anchor, unique within the page */
	char *text; /* plain text of the heading */
};

struct wikilink {
	char *id; /* the postmortem id between [[ and ]] */
	struct loc loc;
};

struct postmortem {
	/* path as given on the command line's content dir + relative, used in diagnostics */
	char *path;
	char *rel; /* path relative to the content directory, "postmortems/2024/pm-17.md" */

	char *id;
	char *slug; /* slug of the id: the page is /postmortems/<slug>/ */
	char *title;
	char *summary; /* NULL when none */
	char *owner;   /* NULL when none */
	char *owner_slug;
	struct when date, published;
	enum pm_status status;
	int severity; /* index into site.severities */
	enum pm_kind kind;
	enum visibility visibility;
	bool featured;

	struct term *authors;
	size_t nauthors;
	struct term *services;
	size_t nservices;
	struct factor *factors;
	size_t nfactors;
	struct term *tags;
	size_t ntags;
	struct term *related;
	size_t nrelated;
	struct termlist {
		struct term *v;
		size_t n;
	} * taxa; /* by site.yaml taxonomy (fieldmap.h), NULL when the site has none */
	struct impact impact;
	struct action_item *actions;
	size_t nactions;
	bool actions_from_body; /* read from the "Action items" task list */
	struct loc
		actions_section; /* the body's "Action items" section (line 0: none), for the warning when it yields no item */
	/* markdown.c read them from a task list (not fieldmap from a table or list) */
	bool actions_from_tasks;
	bool impact_from_timeline; /* impact times read from the body's timeline (fieldmap.h) */
	char *source;		   /* the original write-up's URL (source:), NULL when none */
	/* on_postmortem hooks' fields (hooks.h), pm.computed in templates; NULL: none */
	struct ynode *computed;

	/*
	 * The whole front matter as parsed, unknown keys included: while the
	 * postmortem loads, and after that only for `check` (lint reads it).  A
	 * build frees it once loaded (77 MB at 10k) and keeps its text `yaml`
	 * for an internal build's pm.fields, parsed again for a page that asks.
	 */
	struct ynode *front;
	size_t yaml_off, yaml_len; /* the front matter's text in the file (frontmatter_parse) */
	char *yaml;		   /* a copy of it, when `front` is dropped in an internal build */
	char *public_id; /* public_id as written: its text, "" when it is not text; NULL: none */
	struct loc public_id_loc;
	struct loc id_loc, date_loc, title_loc;

	char *body;    /* the Markdown after the closing fence */
	int body_line; /* line of the file where body starts */

	/* Set by markdown_parse(). */
	char *html; /* body HTML; wiki-links left as markers for link_resolve() */
	struct toc_entry *toc;
	size_t ntoc;
	char *text;	 /* the body as plain text (for search and snippets) */
	char **stripped; /* values md_opts.strip_keys cut from the body's task items */
	size_t nstripped;
	struct wikilink *wikilinks;
	size_t nwikilinks;
};

/* An extra page from pages/ Markdown file: title from its front matter, body as HTML. */
struct page {
	char *path, *rel;
	char *slug; /* file name without .md: the page is at /<slug>/ */
	char *title;
	char *html;
	struct toc_entry *toc;
	size_t ntoc;
	struct ynode *front;
	struct wikilink *wikilinks;
	size_t nwikilinks;
};

void pm_release(struct postmortem *pm);
void page_release(struct page *pg);
void toc_free(struct toc_entry *toc, size_t n);

#endif
