/*
 * facets: the search page's filters, written as the index's "f" part.
 *
 * A filter (a facet) is a field of the postmortems with a list of values,
 * each with its label and the number of postmortems that have it.  Every
 * build has service, factor and tag (a postmortem has any number of each),
 * severity, status, kind and year (one each), and one facet per site.yaml
 * taxonomy the build shows (g->tax); an internal build adds owner (the
 * postmortem's owner: a public index holds no person's name).
 *
 * The part is {"fs": [[name, label, multi], ...] in the order the page
 * shows them, then for each name the list [[value, label, count], ...],
 * then "a": every postmortem's values as varints, facet by facet in "fs"
 * order: one value index for a single facet, a count then the indices for
 * a multi one}.  layouts/assets/search.js reads it.
 */
#ifndef AFTERMATH_FACETS_H
#define AFTERMATH_FACETS_H

#include "analyze/graph.h"
#include "load/corpus.h"

/* Append the facets part of c (its graph g) to b; people: add the owner facet. */
void search_facets_write(struct buf *b, const struct corpus *c, const struct graph *g, bool people);

#endif
