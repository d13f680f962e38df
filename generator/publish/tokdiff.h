/*
 * tokdiff: what changed between two texts, as hunks of tokens (a run of
 * word characters, or any other single byte), by Myers' O(ND) algorithm
 * after the common prefix and suffix are set aside, with hunks that only a
 * non-word token separates merged.  The redaction hook's result is recorded
 * as these changes (redact.c), so the publish report shows what it replaced.
 * A diff too costly to compute is one hunk over the middle.
 */
#ifndef AFTERMATH_TOKDIFF_H
#define AFTERMATH_TOKDIFF_H

#include "base/util.h"

struct tok {
	size_t off, len;
};

struct hunk {
	size_t a0, a1, b0, b1; /* token ranges */
};

/*
 * The hunks turning text a into text b (token ranges, in order; *nh of
 * them), and each text's tokens (*ta, *pna; *tb, *pnb).  The caller frees
 * the three arrays.
 */
struct hunk *diff_texts(const char *as, size_t alen, const char *bs, size_t blen, struct tok **ta,
			size_t *pna, struct tok **tb, size_t *pnb, size_t *nh);
/* Byte offset of token i of t (n tokens) in a text of len bytes (len past the last). */
size_t tok_off(const struct tok *t, size_t n, size_t i, size_t len);

#endif
