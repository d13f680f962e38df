/*
 * ynode: a YAML document as a tree of nodes that remember where they were,
 * the type both parsers build (yamltree.h from libyaml's events, yamlfast.h
 * for the common block YAML of front matter), in one arena per tree.
 */
#ifndef AFTERMATH_YNODE_H
#define AFTERMATH_YNODE_H

#include "base/diag.h"

/* The limits of one tree, whichever parser builds it (an alias counts the nodes it expands to). */
#define YAML_MAX_DEPTH 64
#define YAML_MAX_NODES 100000

enum ynode_type { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
	enum ynode_type type;
	struct loc loc;	      /* where the node starts */
	char *scalar;	      /* YN_SCALAR: its text (never NULL) */
	bool plain;	      /* YN_SCALAR: written without quotes (so `null`, `~`, `` are null) */
	struct ynode **items; /* YN_SEQ: elements; YN_MAP: values */
	char **keys;	      /* YN_MAP: keys, parallel to items */
	struct loc *key_locs;
	size_t n;
	struct arena *arena; /* the root's: where the whole tree is (NULL below the root) */
};

void ynode_free(struct ynode *n);

/*
 * Every node of a tree, its strings and arrays are in one arena (util.h),
 * which the root holds: ynode_free(root) frees the tree at once, and is a
 * no-op for a node below the root.  The parsers allocate with these.
 */
struct ynode *ynode_new(struct arena *a, enum ynode_type t, struct loc loc);
/* An arena to parse a len-byte text in. */
struct arena *ynode_arena(size_t len);
/*
 * A parsed tree is left in the arena it was parsed in, which is several
 * times its size (a 10k build's front matters took 143 MB where they needed
 * 77): fine for a tree freed soon after.  ynode_pack() copies the tree to an
 * arena of its size, frees the old one and returns the new root: for a tree
 * that is kept.  What the tree shares (an alias's strings) stays shared.
 */
struct ynode *ynode_pack(struct ynode *root);

/* The value for `key` in map `n`, or NULL (also when n is not a map). */
const struct ynode *ynode_get(const struct ynode *n, const char *key);
/* True for a plain scalar `null`, `Null`, `NULL`, `~` or the empty string. */
bool ynode_is_null(const struct ynode *n);
/* "a mapping", "a list" or "a text value": for "expected ..., got ..." messages. */
const char *ynode_kind(const struct ynode *n);

#endif
