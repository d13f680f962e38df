/*
 * corpus: every source file of a site, found, read and parsed.
 *
 * corpus_load() is the first stages of the pipeline: it reads site.yaml,
 * walks postmortems/ and pages/, and parses each file's front matter and
 * Markdown (in parallel, one file per task).  The postmortems are then kept
 * newest first (date, then id), the order every later stage and every page
 * uses.  Problems are diagnostics; a file that fails to parse is left out.
 */
#ifndef AFTERMATH_CORPUS_H
#define AFTERMATH_CORPUS_H

#include "model/model.h"
#include "model/siteconfig.h"
#include "base/strmap.h"

enum profile { PROFILE_INTERNAL, PROFILE_PUBLIC };

struct redactor;
struct tax_index;

struct corpus {
	char *dir; /* the content directory as given */
	struct site site;
	enum profile profile;
	struct postmortem *pms; /* newest first */
	size_t npms;
	size_t nsources;        /* postmortem files found (before selection) */
	struct page *pages;     /* by slug */
	size_t npages;
	struct strmap by_id;    /* id -> index into pms (kept postmortems only) */
	struct strmap all_ids;  /* every id of every file, kept or not (for reference checks) */
	/* Postmortems left out by the profile: what must never appear in its output. */
	struct hidden {
		char *id, *title;
		char *path; /* the source file */
		int line;   /* of its id */
	} *hidden;
	size_t nhidden;
	/* Public profile: redacted the text while loading, and keeps the record (redact.h). */
	struct redactor *redactor;
	/*
	 * Public profile without public.show_ids: pms[i].id is the postmortem's
	 * public id and internal_ids[i] its id in the sources (NULL otherwise).
	 * Ids in a sequence would tell a reader of gaps, so a public build shows
	 * `public_id` from the front matter, else DATE-WORDS: the date and the
	 * fewest leading words of the title's slug that tell that postmortem
	 * from the others published on that date ("2024-03-14-checkout").
	 */
	char **internal_ids;
	/*
	 * Public profile: the values public.strip removed that published text
	 * has (folded), noted by leak_note_prose() before the texts are dropped;
	 * the leak check does not look for them.  prose_noted says it ran.
	 */
	struct strmap prose_values;
	bool prose_noted;
	struct tax_index *tax; /* site.yaml taxonomies:, grouped (taxonomy.h); internal builds only */
	size_t ntax;
};

/*
 * Load `dir` for `profile` using `jobs` threads.  In the public profile only
 * postmortems with visibility public and status complete are kept, their
 * text (and the pages' and site.yaml's) goes through public.redact and
 * scripts/redact.lua before anything else reads it, and internal blocks
 * are stripped from their bodies.  Each postmortem's Markdown source
 * (pm->body) is freed once parsed unless keep_sources (lint rules read it; a
 * build needs only what markdown_parse() made of it).  Returns 0 when every
 * file parsed, -1 when any error was reported (the rest is still loaded).
 */
int corpus_load(struct corpus *c, const char *dir, enum profile profile, int jobs, bool keep_sources);

/* Free every postmortem's plain text (pm->text) once the search index, its only reader, is written. */
void corpus_drop_texts(struct corpus *c);
void corpus_release(struct corpus *c);

/* Index of the postmortem with `id` among the kept ones, or SIZE_MAX. */
size_t corpus_find(const struct corpus *c, const char *id);

#endif
