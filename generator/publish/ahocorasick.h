/*
 * ahocorasick: many strings found in one pass over a text (Aho-Corasick),
 * for the leak check's needles over folded text.  The states near the root
 * get dense rows of 256 next states (fail links followed), the others sorted
 * edge lists; a needle's text may be added more than once (each id is
 * reported).
 */
#ifndef AFTERMATH_AHOCORASICK_H
#define AFTERMATH_AHOCORASICK_H

#include "base/util.h"

#include <stdint.h>

struct acnode {
	int child, sibling; /* while building */
	/* out: a needle ending here; dict: the next state on the fail chain with one */
	int fail, out, dict;
	unsigned char label;
};

struct ac {
	struct acnode *node;
	size_t nnode, anode;
	int *same; /* same[needle]: the next needle with the same text, or -1 */
	size_t *len;
	size_t nneedles, aneedles;
	int *row;		 /* states near the root: their row of dense, else -1 */
	int *dense;		 /* rows of 256 next states, fail links followed */
	bool *emit;		 /* a needle ends at the state or on its fail chain */
	uint32_t *first, *count; /* each state's edges in label/target, sorted by label */
	unsigned char *label;
	int *target;
};

/* Add needle `id`, s[0..len); before ac_build. */
void ac_add(struct ac *a, const char *s, size_t len, int id);
void ac_build(struct ac *a);
/* Called for each needle found: its id and where it is in the text. */
typedef void (*ac_hit)(void *ctx, int needle, size_t start, size_t end);

/* Every needle in s[0..n), in order of where it ends. */
void ac_scan(const struct ac *a, const char *s, size_t n, ac_hit fn, void *ctx);
void ac_release(struct ac *a);

#endif
