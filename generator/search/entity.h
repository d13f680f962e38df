/*
 * entity: the named things a query can name exactly, for the index's term
 * shards.
 *
 * Services, factors, tags and the terms of the taxonomies the build shows
 * (g->tax) under their slugs, and in internal builds owners and, under
 * their own slugs, the other spellings site.yaml's aliases give a service,
 * factor or tag (a public build's pages show neither).  A query whose slug is an entity's key
 * ("checkout-api", "Connection pool exhaustion") ranks the entity's
 * postmortems first, and the search box offers its page ("Service:
 * checkout-api →").  Entities are sorted by key; a term shard holds those
 * whose keys fall in its range of keys, so the shard a query's words need
 * usually holds them too.
 *
 * An entity is written as [key, kind, name, docs(, slug)]: kind indexes the
 * manifest's "ek" ([label, folder] pairs, search_kinds_write), docs is
 * search_add_docs() of its postmortems ("" for an owner: a person's
 * postmortems are found by the name's words, and the link is what the box
 * needs), slug is its page's when the key is an alias's.
 */
#ifndef AFTERMATH_ENTITY_H
#define AFTERMATH_ENTITY_H

#include "analyze/graph.h"
#include "load/corpus.h"

struct search_entity {
	char *key;    /* the slug a query must equal */
	char *json;   /* the entity as written in a shard */
	size_t shard; /* set by the layout */
};

struct search_entities {
	struct search_entity *v; /* sorted by key */
	size_t n;
};

/* Collect c's entities (graph g) into es; internal: owners and aliases too. */
void search_entities_collect(struct search_entities *es, const struct corpus *c,
			     const struct graph *g, bool internal);
void search_entities_release(struct search_entities *es);

/* Append the manifest's list of kinds: [["Service","services"],...], then g's taxonomies. */
void search_kinds_write(struct buf *b, const struct graph *g);

#endif
