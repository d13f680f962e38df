/* tokdiff: a token diff of two texts (see tokdiff.h). */
#include "publish/tokdiff.h"

#include <stdlib.h>
#include <string.h>

/* A hook's change is reported token by token up to this many edits, else as one span... */
#define DIFF_MAX  400
/* ...and up to edits times tokens this large, so a huge body costs no more than a small one. */
#define DIFF_WORK 20000000L

struct seq {
	const char *s;
	const struct tok *t;
	size_t n;
};

static bool word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c >= 0x80;
}

static struct tok *tokenize(const char *s, size_t len, size_t *n)
{
	struct tok *t = NULL;
	size_t alloc = 0;
	*n = 0;
	for (size_t i = 0; i < len;) {
		size_t j = i + 1;
		if (word_byte((unsigned char)s[i]))
			while (j < len && word_byte((unsigned char)s[j]))
				j++;
		ALLOC_GROW(t, *n + 1, alloc);
		t[(*n)++] = (struct tok){i, j - i};
		i = j;
	}
	return t;
}

static bool tok_eq(const struct seq *a, size_t i, const struct seq *b, size_t j)
{
	return a->t[i].len == b->t[j].len &&
	       !memcmp(a->s + a->t[i].off, b->s + b->t[j].off, a->t[i].len);
}

static void push_hunk(struct hunk **h, size_t *n, size_t *alloc, struct hunk x)
{
	ALLOC_GROW(*h, *n + 1, *alloc);
	(*h)[(*n)++] = x;
}

/*
 * Myers' diff of a and b: the hunks of the shortest edit script, in order,
 * or false when it needs more than DIFF_MAX edits.  trace[d] is V before
 * step d; the script is found back to front.
 */
static bool myers(const struct seq *a, const struct seq *b, struct hunk **out, size_t *nout)
{
	long N = (long)a->n, M = (long)b->n, D = -1, off = DIFF_MAX + 1;
	/* huge texts: less */
	long dmax = DIFF_WORK / (N + M + 1) < DIFF_MAX ? DIFF_WORK / (N + M + 1) : DIFF_MAX;
	size_t width = (size_t)(2 * off + 1), alloc = 0;
	long *v = xcalloc(width, sizeof(long));
	long **trace = xcalloc(DIFF_MAX + 1, sizeof(long *));
	for (long d = 0; d <= dmax && D < 0; d++) {
		trace[d] = xmalloc(width * sizeof(long));
		memcpy(trace[d], v, width * sizeof(long));
		for (long k = -d; k <= d; k += 2) {
			bool down = k == -d || (k != d && v[off + k - 1] < v[off + k + 1]);
			long x = down ? v[off + k + 1] : v[off + k - 1] + 1, y = x - k;
			while (x < N && y < M && tok_eq(a, (size_t)x, b, (size_t)y))
				x++, y++;
			v[off + k] = x;
			if (x >= N && y >= M) {
				D = d;
				break;
			}
		}
	}
	*out = NULL;
	*nout = 0;
	long x = N, y = M;
	struct hunk cur = {0, 0, 0, 0};
	bool open = false;
	for (long d = D; d > 0; d--) {
		const long *pv = trace[d];
		long k = x - y;
		bool down = k == -d || (k != d && pv[off + k - 1] < pv[off + k + 1]);
		long pk = down ? k + 1 : k - 1, px = pv[off + pk], py = px - pk;
		/* the edit ends at (ex, ex - k), then a snake to (x, y) */
		long ex = down ? px : px + 1;
		if (open && x > ex) {
			push_hunk(out, nout, &alloc, cur);
			open = false;
		}
		if (!open)
			cur = (struct hunk){0, (size_t)ex, 0, (size_t)(ex - k)};
		open = true;
		cur.a0 = (size_t)px;
		cur.b0 = (size_t)py;
		x = px;
		y = py;
	}
	if (open)
		push_hunk(out, nout, &alloc, cur);
	for (size_t i = 0; i < *nout / 2; i++) {
		struct hunk t = (*out)[i];
		(*out)[i] = (*out)[*nout - 1 - i];
		(*out)[*nout - 1 - i] = t;
	}
	for (long d = 0; d <= DIFF_MAX; d++)
		free(trace[d]);
	free(trace);
	free(v);
	return D >= 0;
}

/* Whether tokens [from, to) of a hold no word (only blanks and punctuation). */
static bool no_word(const struct seq *a, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (word_byte((unsigned char)a->s[a->t[i].off]))
			return false;
	return true;
}

/*
 * Join hunks that only blanks or punctuation separate, so "Acme Corp" ->
 * "[customer]" is one change even though both sides have a space.
 */
static size_t merge_hunks(const struct seq *a, const struct seq *b, struct hunk *h, size_t n)
{
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (out && no_word(a, h[out - 1].a1, h[i].a0)) {
			h[out - 1].a1 = h[i].a1;
			h[out - 1].b1 = h[i].b1;
			continue;
		}
		h[out++] = h[i];
	}
	for (size_t i = 0; i < out; i++) { /* a joined hunk may start or end alike on both sides */
		struct hunk *x = &h[i];
		while (x->a0 < x->a1 && x->b0 < x->b1 && tok_eq(a, x->a0, b, x->b0))
			x->a0++, x->b0++;
		while (x->a0 < x->a1 && x->b0 < x->b1 && tok_eq(a, x->a1 - 1, b, x->b1 - 1))
			x->a1--, x->b1--;
	}
	return out;
}

struct hunk *diff_texts(const char *as, size_t alen, const char *bs, size_t blen, struct tok **ta,
			size_t *pna, struct tok **tb, size_t *pnb, size_t *nh)
{
	size_t na, nb;
	*ta = tokenize(as, alen, &na);
	*tb = tokenize(bs, blen, &nb);
	*pna = na;
	*pnb = nb;
	struct seq a = {as, *ta, na}, b = {bs, *tb, nb};
	size_t pre = 0, suf = 0;
	while (pre < na && pre < nb && tok_eq(&a, pre, &b, pre))
		pre++;
	while (suf < na - pre && suf < nb - pre && tok_eq(&a, na - 1 - suf, &b, nb - 1 - suf))
		suf++;
	struct seq ma = {as, *ta + pre, na - pre - suf}, mb = {bs, *tb + pre, nb - pre - suf};
	struct hunk *h;
	if (!myers(&ma, &mb, &h, nh)) {
		h = xmalloc(sizeof(*h));
		*h = (struct hunk){0, ma.n, 0, mb.n};
		*nh = 1;
	}
	for (size_t i = 0; i < *nh; i++) {
		h[i].a0 += pre, h[i].a1 += pre;
		h[i].b0 += pre, h[i].b1 += pre;
	}
	*nh = merge_hunks(&a, &b, h, *nh);
	return h;
}

size_t tok_off(const struct tok *t, size_t n, size_t i, size_t len)
{
	return i < n ? t[i].off : len;
}
