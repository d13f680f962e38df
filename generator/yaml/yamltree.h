/*
 * yamltree: YAML text to a ynode tree (ynode.h).
 *
 * From libyaml's event API, or by yamlfast.h for the common block YAML of
 * front matter (the same tree, faster).  Limits keep hostile input cheap: at most
 * YAML_MAX_DEPTH levels of nesting and YAML_MAX_NODES nodes per document,
 * counting every node an alias expands to (so an alias bomb is an error, not
 * a gigabyte).  Only scalar keys are accepted; a duplicate key is an error.
 */
#ifndef AFTERMATH_YAMLTREE_H
#define AFTERMATH_YAMLTREE_H

#include "yaml/ynode.h"

/*
 * Parse `text` (len bytes, the contents of `file` starting at line
 * `first_line`) as one YAML document.  On success stores the root in *out
 * (NULL for an empty document) and returns 0; the caller frees it with
 * ynode_free.  On failure reports a diagnostic at the offending place and
 * returns -1.  `file` is not copied: it must outlive the tree.
 */
int yaml_parse(const char *file, const char *text, size_t len, int first_line, struct ynode **out);
/* The same with libyaml alone (tests compare yamlfast with it). */
int yaml_parse_libyaml(const char *file, const char *text, size_t len, int first_line,
		       struct ynode **out);

#endif
