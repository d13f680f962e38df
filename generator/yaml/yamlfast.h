/*
 * yamlfast: the block YAML that front matter is written in, parsed without
 * libyaml.
 *
 * libyaml spends about 400,000 instructions on a typical 1.8 KB front
 * matter (7% of a whole build).  This parser takes the common subset, lines
 * of `key: value`, nested mappings, `- ` lists of values or of mappings, and
 * one-line [a, b] lists, with plain or one-line quoted values and comments,
 * and builds the same tree yaml_parse() would, locations included.  It
 * declines anything else, without a diagnostic, and yaml_parse() then runs
 * libyaml: tabs, anchors, aliases, tags, block scalars, multi-line values,
 * escapes in double quotes, flow mappings, empty values, duplicate keys,
 * control characters, any error.  So libyaml alone decides what is wrong
 * and says so.  tests/unit/test_yamlfast.c and the fuzz_yamlfast target
 * check that every text it accepts gives libyaml's tree.
 */
#ifndef AFTERMATH_YAMLFAST_H
#define AFTERMATH_YAMLFAST_H

#include "yaml/ynode.h"

/*
 * Parse text (len bytes of `file` from line `first_line`) as yaml_parse()
 * would.  0 with the root mapping in *out, or 1 (nothing reported, *out
 * NULL) when the text is outside the subset.
 */
int yaml_fast_parse(const char *file, const char *text, size_t len, int first_line,
		    struct ynode **out);

#endif
