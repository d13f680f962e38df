/* ahocorasick: many strings in one pass (see ahocorasick.h). */
#include "publish/ahocorasick.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int ac_new_node(struct ac *a, unsigned char label)
{
	ALLOC_GROW(a->node, a->nnode + 1, a->anode);
	a->node[a->nnode] = (struct acnode){-1, -1, 0, -1, -1, label};
	return (int)a->nnode++;
}

static int ac_child(const struct ac *a, int s, unsigned char c)
{
	for (int k = a->node[s].child; k >= 0; k = a->node[k].sibling)
		if (a->node[k].label == c)
			return k;
	return -1;
}

/* Add needle number `id` (ids count up from 0) with folded text s. */
void ac_add(struct ac *a, const char *s, size_t len, int id)
{
	int st = 0;
	if (!a->nnode)
		ac_new_node(a, 0);
	for (size_t i = 0; i < len; i++) {
		int k = ac_child(a, st, (unsigned char)s[i]);
		if (k < 0) {
			k = ac_new_node(a, (unsigned char)s[i]);
			a->node[k].sibling = a->node[st].child;
			a->node[st].child = k;
		}
		st = k;
	}
	ALLOC_GROW(a->same, (size_t)id + 1, a->aneedles);
	a->len = xrealloc(a->len, a->aneedles * sizeof(*a->len));
	a->same[id] = a->node[st].out;
	a->len[id] = len;
	a->node[st].out = id;
	a->nneedles = (size_t)id + 1;
}

static int cmp_label(const void *va, const void *vb, void *ctx)
{
	const struct ac *a = ctx;
	return (int)a->node[*(const int *)va].label - (int)a->node[*(const int *)vb].label;
}

/* States with a dense row of next states: the shallow ones, where most bytes of a text are read. */
#define DENSE_ROWS 4096

/* Rows of next states for the states up to the depth DENSE_ROWS rows can hold (at least 1). */
static void ac_dense(struct ac *a, const int *order, const int *depth)
{
	size_t nrows = 0;
	/* order: by depth */
	int maxd = a->nnode > DENSE_ROWS ? depth[order[DENSE_ROWS]] - 1 : INT_MAX;
	if (maxd < 1)
		maxd = 1;
	a->row = xmalloc(a->nnode * sizeof(int));
	for (size_t i = 0; i < a->nnode; i++)
		a->row[i] = depth[i] <= maxd ? (int)nrows++ : -1;
	a->dense = xmalloc(nrows * 256 * sizeof(int));
	for (size_t i = 0; i < a->nnode; i++) { /* breadth first: a fail state's row is ready */
		int s = order[i];
		if (a->row[s] < 0)
			continue;
		int *r = &a->dense[(size_t)a->row[s] * 256];
		const int *fr = s ? &a->dense[(size_t)a->row[a->node[s].fail] * 256] : NULL;
		for (int c = 0; c < 256; c++) {
			int k = ac_child(a, s, (unsigned char)c);
			r[c] = k >= 0 ? k : (s ? fr[c] : 0);
		}
	}
}

/* Fail links breadth first, then the edges flattened for scanning. */
void ac_build(struct ac *a)
{
	if (!a->nnode)
		ac_new_node(a, 0);
	int *queue = xmalloc(a->nnode * sizeof(int));
	int *depth = xcalloc(a->nnode, sizeof(int));
	size_t head = 0, tail = 0;
	queue[tail++] = 0;
	while (head < tail) {
		int u = queue[head++];
		for (int v = a->node[u].child; v >= 0; v = a->node[v].sibling) {
			int f = a->node[u].fail, t = -1;
			if (u) {
				while (f && ac_child(a, f, a->node[v].label) < 0)
					f = a->node[f].fail;
				t = ac_child(a, f, a->node[v].label);
			}
			a->node[v].fail = t > 0 ? t : 0;
			int fv = a->node[v].fail;
			a->node[v].dict = a->node[fv].out >= 0 ? fv : a->node[fv].dict;
			depth[v] = depth[u] + 1;
			queue[tail++] = v;
		}
	}
	a->first = xcalloc(a->nnode, sizeof(*a->first));
	a->count = xcalloc(a->nnode, sizeof(*a->count));
	a->label = xmalloc(a->nnode);
	a->target = xmalloc(a->nnode * sizeof(int));
	a->emit = xmalloc(a->nnode * sizeof(bool));
	size_t e = 0;
	for (size_t s = 0; s < a->nnode; s++) {
		a->first[s] = (uint32_t)e;
		for (int k = a->node[s].child; k >= 0; k = a->node[k].sibling)
			a->target[e++] = k;
		a->count[s] = (uint32_t)(e - a->first[s]);
		sort_array_r(a->target + a->first[s], a->count[s], sizeof(int), cmp_label, a);
		for (size_t i = a->first[s]; i < e; i++)
			a->label[i] = a->node[a->target[i]].label;
		a->emit[s] = a->node[s].out >= 0 || a->node[s].dict >= 0;
	}
	ac_dense(a, queue, depth);
	free(depth);
	free(queue);
}

static int ac_edge(const struct ac *a, int s, unsigned char c)
{
	size_t lo = a->first[s], hi = lo + a->count[s];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a->label[mid] == c)
			return a->target[mid];
		if (a->label[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void ac_scan(const struct ac *a, const char *s, size_t n, ac_hit fn, void *ctx)
{
	int st = 0;
	if (!a->nneedles)
		return;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		for (;;) {
			if (a->row[st] >= 0) {
				st = a->dense[(size_t)a->row[st] * 256 + c];
				break;
			}
			int t = ac_edge(a, st, c);
			if (t >= 0) {
				st = t;
				break;
			}
			st = a->node[st].fail;
		}
		if (!a->emit[st])
			continue;
		for (int o = a->node[st].out >= 0 ? st : a->node[st].dict; o >= 0;
		     o = a->node[o].dict)
			for (int nd = a->node[o].out; nd >= 0; nd = a->same[nd])
				fn(ctx, nd, i + 1 - a->len[nd], i + 1);
	}
}

void ac_release(struct ac *a)
{
	free(a->node);
	free(a->same);
	free(a->len);
	free(a->first);
	free(a->count);
	free(a->label);
	free(a->target);
	free(a->row);
	free(a->dense);
	free(a->emit);
	memset(a, 0, sizeof(*a));
}
