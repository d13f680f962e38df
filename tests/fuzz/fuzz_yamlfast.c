/*
 * libFuzzer target: any bytes as YAML.  Whatever yamlfast accepts, libyaml
 * must accept too, with the same tree (values, styles, keys, locations);
 * otherwise the target aborts.
 */
#include "base/diag.h"
#include "yaml/yamlfast.h"
#include "yaml/yamltree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_loc(struct loc a, struct loc b)
{
	return a.line == b.line && a.col == b.col;
}

static bool same(const struct ynode *a, const struct ynode *b)
{
	if (a->type != b->type || !same_loc(a->loc, b->loc) || a->n != b->n)
		return false;
	if (a->type == YN_SCALAR)
		return !strcmp(a->scalar, b->scalar) && a->plain == b->plain;
	for (size_t i = 0; i < a->n; i++) {
		if (a->type == YN_MAP &&
		    (strcmp(a->keys[i], b->keys[i]) || !same_loc(a->key_locs[i], b->key_locs[i])))
			return false;
		if (!same(a->items[i], b->items[i]))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ynode *fast = NULL, *slow = NULL;
	if (yaml_fast_parse("fuzz", (const char *)data, size, 2, &fast) == 0) {
		if (yaml_parse_libyaml("fuzz", (const char *)data, size, 2, &slow) < 0 ||
		    !same(fast, slow))
			abort();
	}
	ynode_free(fast);
	ynode_free(slow);
	diag_clear();
	return 0;
}
