/*
 * corpus (the model): a site as every stage after loading sees it: site.yaml,
 * the postmortems (newest first: date, then id, the order every later stage
 * and every page uses), the extra pages, the ids, and what the profile left
 * out.  load/corpus.h fills it; nothing after the load stage changes it.
 */
#ifndef AFTERMATH_MODEL_CORPUS_H
#define AFTERMATH_MODEL_CORPUS_H

#include "base/strmap.h"
#include "model/model.h"
#include "model/siteconfig.h"

enum profile { PROFILE_INTERNAL, PROFILE_PUBLIC };

struct redactor;

/*
 * What the profile allows, decided once right after loading
 * (publish/profile.h): writers read this, never the profile.
 */
struct allowed {
	/* owner nodes, pages, lists and feed entries (no person is browsable in public builds) */
	bool owners;
	bool front_matter; /* pm.fields, the front matter as written, for templates */
	bool sources; /* links to the source files ("Edit this page"): a file name carries the internal id */
	/* site.yaml taxonomies: grouped into pages (public builds too: redacted, strippable) */
	bool taxonomies;
	/* by taxonomy (site.import->tax): shown; false for one public.strip names */
	bool *taxonomy;
};

/* A value public.strip removed from a postmortem (publish/profile.h). */
struct stripped_value {
	char *text;
	int field;	/* enum strip_field */
	size_t pm;	/* index into pms */
	struct loc loc; /* where it was written */
};

struct corpus {
	char *dir; /* the content directory as given */
	struct site site;
	/* shown as data (stats.json, site.profile); only load/ and publish/ decide by it */
	enum profile profile;
	struct allowed allow;
	/* Public profile: the values public.strip removed, by postmortem, in field order. */
	struct stripped_value *stripped;
	size_t nstripped, stripped_alloc;
	struct postmortem *pms; /* newest first */
	size_t npms;
	size_t nsources;    /* postmortem files found (before selection) */
	struct page *pages; /* by slug */
	size_t npages;
	struct strmap by_id;   /* id -> index into pms (kept postmortems only) */
	struct strmap all_ids; /* every id of every file, kept or not (for reference checks) */
	/* Postmortems left out by the profile: what must never appear in its output. */
	struct hidden {
		char *id, *title;
		char *path; /* the source file */
		int line;   /* of its id */
	} * hidden;
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
};

/* Index of the postmortem with `id` among the kept ones, or SIZE_MAX. */
size_t corpus_find(const struct corpus *c, const char *id);

#endif
