/*
 * search: the client-side search index, written as a few JavaScript files.
 *
 * search_write() indexes every postmortem's id, title, summary, body,
 * services, factors, tags, taxonomy terms, action items (titles, and
 * tickets unless a public build strips them) and, in internal builds only,
 * its people (owner, authors, items' owners), and writes the index under
 * search/ in the output for layouts/assets/search.js to load.  Terms come
 * from tokenize.h (words split on punctuation, stemmed), so the browser's
 * terms are the index's.  Each (term, postmortem) pair has an impact: BM25
 * per field, then the fields weighted (id, title, services, factors and the
 * owner well above the body), quantized to SEARCH_LEVELS steps.
 *
 * The index is a set of named parts, each a JSON object:
 *
 *   m    the manifest: counts, where every other part is, term shard keys,
 *        the kinds of named things (entity.h)
 *   f    facets: the filters (facets.h) with their values and counts, and
 *        every postmortem's values
 *   tN   term shard N: the terms from key tk[N] up to key tk[N+1], each with
 *        its postings, its best SEARCH_CARDS postmortems with an excerpt
 *        around the term (or the owner, author or action item it names) and
 *        their title, date and severity (so a one-word query needs no other
 *        part), typo keys for one-edit matches, and the named things
 *        (services, factors, tags, ...) whose slugs fall in the range
 *   dN   doc shard N: title, date, severity, status and summary of the
 *        postmortems N*ds .. N*ds+ds-1 (newest first, as c->pms)
 *
 * Parts are grouped into files, each `aftermath.load({"name": {...}, ...});`,
 * which the browser loads with <script> tags (so file:// works too).
 * search/index.js always holds m; a small site has every part in it, a large
 * one puts f, each tN and each dN in its own file named by a hash of its
 * bytes.  A site of N postmortems gets at most max(1, N / 50) files.  The
 * bytes depend only on the corpus.  The exact encoding is documented at
 * write_manifest() and the functions it calls; search.js is its reader.
 */
#ifndef AFTERMATH_SEARCH_H
#define AFTERMATH_SEARCH_H

#include "analyze/graph.h"
#include "base/output.h"
#include "load/corpus.h"
#include "model/renderopts.h"
#include "search/encode.h"

/* Impact quantization: level L stands for SEARCH_LEVEL_BASE * SEARCH_LEVEL_RATIO^L. */
#define SEARCH_LEVELS	   64
#define SEARCH_LEVEL_BASE  0.2
#define SEARCH_LEVEL_RATIO 1.075
/* Postmortems per term that carry an excerpt and their display fields. */
#define SEARCH_CARDS	   10

/*
 * Write the index of c (with its graph g) under search/ in out.  0, or -1
 * after a diagnostic (an output error).  o is for the thread count.
 */
int search_write(const struct corpus *c, const struct graph *g, const struct render_opts *o,
		 struct output *out);

/*
 * The excerpt shown for a match at byte `at` of text[0..len): the sentence
 * around it, cut to about `max` bytes at word boundaries with "…" where cut,
 * whitespace runs folded to one space.  Appended to b.
 */
void search_excerpt(struct buf *b, const char *text, size_t len, size_t at, size_t max);

#endif
