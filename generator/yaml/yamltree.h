/*
 * yamltree: a YAML document as a tree of nodes that remember where they were.
 *
 * Built from libyaml's event API, or by yamlfast.h for the common block
 * YAML of front matter (the same tree, faster).  Limits keep hostile input cheap: at most
 * YAML_MAX_DEPTH levels of nesting and YAML_MAX_NODES nodes per document,
 * counting every node an alias expands to (so an alias bomb is an error, not
 * a gigabyte).  Only scalar keys are accepted; a duplicate key is an error.
 */
#ifndef AFTERMATH_YAMLTREE_H
#define AFTERMATH_YAMLTREE_H

#include "base/diag.h"

#define YAML_MAX_DEPTH 64
#define YAML_MAX_NODES 100000

enum ynode_type { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
	enum ynode_type type;
	struct loc loc;    /* where the node starts */
	char *scalar;      /* YN_SCALAR: its text (never NULL) */
	bool plain;        /* YN_SCALAR: written without quotes (so `null`, `~`, `` are null) */
	struct ynode **items; /* YN_SEQ: elements; YN_MAP: values */
	char **keys;       /* YN_MAP: keys, parallel to items */
	struct loc *key_locs;
	size_t n;
	struct arena *arena; /* the root's: where the whole tree is (NULL below the root) */
};

/*
 * Parse `text` (len bytes, the contents of `file` starting at line
 * `first_line`) as one YAML document.  On success stores the root in *out
 * (NULL for an empty document) and returns 0; the caller frees it with
 * ynode_free.  On failure reports a diagnostic at the offending place and
 * returns -1.  `file` is not copied: it must outlive the tree.
 */
int yaml_parse(const char *file, const char *text, size_t len, int first_line, struct ynode **out);
/* The same with libyaml alone (tests compare yamlfast with it). */
int yaml_parse_libyaml(const char *file, const char *text, size_t len, int first_line, struct ynode **out);
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
