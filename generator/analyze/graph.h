/*
 * graph: the knowledge graph linking postmortems through what they share.
 *
 * graph_link() turns the names written in front matter into nodes: one per
 * service, contributing factor, tag and owner, matched by slug after
 * site.yaml's aliases.  A node's display name is its canonical alias, else
 * its most common spelling.  It also links postmortems to each other:
 * explicit references (related: and [[ID]] wiki-links), the backlinks they
 * imply, and the most similar others by shared services and factors, each
 * weighted by how rare it is, incidents before near-misses before drills
 * (bounded work per postmortem, so the whole is near-linear).  Finally it finds factors that recurred after an earlier
 * postmortem's action item for them was closed as done.
 *
 * Postmortem indices are positions in corpus->pms (newest first).  Node
 * arrays are sorted by slug.  Everything is owned by struct graph.
 */
#ifndef AFTERMATH_GRAPH_H
#define AFTERMATH_GRAPH_H

#include "load/corpus.h"

struct tax_index;

enum term_kind { TERM_SERVICE, TERM_FACTOR, TERM_TAG, TERM_OWNER, NTERM_KINDS };

/* "services", "factors", "tags", "owners": the URL folder of a kind. */
const char *term_kind_dir(enum term_kind k);

/* How many similar postmortems each page lists. */
#define GRAPH_SIMILAR 5

struct node {
	char *slug;
	char *name;		       /* display name */
	enum factor_category category; /* factors: the category most often given */
	size_t *pms;		       /* postmortems with this node, newest first */
	size_t npms;
	const struct service_info *info; /* services: the registry entry, or NULL */
	bool recurring;			 /* in at least recurring_threshold postmortems */
	size_t *recurrences;		 /* factors: postmortems where it recurred after a fix */
	size_t nrecurrences;
};

enum rel_why { REL_EXPLICIT, REL_BACKLINK, REL_SIMILAR };

struct relation {
	size_t pm;
	enum rel_why why;
};

/* In a postmortem: `factor` came back after `earlier`'s fix closed on `fixed_day`. */
struct recurrence {
	size_t factor;
	size_t earlier;
	int64_t fixed_day;
};

struct pm_links {
	size_t *services, *factors, *tags; /* node indices, each once, as written */
	size_t nservices, nfactors, ntags;
	size_t owner; /* SIZE_MAX when none */
	/* per action item: its owner's node, SIZE_MAX when none (internal builds) */
	size_t *ai_owner;
	struct relation *related; /* explicit, then backlinks, then similar */
	size_t nrelated;
	struct recurrence *recurred;
	size_t nrecurred;
	size_t newer, older; /* neighbours by date, SIZE_MAX at the ends */
};

struct graph {
	const struct corpus *c;
	struct strmap aliases;		  /* slug of any alias name -> index into c->site.aliases */
	struct strmap index[NTERM_KINDS]; /* slug -> node index */
	struct node *nodes[NTERM_KINDS];
	size_t nnodes[NTERM_KINDS];
	struct pm_links *pm; /* one per corpus postmortem */
	size_t npm;
	/* site.yaml taxonomies:, grouped (taxonomy.h); internal builds only */
	struct tax_index *tax;
	size_t ntax;
};

/*
 * Build the graph of `c` using `jobs` threads.  Reports a reference to an
 * unknown postmortem (related: or [[ID]]) and, when site.yaml has a services
 * registry, a service missing from it, at their file:line:col.  Returns 0, or
 * -1 when any error was reported (the graph is complete either way).
 */
int graph_link(struct graph *g, const struct corpus *c, int jobs);
void graph_release(struct graph *g);

/* Node index of `slug` (already canonical) in kind k, or SIZE_MAX. */
size_t graph_find(const struct graph *g, enum term_kind k, const char *slug);
/* The canonical slug for a name (aliases applied); caller frees. */
char *graph_canonical(const struct graph *g, const char *name);

#endif
