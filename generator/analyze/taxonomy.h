/*
 * taxonomy: the site's own browsable dimensions (site.yaml taxonomies:).
 *
 * A taxonomy is a field of the postmortems' (after fields:), a list of names
 * like tags: `company: Acme`.  taxonomy_build() groups the kept postmortems
 * by each taxonomy's terms, matched by slug (slug.h), once, for every writer
 * (the pages, api/stats.json).  A term's display name is its first spelling
 * in corpus order (the newest postmortem's).  A public build has them too,
 * with their values through public.redact (redact.c) as tags are, except the
 * taxonomies public.strip names: those have no pages, chips or groups, and
 * the leak check looks for their values in the output.
 */
#ifndef AFTERMATH_TAXONOMY_H
#define AFTERMATH_TAXONOMY_H

#include "load/corpus.h"
#include "load/fieldmap.h"

struct tax_term {
	char *slug, *name;
	size_t *pms; /* postmortems with the term, newest first */
	size_t npms;
};

struct tax_index {
	const struct taxonomy *t; /* in site.import */
	size_t field;		  /* its index in site.import's taxonomies and in pm->taxa */
	struct tax_term *terms;	  /* sorted by slug */
	size_t nterms;
};

/* The taxonomies of c's kept postmortems, *n of them (in a public build, those public.strip does not name); graph_link() keeps them in g->tax. */
struct tax_index *taxonomy_build(const struct corpus *c, size_t *n);
void taxonomy_release(struct tax_index *tax, size_t n);
/* Index of the term with `slug` in x, or SIZE_MAX. */
size_t taxonomy_term(const struct tax_index *x, const char *slug);

#endif
