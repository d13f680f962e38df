/*
 * search: the client-side search index (see search.h).
 *
 * Four stages, each over arrays indexed by position so the output never
 * depends on thread timing or hash order:
 *   1. read: tokenize every postmortem's fields on the worker threads into a
 *      list of (term, counts per field, first place in the text) per doc;
 *   2. merge: in doc order, into one table of terms with their postings;
 *   3. score: every posting's impact level, every term's best postmortems;
 *   4. write: lay the terms out in shards by key and write the parts.
 */
#include "search/search.h"

#include "load/fieldmap.h"
#include "load/markdown.h"

#include "analyze/taxonomy.h"
#include "base/parallel.h"
#include "base/strmap.h"
#include "search/entity.h"
#include "search/facets.h"
#include "search/tokenize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parameters ----------------------------------------------------------- */

/* F_ITEMS: the action items' titles. */
enum text_field { F_TITLE, F_SUMMARY, F_BODY, F_ITEMS, NFIELDS };
/* Names (FL_TAG: tags and taxonomy terms; owners and authors in internal builds only). */
enum flag {
	FL_ID = 1,
	FL_SERVICE = 2,
	FL_FACTOR = 4,
	FL_TAG = 8,
	FL_OWNER = 16,
	FL_AUTHOR = 32,
	FL_ITEM_OWNER = 64,
	FL_TICKET = 128
};
/*
 * Where a term's excerpt is cut from, the greater winning: a person's name
 * is shown as the owner, an author or an item's owner before any mention in
 * the text; an action item's title or ticket only when the text has no
 * mention.  P_NONE: the term is in the title, id or a name only.
 */
enum place { P_NONE, P_ITEM, P_TEXT, P_ITEM_OWNER, P_AUTHOR, P_OWNER };

/* BM25 per text field, then fields weighted: id, title, services, factors first. */
static const double field_weight[NFIELDS] = {4.0, 1.5, 1.0, 1.5};
static const double field_b[NFIELDS] = {0.5, 0.5, 0.75, 0.5};
#define K1	     1.2
#define W_ID	     8.0
#define W_SERVICE    3.5
#define W_FACTOR     3.0
#define W_TAG	     2.0
#define W_OWNER	     4.0
#define W_AUTHOR     3.0
#define W_ITEM_OWNER 1.5
#define W_TICKET     4.0

#define PM_PER_FILE    50   /* at most one file per this many postmortems */
#define MIN_FILE_BYTES 4096 /* gzipped: no point in splitting finer */
#define EXCERPT_BYTES  180
#define SUMMARY_BYTES  240
#define TYPO_MIN       4   /* typo keys for stems of this many letters or more */
#define READ_BATCH     512 /* documents read (in parallel) between merges */

/* ---- stage 1: read ------------------------------------------------------- */

/* A term in one postmortem. */
struct hit {
	uint32_t term; /* the reader's term id */
	uint16_t tf[NFIELDS];
	uint8_t flags;
	uint8_t place;	 /* enum place */
	bool in_summary; /* P_TEXT: `at` is in the summary, else in the body */
	/* P_TEXT: byte of the first match; P_AUTHOR: the author; P_ITEM*: the item */
	uint32_t at;
};

struct doc_hits {
	struct hit *hits;
	size_t nhits;
	uint32_t len[NFIELDS]; /* terms per text field */
	int worker;	       /* whose term ids the hits use */
};

/* A hash table of byte strings (open addressing, the hash kept). */
struct wtab {
	struct wslot {
		uint64_t hash;
		char *key; /* NULL: empty */
		size_t len;
		size_t val;
	} * slots;
	size_t cap, n;
};

static struct wslot *wtab_slot(struct wtab *t, const char *key, size_t len, uint64_t hash)
{
	size_t i = (size_t)hash & (t->cap - 1);
	while (t->slots[i].key && (t->slots[i].hash != hash || t->slots[i].len != len ||
				   memcmp(t->slots[i].key, key, len)))
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

/* The value for key, or SIZE_MAX. */
static size_t wtab_get(struct wtab *t, const char *key, size_t len, uint64_t hash)
{
	if (!t->cap)
		return SIZE_MAX;
	struct wslot *sl = wtab_slot(t, key, len, hash);
	return sl->key ? sl->val : SIZE_MAX;
}

static void wtab_put(struct wtab *t, const char *key, size_t len, uint64_t hash, size_t val)
{
	if ((t->n + 1) * 2 > t->cap) {
		struct wtab bigger = {.cap = t->cap ? t->cap * 2 : 1024};
		bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].key)
				*wtab_slot(&bigger, t->slots[i].key, t->slots[i].len,
					   t->slots[i].hash) = t->slots[i];
		bigger.n = t->n;
		free(t->slots);
		*t = bigger;
	}
	struct wslot *sl = wtab_slot(t, key, len, hash);
	if (!sl->key) {
		sl->key = xstrndup(key, len);
		sl->len = len;
		sl->hash = hash;
		t->n++;
	}
	sl->val = val;
}

static void wtab_release(struct wtab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].key);
	free(t->slots);
}

/* One worker's caches: word -> term, and the hits of the doc being read. */
struct reader {
	struct wtab words; /* lowercased word -> term id, or STOP */
	struct wtab terms; /* term -> term id */
	char **term;	   /* term id -> term */
	size_t nterms, alloc;
	size_t *slot; /* term id -> index in the doc's hits, valid when stamp matches */
	size_t *stamp;
	size_t slot_alloc;
	size_t *global; /* term id -> the index's term, SIZE_MAX until merged */
	size_t nglobal; /* entries in global (terms read since are not in it yet) */
};
#define STOP (SIZE_MAX - 1)

/* What the profile lets the index hold besides the published text. */
struct shown {
	bool people;  /* owners, authors and items' owners: internal builds */
	bool tickets; /* items' tickets: unless a public build strips them */
};

struct read_ctx {
	const struct corpus *c;
	const struct graph *g;
	struct shown shown;
	struct reader *readers;
	struct doc_hits *docs;
	size_t base; /* read_one's i counts from here (docs are read in batches) */
	/* out: a body's text with [[ID]] as the page shows it; NULL: pm->text has none */
	char **bodies;
	size_t (*lens)[2]; /* out: the lengths of the body as indexed and of the summary */
};

/* [[ID]] reads as the title it links to; one not in this build (the public
 * profile) as the page says it, without its id. */
static bool body_link(void *vctx, const char *id, const char **url, const char **title)
{
	const struct corpus *c = vctx;
	size_t i = corpus_find(c, id);
	*url = NULL;
	if (i != SIZE_MAX) {
		*title = c->pms[i].title;
		return true;
	}
	if (strmap_get(&c->all_ids, id) != SIZE_MAX) {
		*title = "an unpublished postmortem";
		return true;
	}
	return false;
}

static size_t reader_term(struct reader *r, struct token *t)
{
	uint64_t hash = hash_fnv1a(t->term, t->len);
	size_t id = wtab_get(&r->words, t->term, t->len, hash);
	if (id != SIZE_MAX)
		return id;
	char word[TOK_MAX_BYTES + 1];
	size_t wlen = t->len;
	memcpy(word, t->term, wlen + 1);
	if (!tok_term(t)) {
		wtab_put(&r->words, word, wlen, hash, STOP);
		return STOP;
	}
	uint64_t thash = hash_fnv1a(t->term, t->len);
	id = wtab_get(&r->terms, t->term, t->len, thash);
	if (id == SIZE_MAX) {
		id = r->nterms;
		ALLOC_GROW(r->term, r->nterms + 1, r->alloc);
		r->term[r->nterms++] = xstrndup(t->term, t->len);
		wtab_put(&r->terms, t->term, t->len, thash, id);
	}
	wtab_put(&r->words, word, wlen, hash, id);
	return id;
}

/* The doc's hit for term id, created when new. */
static struct hit *doc_hit(struct reader *r, struct doc_hits *d, size_t *alloc, size_t id,
			   size_t stamp)
{
	if (id >= r->slot_alloc) {
		size_t n = r->slot_alloc;
		ALLOC_GROW(r->slot, id + 1, r->slot_alloc);
		r->stamp = xrealloc(r->stamp, r->slot_alloc * sizeof(*r->stamp));
		memset(r->stamp + n, 0, (r->slot_alloc - n) * sizeof(*r->stamp));
	}
	if (r->stamp[id] == stamp)
		return &d->hits[r->slot[id]];
	r->stamp[id] = stamp;
	r->slot[id] = d->nhits;
	ALLOC_GROW(d->hits, d->nhits + 1, *alloc);
	struct hit *h = &d->hits[d->nhits++];
	memset(h, 0, sizeof(*h));
	h->term = (uint32_t)id;
	return h;
}

struct reading {
	struct reader *r;
	struct doc_hits *d;
	size_t alloc, stamp;
};

/* The hit's excerpt comes from place p (at, in_summary) if that is better than where it came from. */
static void set_place(struct hit *h, enum place p, size_t at, bool in_summary)
{
	if (p <= h->place)
		return;
	h->place = (uint8_t)p;
	h->at = (uint32_t)at;
	h->in_summary = in_summary;
}

/* Text field f; in F_ITEMS, `item` is the action item whose title text is. */
static void read_text(struct reading *rd, const char *text, enum text_field f, size_t item)
{
	struct token t;
	size_t pos = 0, len = text ? strlen(text) : 0;
	while (tok_next_word(text, len, &pos, &t)) {
		size_t id = reader_term(rd->r, &t);
		if (id == STOP)
			continue;
		struct hit *h = doc_hit(rd->r, rd->d, &rd->alloc, id, rd->stamp);
		if (h->tf[f] < UINT16_MAX)
			h->tf[f]++;
		rd->d->len[f]++;
		if (f == F_ITEMS)
			set_place(h, P_ITEM, item, false);
		else if (f != F_TITLE)
			set_place(h, P_TEXT, t.start, f == F_SUMMARY);
	}
}

/* A name's words, flagged; shown from place p (at) when that is better. */
static void read_name(struct reading *rd, const char *text, uint8_t flag, enum place p, size_t at)
{
	struct token t;
	size_t pos = 0, len = strlen(text);
	while (tok_next_word(text, len, &pos, &t)) {
		size_t id = reader_term(rd->r, &t);
		if (id == STOP)
			continue;
		struct hit *h = doc_hit(rd->r, rd->d, &rd->alloc, id, rd->stamp);
		h->flags |= flag;
		set_place(h, p, at, false);
	}
}

static void read_flagged(struct reading *rd, const char *text, uint8_t flag)
{
	read_name(rd, text, flag, P_NONE, 0);
}

static void read_nodes(struct reading *rd, const struct graph *g, enum term_kind k, const size_t *v,
		       size_t n, uint8_t flag)
{
	for (size_t i = 0; i < n; i++) {
		const struct node *nd = &g->nodes[k][v[i]];
		read_flagged(rd, nd->name, flag);
		read_flagged(rd, nd->slug, flag);
	}
}

/* The terms of the taxonomies the build shows (g->tax: in a public build, those public.strip does not name). */
static void read_taxonomies(struct reading *rd, const struct graph *g, const struct postmortem *pm)
{
	for (size_t t = 0; t < g->ntax && pm->taxa; t++) {
		const struct termlist *l = &pm->taxa[g->tax[t].field];
		for (size_t k = 0; k < l->n; k++)
			read_flagged(rd, l->v[k].name, FL_TAG);
	}
}

/*
 * The owner and authors (internal builds only: a public index holds no
 * person's name), then each action item's title, ticket (unless the public
 * build strips tickets) and owner (internal).
 */
static void read_people_and_items(struct reading *rd, const struct shown *sh,
				  const struct postmortem *pm)
{
	if (sh->people && pm->owner)
		read_name(rd, pm->owner, FL_OWNER, P_OWNER, 0);
	for (size_t k = 0; sh->people && k < pm->nauthors; k++)
		read_name(rd, pm->authors[k].name, FL_AUTHOR, P_AUTHOR, k);
	for (size_t k = 0; k < pm->nactions; k++) {
		const struct action_item *a = &pm->actions[k];
		read_text(rd, a->title, F_ITEMS, k);
		if (sh->tickets && a->ticket)
			read_name(rd, a->ticket, FL_TICKET, P_ITEM, k);
		if (sh->people && a->owner)
			read_name(rd, a->owner, FL_ITEM_OWNER, P_ITEM_OWNER, k);
	}
}

static void read_one(void *vctx, size_t i, int worker)
{
	struct read_ctx *ctx = vctx;
	i += ctx->base;
	const struct postmortem *pm = &ctx->c->pms[i];
	const struct pm_links *l = &ctx->g->pm[i];
	/* The hits are gathered in a struct on this thread's stack and stored once: neighbouring
	 * documents are read by other workers, and their doc_hits share cache lines. */
	struct doc_hits hits = {.worker = worker};
	struct reading rd = {.r = &ctx->readers[worker], .d = &hits, .stamp = i + 1};
	read_flagged(&rd, pm->id, FL_ID);
	read_text(&rd, pm->title, F_TITLE, 0);
	read_text(&rd, pm->summary, F_SUMMARY, 0);
	const char *text = pm->text ? pm->text : "";
	size_t len = strlen(text);
	if (memmem(text, len, "[[", 2)) { /* a copy only for the few bodies with links */
		struct buf body = BUF_INIT;
		text_resolve(&body, text, body_link, (void *)ctx->c);
		ctx->bodies[i] = buf_detach(&body, &len);
		text = ctx->bodies[i];
	}
	ctx->lens[i][0] = len;
	ctx->lens[i][1] = pm->summary ? strlen(pm->summary) : 0;
	read_text(&rd, text, F_BODY, 0);
	read_nodes(&rd, ctx->g, TERM_SERVICE, l->services, l->nservices, FL_SERVICE);
	read_nodes(&rd, ctx->g, TERM_FACTOR, l->factors, l->nfactors, FL_FACTOR);
	read_nodes(&rd, ctx->g, TERM_TAG, l->tags, l->ntags, FL_TAG);
	read_taxonomies(&rd, ctx->g, pm);
	read_people_and_items(&rd, &ctx->shown, pm);
	ctx->docs[i] = hits;
}

static void reader_release(struct reader *r)
{
	wtab_release(&r->words);
	wtab_release(&r->terms);
	for (size_t i = 0; i < r->nterms; i++)
		free(r->term[i]);
	free(r->term);
	free(r->slot);
	free(r->stamp);
	free(r->global);
}

/* ---- stage 2: merge ------------------------------------------------------ */

struct posting {
	uint32_t doc;
	uint16_t tf[NFIELDS];
	uint8_t flags;
	uint8_t level;
	uint8_t place;
	bool in_summary;
	uint32_t at;
};

struct iterm {
	char *s;
	size_t len;
	struct posting *p; /* by doc */
	size_t np, alloc;
	uint32_t cards[SEARCH_CARDS]; /* indices into p, best first */
	size_t ncards;
	/* in tickets and nowhere else: in the shard's ticket table (see score_term) */
	bool ticket_only;
	size_t size; /* estimated bytes in a shard, gzipped (term_size) */
	size_t shard;
};

struct index {
	const struct corpus *c;
	const struct graph *g;
	struct shown shown;
	struct search_entities ents;
	size_t ndocs;
	uint32_t (*len)[NFIELDS]; /* per doc */
	/* per doc: the body's text as indexed, when not pm->text (see read_one) */
	char **bodies;
	/* per doc: that text's length and the summary's (excerpts are cut from them) */
	size_t (*lens)[2];
	double avg[NFIELDS];
	struct iterm *terms; /* sorted by string once merged */
	size_t nterms, alloc;
};

/* The index's term for reader r's term id, created when new. */
static size_t global_term(struct index *ix, struct strmap *map, struct reader *r, size_t id)
{
	if (r->nglobal < r->nterms) { /* terms this reader met since the last batch */
		r->global = xrealloc(r->global, r->nterms * sizeof(size_t));
		memset(r->global + r->nglobal, 0xff, (r->nterms - r->nglobal) * sizeof(size_t));
		r->nglobal = r->nterms;
	}
	if (r->global[id] != SIZE_MAX)
		return r->global[id];
	size_t k = strmap_get(map, r->term[id]);
	if (k == SIZE_MAX) {
		k = ix->nterms;
		ALLOC_GROW(ix->terms, ix->nterms + 1, ix->alloc);
		memset(&ix->terms[k], 0, sizeof(ix->terms[k]));
		ix->terms[k].s = xstrdup(r->term[id]);
		ix->terms[k].len = strlen(r->term[id]);
		ix->nterms++;
		strmap_put(map, r->term[id], k);
	}
	r->global[id] = k;
	return k;
}

static void merge_doc(struct index *ix, struct strmap *map, struct reader *r, size_t doc,
		      const struct doc_hits *d)
{
	memcpy(ix->len[doc], d->len, sizeof(d->len));
	for (size_t i = 0; i < d->nhits; i++) {
		const struct hit *h = &d->hits[i];
		size_t term = global_term(ix, map, r, h->term); /* may move ix->terms */
		struct iterm *t = &ix->terms[term];
		if (t->np == t->alloc) { /* a common word's postings grow past BIG_ARRAY_BYTES */
			size_t n = t->alloc < 8 ? 8 : t->alloc * 2;
			t->p = big_realloc(t->p, t->alloc * sizeof(*t->p), n * sizeof(*t->p));
			t->alloc = n;
		}
		struct posting *p = &t->p[t->np++];
		p->doc = (uint32_t)doc;
		memcpy(p->tf, h->tf, sizeof(h->tf));
		p->flags = h->flags;
		p->place = h->place;
		p->in_summary = h->in_summary;
		p->at = h->at;
		p->level = 0;
	}
}

static int cmp_term(const void *a, const void *b)
{
	return strcmp(((const struct iterm *)a)->s, ((const struct iterm *)b)->s);
}

static void index_read(struct index *ix, int jobs)
{
	size_t n = ix->ndocs;
	int workers = jobs < 1 ? 1 : jobs;
	struct read_ctx ctx = {
		.c = ix->c,
		.g = ix->g,
		.shown = ix->shown,
		.readers = xcalloc((size_t)workers, sizeof(struct reader)),
		.docs = xcalloc(n ? n : 1, sizeof(struct doc_hits)),
		.bodies = xcalloc(n ? n : 1, sizeof(char *)),
		.lens = xcalloc(n ? n : 1, sizeof(*ctx.lens)),
	};
	struct strmap map = STRMAP_INIT;
	ix->len = xcalloc(n ? n : 1, sizeof(*ix->len));
	/* In batches, each merged (in document order) and freed before the next is read: the
	 * hits of every document at once would double the stage's memory. */
	for (ctx.base = 0; ctx.base < n; ctx.base += READ_BATCH) {
		size_t end = n - ctx.base < READ_BATCH ? n : ctx.base + READ_BATCH;
		parallel_for(end - ctx.base, workers, read_one, &ctx);
		for (size_t i = ctx.base; i < end; i++) {
			merge_doc(ix, &map, &ctx.readers[ctx.docs[i].worker], i, &ctx.docs[i]);
			free(ctx.docs[i].hits);
		}
	}
	strmap_release(&map);
	for (int w = 0; w < workers; w++)
		reader_release(&ctx.readers[w]);
	free(ctx.readers);
	free(ctx.docs);
	ix->bodies = ctx.bodies;
	ix->lens = ctx.lens;
	sort_array(ix->terms, ix->nterms, sizeof(*ix->terms), cmp_term);
}

/* ---- stage 3: score ------------------------------------------------------ */

static double saturate(double tf, double len_ratio, double b)
{
	return tf * (K1 + 1) / (tf + K1 * (1 - b + b * len_ratio));
}

/* ix may be NULL for a posting with no text (all tf 0). */
static uint8_t impact_level(const struct index *ix, const struct posting *p)
{
	double impact = 0;
	for (int f = 0; f < NFIELDS; f++) {
		if (!p->tf[f])
			continue;
		double ratio = ix->avg[f] > 0 ? ix->len[p->doc][f] / ix->avg[f] : 1;
		impact += field_weight[f] * saturate(p->tf[f], ratio, field_b[f]);
	}
	impact += (p->flags & FL_ID ? W_ID : 0) + (p->flags & FL_SERVICE ? W_SERVICE : 0) +
		  (p->flags & FL_FACTOR ? W_FACTOR : 0) + (p->flags & FL_TAG ? W_TAG : 0) +
		  (p->flags & FL_OWNER ? W_OWNER : 0) + (p->flags & FL_AUTHOR ? W_AUTHOR : 0) +
		  (p->flags & FL_ITEM_OWNER ? W_ITEM_OWNER : 0) +
		  (p->flags & FL_TICKET ? W_TICKET : 0);
	double level = floor(log(impact / SEARCH_LEVEL_BASE) / log(SEARCH_LEVEL_RATIO) + 0.5);
	return (uint8_t)(level < 0 ? 0 : level > SEARCH_LEVELS - 1 ? SEARCH_LEVELS - 1 : level);
}

/* Is posting a ranked before b: higher level, then newer (lower doc)? */
static bool ranks_before(const struct posting *a, const struct posting *b)
{
	return a->level != b->level ? a->level > b->level : a->doc < b->doc;
}

/* The term's SEARCH_CARDS best postings, best first. */
static void pick_cards(struct iterm *t)
{
	t->ncards = 0;
	for (size_t i = 0; i < t->np; i++) {
		size_t k = t->ncards;
		if (k == SEARCH_CARDS && !ranks_before(&t->p[i], &t->p[t->cards[k - 1]]))
			continue;
		if (k < SEARCH_CARDS)
			t->ncards++;
		else
			k--;
		while (k > 0 && ranks_before(&t->p[i], &t->p[t->cards[k - 1]])) {
			t->cards[k] = t->cards[k - 1];
			k--;
		}
		t->cards[k] = (uint32_t)i;
	}
}

/* Is every posting of t a ticket's, with the term nowhere else? */
static bool ticket_only(const struct iterm *t)
{
	for (size_t i = 0; i < t->np; i++) {
		const struct posting *p = &t->p[i];
		if (p->flags != FL_TICKET)
			return false;
		for (int f = 0; f < NFIELDS; f++)
			if (p->tf[f])
				return false;
	}
	return true;
}

/*
 * Every posting's level and the term's cards.  A term found only in tickets
 * (a ticket's number, mostly in one postmortem) gets none: a card's record
 * and excerpt would cost ten times its posting, for tens of thousands of
 * tickets, and its postmortem's record is in a doc shard.  Its postings all
 * have one level (W_TICKET's), so it is written in the shard's ticket table
 * as its docs alone (write_term_shard).
 */
static void score_term(void *vctx, size_t k, int worker)
{
	(void)worker;
	struct index *ix = vctx;
	struct iterm *t = &ix->terms[k];
	for (size_t i = 0; i < t->np; i++)
		t->p[i].level = impact_level(ix, &t->p[i]);
	t->ticket_only = ticket_only(t);
	if (t->ticket_only)
		t->ncards = 0;
	else
		pick_cards(t);
}

/* Every posting's impact level and every term's cards; the terms in parallel. */
static void index_score(struct index *ix, int jobs)
{
	double total[NFIELDS] = {0};
	for (size_t i = 0; i < ix->ndocs; i++)
		for (int f = 0; f < NFIELDS; f++)
			total[f] += ix->len[i][f];
	for (int f = 0; f < NFIELDS; f++)
		ix->avg[f] = ix->ndocs ? total[f] / (double)ix->ndocs : 0;
	parallel_for(ix->nterms, jobs, score_term, ix);
}

/* ---- encoding ------------------------------------------------------------ */

/*
 * A term's postings: its docs (search_add_docs), then one character per
 * posting, in doc order, for its impact level.  A term only in tickets: its
 * docs' gaps alone (the varints after search_add_docs' "g").
 */
static void encode_postings(struct buf *b, const struct iterm *t, size_t ndocs)
{
	if (t->ticket_only) {
		for (size_t i = 0; i < t->np; i++)
			search_add_varint(b, i ? t->p[i].doc - t->p[i - 1].doc - 1 : t->p[i].doc);
		return;
	}
	uint32_t *docs = xmalloc((t->np ? t->np : 1) * sizeof(*docs));
	for (size_t i = 0; i < t->np; i++)
		docs[i] = t->p[i].doc;
	search_add_docs(b, docs, t->np, ndocs);
	free(docs);
	for (size_t i = 0; i < t->np; i++)
		buf_addch(b, search_alphabet[t->p[i].level]);
}

/* The level of every posting of a term found only in tickets. */
static uint8_t ticket_level(void)
{
	struct posting p = {.flags = FL_TICKET};
	return impact_level(NULL, &p);
}

/* ---- excerpts ------------------------------------------------------------ */

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
}

static bool ends_sentence(char ch)
{
	return ch == '.' || ch == '!' || ch == '?';
}

/* Does a sentence end just before text[i] ("... end. Next")? */
static bool sentence_break(const char *text, size_t i)
{
	if (text[i - 1] == '\n')
		return true;
	return i >= 2 && is_space(text[i - 1]) && ends_sentence(text[i - 2]);
}

/* Move i back to the start of a UTF-8 character. */
static size_t char_start(const char *text, size_t i)
{
	while (i > 0 && ((unsigned char)text[i] & 0xc0) == 0x80)
		i--;
	return i;
}

void search_excerpt(struct buf *b, const char *text, size_t len, size_t at, size_t max)
{
	if (at > len)
		at = len;
	size_t start = at, end = at;
	while (start > 0 && at - start < max / 3 && !sentence_break(text, start))
		start--;
	bool cut_start = start > 0 && !sentence_break(text, start);
	if (cut_start) {
		while (start < at && !is_space(text[start]))
			start++; /* at a word */
	}
	while (end < len && end - start < max && !(end > at && sentence_break(text, end)))
		end++;
	bool cut_end = end < len && !sentence_break(text, end);
	if (cut_end) {
		size_t cut = end;
		while (cut > at && !is_space(text[cut]))
			cut--;
		end = cut > at ? cut : char_start(text, end);
	}
	while (start < end && is_space(text[start]))
		start++;
	while (end > start && is_space(text[end - 1]))
		end--;
	if (cut_end && end > start && ends_sentence(text[end - 1]))
		cut_end = false;
	if (cut_start)
		buf_adds(b, "\xe2\x80\xa6");
	bool space = false;
	for (size_t i = start; i < end; i++) {
		if (is_space(text[i])) {
			space = true;
			continue;
		}
		if (space)
			buf_addch(b, ' ');
		space = false;
		buf_addch(b, text[i]);
	}
	if (cut_end)
		buf_adds(b, "\xe2\x80\xa6");
}

/* An action item as a result shows it: its title, then its ticket and owner where the index has them. */
static void item_excerpt(struct buf *b, const struct index *ix, const struct action_item *a)
{
	search_excerpt(b, a->title, strlen(a->title), 0, EXCERPT_BYTES);
	if (ix->shown.tickets && a->ticket)
		buf_addf(b, " \xc2\xb7 %s", a->ticket);
	if (ix->shown.people && a->owner)
		buf_addf(b, " \xc2\xb7 %s", a->owner);
}

/*
 * The excerpt for a card: around the match, else the summary, else the
 * body's start; for a name, the owner, an author or the action item it is
 * in.  Returns the label the result shows it with ("owner", "author",
 * "item"), NULL for text.  The lengths are the document's, measured once: a
 * document has a card for each of its best terms, and measuring a 13 MB body
 * for each took 34 s.
 */
static const char *card_excerpt(struct buf *b, const struct index *ix, const struct posting *p)
{
	const struct postmortem *pm = &ix->c->pms[p->doc];
	const char *summary = pm->summary ? pm->summary : "";
	const char *body = ix->bodies[p->doc] ? ix->bodies[p->doc] : pm->text ? pm->text : "";
	size_t body_len = ix->lens[p->doc][0], summary_len = ix->lens[p->doc][1];
	switch ((enum place)p->place) {
	case P_OWNER: buf_adds(b, pm->owner); return "owner";
	case P_AUTHOR: buf_adds(b, pm->authors[p->at].name); return "author";
	case P_ITEM:
	case P_ITEM_OWNER: item_excerpt(b, ix, &pm->actions[p->at]); return "item";
	case P_TEXT:
		if (p->in_summary)
			search_excerpt(b, summary, summary_len, p->at, EXCERPT_BYTES);
		else
			search_excerpt(b, body, body_len, p->at, EXCERPT_BYTES);
		return NULL;
	case P_NONE: break;
	}
	if (*summary)
		search_excerpt(b, summary, summary_len, 0, SUMMARY_BYTES);
	else
		search_excerpt(b, body, body_len, 0, EXCERPT_BYTES);
	return NULL;
}

/* ---- stage 4: layout ----------------------------------------------------- */

/* A typo key: `term` with its first or second letter deleted. */
struct typo_key {
	char *key;
	size_t term;
	size_t shard;
};

struct layout {
	bool single; /* every part in search/index.js */
	size_t nterm_shards;
	char **first_key; /* of each term shard */
	struct typo_key *typos;
	size_t ntypos;
	size_t ndoc_shards, docs_per_shard;
	char **enc; /* each term's encoded postings */
	/* each shard's first term, typo key and entity (nterm_shards + 1 each) */
	size_t *term_from, *typo_from, *entity_from;
};

static bool ascii_letters(const char *s)
{
	for (; *s; s++)
		if (*s < 'a' || *s > 'z')
			return false;
	return true;
}

static int cmp_typo(const void *va, const void *vb)
{
	const struct typo_key *a = va, *b = vb;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->term > b->term) - (a->term < b->term);
}

static void add_typo(struct layout *lo, size_t *alloc, char *key, size_t term)
{
	ALLOC_GROW(lo->typos, lo->ntypos + 1, *alloc);
	lo->typos[lo->ntypos].key = key;
	lo->typos[lo->ntypos].term = term;
	lo->typos[lo->ntypos++].shard = 0;
}

/*
 * For one-edit matches near the start, where a misspelt word sorts far from
 * the term: each term without its first, second and third letter.  Edits
 * there, and swaps of letters 0-1 and 1-2, meet these keys; any edit further
 * on leaves the first two letters, so the browser finds those terms among
 * the ones that share them.
 */
static void make_typo_keys(struct layout *lo, const struct index *ix)
{
	size_t alloc = 0;
	for (size_t k = 0; k < ix->nterms; k++) {
		const struct iterm *t = &ix->terms[k];
		if (t->len < TYPO_MIN || !ascii_letters(t->s) || t->ticket_only)
			continue;
		for (size_t at = 0; at < 3 && at + 2 < t->len; at++) {
			char *key = xstrdup(t->s);
			memmove(key + at, key + at + 1, t->len - at);
			add_typo(lo, &alloc, key, k);
		}
	}
	sort_array(lo->typos, lo->ntypos, sizeof(*lo->typos), cmp_typo);
}

static size_t record_size(const struct postmortem *pm)
{
	return strlen(pm->id) + strlen(pm->title) + 32;
}

/*
 * Shards are balanced by what they weigh on the wire: about what gzip leaves
 * of them.  Text (titles, excerpts, keys) shrinks to about a third, the
 * postings' 6-bit characters to about three quarters.
 */
static size_t text_weight(size_t bytes)
{
	return bytes * 3 / 10;
}

static size_t term_size(const struct index *ix, const struct iterm *t, const char *enc)
{
	if (t->ticket_only)
		return strlen(enc) * 3 / 4 + t->len / 2 + 1;
	size_t cards = 0;
	for (size_t i = 0; i < t->ncards; i++)
		cards += record_size(&ix->c->pms[t->p[t->cards[i]].doc]) + EXCERPT_BYTES * 3 / 4;
	return strlen(enc) * 3 / 4 + text_weight(t->len + cards + 12);
}

static size_t typo_size(const struct index *ix, const struct typo_key *y)
{
	return text_weight(strlen(y->key) + ix->terms[y->term].len + 6);
}

/*
 * How many files: at most one per PM_PER_FILE postmortems, none smaller than
 * MIN_FILE_BYTES; the manifest and the facets take one each, the rest are
 * shared by term shards and doc shards in proportion to their bytes.
 */
static void plan_files(struct layout *lo, size_t ndocs, size_t term_bytes, size_t doc_bytes)
{
	size_t max_files = ndocs / PM_PER_FILE, total = term_bytes + doc_bytes;
	size_t by_size = total / MIN_FILE_BYTES + 2;
	if (max_files > by_size)
		max_files = by_size;
	lo->single = max_files < 4;
	if (lo->single) {
		lo->nterm_shards = lo->ndoc_shards = 1;
		lo->docs_per_shard = ndocs ? ndocs : 1;
		return;
	}
	size_t shards = max_files - 2;
	lo->ndoc_shards = (size_t)((double)shards * (double)doc_bytes / (double)total + 0.5);
	if (lo->ndoc_shards < 1)
		lo->ndoc_shards = 1;
	if (lo->ndoc_shards > shards - 1)
		lo->ndoc_shards = shards - 1;
	lo->docs_per_shard = (ndocs + lo->ndoc_shards - 1) / lo->ndoc_shards;
	lo->ndoc_shards = (ndocs + lo->docs_per_shard - 1) / lo->docs_per_shard;
	lo->nterm_shards = shards - lo->ndoc_shards;
}

/* The stream (S_TERM, S_TYPO, S_ENTITY) whose next key comes first in key order, or -1 when all are done. */
enum stream { S_TERM, S_TYPO, S_ENTITY, NSTREAMS };

static const char *stream_key(const struct index *ix, const struct layout *lo, int st, size_t i)
{
	if (st == S_TERM)
		return i < ix->nterms ? ix->terms[i].s : NULL;
	if (st == S_TYPO)
		return i < lo->ntypos ? lo->typos[i].key : NULL;
	return i < ix->ents.n ? ix->ents.v[i].key : NULL;
}

static int next_stream(const struct index *ix, const struct layout *lo, const size_t at[NSTREAMS])
{
	int best = -1;
	const char *key = NULL;
	for (int st = 0; st < NSTREAMS; st++) {
		const char *k = stream_key(ix, lo, st, at[st]);
		if (k && (!key || strcmp(k, key) < 0)) {
			best = st;
			key = k;
		}
	}
	return best;
}

static size_t entity_size(const struct search_entity *e)
{
	return text_weight(strlen(e->json));
}

/* Set item i of stream st's shard. */
static void set_shard(struct index *ix, struct layout *lo, int st, size_t i, size_t shard)
{
	if (st == S_TERM)
		ix->terms[i].shard = shard;
	else if (st == S_TYPO)
		lo->typos[i].shard = shard;
	else
		ix->ents.v[i].shard = shard;
}

/*
 * Cut the key space (terms, typo keys and entities, merged in key order)
 * into nterm_shards ranges of about equal weight, never between equal keys.
 */
static void assign_shards(struct layout *lo, struct index *ix, size_t term_bytes)
{
	size_t want = lo->nterm_shards, left = term_bytes,
	       target = term_bytes / (want ? want : 1) + 1;
	size_t shard = 0, bytes = 0, at[NSTREAMS] = {0};
	const char *prev = NULL;
	int st;
	lo->first_key = xcalloc(want, sizeof(char *));
	lo->first_key[0] = xstrdup("");
	while ((st = next_stream(ix, lo, at)) >= 0) {
		const char *key = stream_key(ix, lo, st, at[st]);
		size_t size = st == S_TERM   ? ix->terms[at[st]].size
			      : st == S_TYPO ? typo_size(ix, &lo->typos[at[st]])
					     : entity_size(&ix->ents.v[at[st]]);
		/* cut where the shard comes nearest its share of what is left */
		if (bytes && bytes + size / 2 >= target && shard + 1 < want && strcmp(prev, key)) {
			lo->first_key[++shard] = xstrdup(key);
			target = left / (want - shard) + 1;
			bytes = 0;
		}
		bytes += size;
		left -= size < left ? size : left;
		set_shard(ix, lo, st, at[st]++, shard);
		prev = key;
	}
	lo->nterm_shards = shard + 1;
	/* shards are ranges of the key order: note where each one's terms, typo keys and entities start */
	lo->term_from = xcalloc(lo->nterm_shards + 1, sizeof(size_t));
	lo->typo_from = xcalloc(lo->nterm_shards + 1, sizeof(size_t));
	lo->entity_from = xcalloc(lo->nterm_shards + 1, sizeof(size_t));
	for (size_t sh = 0, k = 0, y = 0, e = 0; sh <= lo->nterm_shards; sh++) {
		while (k < ix->nterms && ix->terms[k].shard < sh)
			k++;
		while (y < lo->ntypos && lo->typos[y].shard < sh)
			y++;
		while (e < ix->ents.n && ix->ents.v[e].shard < sh)
			e++;
		lo->term_from[sh] = k;
		lo->typo_from[sh] = y;
		lo->entity_from[sh] = e;
	}
}

static void index_layout(struct layout *lo, struct index *ix)
{
	size_t term_bytes = 0, doc_bytes = 0;
	lo->enc = xcalloc(ix->nterms ? ix->nterms : 1, sizeof(char *));
	for (size_t k = 0; k < ix->nterms; k++) {
		struct buf b = BUF_INIT;
		encode_postings(&b, &ix->terms[k], ix->ndocs);
		lo->enc[k] = buf_detach(&b, NULL);
		ix->terms[k].size = term_size(ix, &ix->terms[k], lo->enc[k]);
		term_bytes += ix->terms[k].size;
	}
	make_typo_keys(lo, ix);
	for (size_t i = 0; i < lo->ntypos; i++)
		term_bytes += typo_size(ix, &lo->typos[i]);
	for (size_t i = 0; i < ix->ents.n; i++)
		term_bytes += entity_size(&ix->ents.v[i]);
	for (size_t i = 0; i < ix->ndocs; i++) {
		const struct postmortem *pm = &ix->c->pms[i];
		doc_bytes += text_weight(record_size(pm) + (pm->summary ? strlen(pm->summary) : 0));
	}
	plan_files(lo, ix->ndocs, term_bytes, doc_bytes);
	assign_shards(lo, ix, term_bytes);
}

static void layout_release(struct layout *lo, size_t nterms)
{
	for (size_t i = 0; i < lo->nterm_shards; i++)
		free(lo->first_key[i]);
	free(lo->first_key);
	free(lo->term_from);
	free(lo->typo_from);
	free(lo->entity_from);
	for (size_t i = 0; i < lo->ntypos; i++)
		free(lo->typos[i].key);
	free(lo->typos);
	for (size_t i = 0; i < nterms; i++)
		free(lo->enc[i]);
	free(lo->enc);
}

/* ---- stage 4: write ------------------------------------------------------ */

static const char *const statuses[] = {"draft", "in-review", "complete"};

/* A computed field's value (hooks.h): text, or lists and objects of text. */
static void add_json_value(struct buf *b, const struct ynode *n)
{
	if (n->type == YN_SCALAR) {
		search_add_json(b, n->scalar);
		return;
	}
	buf_addch(b, n->type == YN_SEQ ? '[' : '{');
	for (size_t i = 0; i < n->n; i++) {
		if (i)
			buf_addch(b, ',');
		if (n->type == YN_MAP) {
			search_add_json(b, n->keys[i]);
			buf_addch(b, ':');
		}
		add_json_value(b, n->items[i]);
	}
	buf_addch(b, n->type == YN_SEQ ? ']' : '}');
}

/* The computed fields site.yaml's computed.search names that pm has, as an object; false when none. */
static bool add_computed(struct buf *b, const struct postmortem *pm, const struct name_list *want)
{
	size_t had = b->len;
	bool any = false;
	for (size_t i = 0; want && pm->computed && i < pm->computed->n; i++) {
		if (!name_list_has(want, pm->computed->keys[i]))
			continue;
		buf_addch(b, any ? ',' : '{');
		any = true;
		search_add_json(b, pm->computed->keys[i]);
		buf_addch(b, ':');
		add_json_value(b, pm->computed->items[i]);
	}
	if (any)
		buf_addch(b, '}');
	else
		b->len = had;
	return any;
}

/*
 * id, title, date, severity (index), status (index), then the summary when
 * given, then the slug when it is not the id lowercased (always when
 * computed fields follow), then the computed fields that site.yaml's
 * computed.search names, as an object, when the postmortem has any.
 */
static void add_record_fields(struct buf *b, const struct postmortem *pm, const char *summary,
			      const struct name_list *want)
{
	char date[11];
	when_date(&pm->date, date);
	search_add_json(b, pm->id);
	buf_addch(b, ',');
	search_add_json(b, pm->title);
	buf_addf(b, ",\"%s\",%d,%d", date, pm->severity, (int)pm->status);
	if (summary) {
		buf_addch(b, ',');
		search_add_json(b, summary);
	}
	char *lower = xstrdup(pm->id);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	struct buf computed = BUF_INIT;
	bool more = add_computed(&computed, pm, want);
	if (strcmp(lower, pm->slug) || more) {
		buf_addch(b, ',');
		search_add_json(b, pm->slug);
	}
	if (more) {
		buf_addch(b, ',');
		buf_add(b, buf_cstr(&computed), computed.len);
	}
	buf_release(&computed);
	free(lower);
}

/* computed.search of c's site, NULL when it names none. */
static const struct name_list *search_computed(const struct corpus *c)
{
	const struct import_cfg *ic = c->site.import;
	return ic && ic->computed_search.n ? &ic->computed_search : NULL;
}

/* The shard's records and excerpts: each new one gets the next index. */
struct shard_tables {
	struct strmap excerpts;
	struct buf x; /* the "x" array's items */
	size_t nx;
	size_t *rec_of_doc; /* doc -> record index + 1, 0 when none yet */
	size_t *rec_docs;   /* record index -> doc */
	size_t nrec, rec_alloc;
};

/* The card's excerpt's index in the shard's "x": a string, or [label, string] (card_excerpt). */
static size_t shard_excerpt(struct shard_tables *st, const struct index *ix,
			    const struct posting *p)
{
	struct buf e = BUF_INIT, key = BUF_INIT;
	const char *label = card_excerpt(&e, ix, p);
	if (label)
		buf_addf(&key, "%s\x01", label);
	buf_add(&key, e.ptr, e.len);
	size_t i = strmap_get(&st->excerpts, buf_cstr(&key));
	if (i == SIZE_MAX) {
		i = st->nx++;
		strmap_put(&st->excerpts, buf_cstr(&key), i);
		if (i)
			buf_addch(&st->x, ',');
		if (label)
			buf_addf(&st->x, "[\"%s\",", label);
		search_add_json(&st->x, buf_cstr(&e));
		if (label)
			buf_addch(&st->x, ']');
	}
	buf_release(&e);
	buf_release(&key);
	return i;
}

static size_t shard_record(struct shard_tables *st, size_t doc)
{
	if (!st->rec_of_doc[doc]) {
		ALLOC_GROW(st->rec_docs, st->nrec + 1, st->rec_alloc);
		st->rec_docs[st->nrec++] = doc;
		st->rec_of_doc[doc] = st->nrec;
	}
	return st->rec_of_doc[doc] - 1;
}

/*
 * Term shard part: {"t": terms (sorted), "n": their document frequencies,
 * "p": their postings (encode_postings), "c": their cards as varint pairs
 * (record index, excerpt index), best first, "x": excerpts, "r": records
 * [doc, id, title, date, severity, status(, slug(, computed))], "y": typo keys as a flat
 * list key, term, key, term, ... (sorted by key; the term may live in
 * another shard), "e": the entities whose keys are in the shard's range
 * (entity.h), sorted by key, "k": the terms found only in tickets, as one
 * string "term docs term docs ...", docs being the varints of their gaps
 * (each doc - previous - 1, from -1), every posting at level "kl"}.  An excerpt is a string, or [label, string]
 * for a card that shows the owner, an author or an action item.
 */
static void write_term_shard(struct buf *b, const struct index *ix, const struct layout *lo,
			     size_t shard)
{
	struct shard_tables st = {.excerpts = STRMAP_INIT, .x = BUF_INIT};
	struct buf t = BUF_INIT, n = BUF_INIT, p = BUF_INIT, cards = BUF_INIT, tickets = BUF_INIT;
	bool first = true;
	st.rec_of_doc = xcalloc(ix->ndocs ? ix->ndocs : 1, sizeof(size_t));
	for (size_t k = lo->term_from[shard]; k < lo->term_from[shard + 1]; k++) {
		const struct iterm *tm = &ix->terms[k];
		if (tm->ticket_only) { /* terms are words: no space, quote or backslash in them */
			buf_adds(&tickets, tickets.len ? " " : "");
			buf_adds(&tickets, tm->s);
			buf_addch(&tickets, ' ');
			buf_adds(&tickets, lo->enc[k]);
			continue;
		}
		const char *sep = first ? "" : ",";
		first = false;
		buf_adds(&t, sep);
		search_add_json(&t, tm->s);
		buf_adds(&n, sep);
		buf_add_uint(&n, tm->np);
		buf_adds(&p, sep);
		buf_addch(&p, '"');
		buf_adds(&p, lo->enc[k]);
		buf_addch(&p, '"');
		buf_adds(&cards, sep);
		buf_addch(&cards, '"');
		for (size_t i = 0; i < tm->ncards; i++) {
			const struct posting *ps = &tm->p[tm->cards[i]];
			search_add_varint(&cards, shard_record(&st, ps->doc));
			search_add_varint(&cards, shard_excerpt(&st, ix, ps));
		}
		buf_addch(&cards, '"');
	}
	static const char *const keys[] = {"{\"t\":[", "],\"n\":[", "],\"p\":[", "],\"c\":[",
					   "],\"x\":["};
	const struct buf *parts[] = {&t, &n, &p, &cards, &st.x};
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) { /* no printf: these are the shard's bulk */
		buf_adds(b, keys[i]);
		buf_add(b, buf_cstr(parts[i]), parts[i]->len);
	}
	buf_adds(b, "],\"r\":[");
	for (size_t i = 0; i < st.nrec; i++) {
		buf_adds(b, i ? ",[" : "[");
		buf_add_uint(b, st.rec_docs[i]);
		buf_addch(b, ',');
		add_record_fields(b, &ix->c->pms[st.rec_docs[i]], NULL, search_computed(ix->c));
		buf_addch(b, ']');
	}
	buf_adds(b, "],\"y\":[");
	first = true;
	for (size_t i = lo->typo_from[shard]; i < lo->typo_from[shard + 1]; i++) {
		buf_adds(b, first ? "\"" : ",\"");
		first = false;
		buf_adds(b, lo->typos[i].key);
		buf_adds(b, "\",\"");
		buf_adds(b, ix->terms[lo->typos[i].term].s);
		buf_addch(b, '"');
	}
	buf_adds(b, "],\"e\":[");
	for (size_t i = lo->entity_from[shard]; i < lo->entity_from[shard + 1]; i++) {
		if (i > lo->entity_from[shard])
			buf_addch(b, ',');
		buf_adds(b, ix->ents.v[i].json);
	}
	buf_adds(b, "],\"k\":\"");
	buf_add(b, tickets.ptr, tickets.len);
	buf_adds(b, "\"}");
	buf_release(&tickets);
	strmap_release(&st.excerpts);
	buf_release(&st.x);
	free(st.rec_of_doc);
	free(st.rec_docs);
	buf_release(&t);
	buf_release(&n);
	buf_release(&p);
	buf_release(&cards);
}

/* Doc shard part: {"r": [[id, title, date, severity, status, summary(, slug(, computed))], ...]}. */
static void write_doc_shard(struct buf *b, const struct index *ix, size_t from, size_t to)
{
	buf_adds(b, "{\"r\":[");
	for (size_t i = from; i < to; i++) {
		const struct postmortem *pm = &ix->c->pms[i];
		struct buf summary = BUF_INIT;
		if (pm->summary)
			search_excerpt(&summary, pm->summary, strlen(pm->summary), 0,
				       SUMMARY_BYTES);
		buf_adds(b, i > from ? ",[" : "[");
		add_record_fields(b, pm, buf_cstr(&summary), search_computed(ix->c));
		buf_addch(b, ']');
		buf_release(&summary);
	}
	buf_adds(b, "]}");
}

struct writer {
	struct output *out;
	struct buf files;  /* the manifest's "files" members */
	struct buf single; /* the parts of a single-file index */
	bool single_file;
	int ret;
};

/* Write part `name` to its own file, or keep it for search/index.js. */
static void emit_part(struct writer *w, const char *name, struct buf *part)
{
	if (w->single_file) {
		buf_addf(&w->single, ",\"%s\":", name);
		buf_add(&w->single, part->ptr, part->len);
		buf_reset(part);
		return;
	}
	struct buf f = BUF_INIT;
	buf_addf(&f, "aftermath.load({\"%s\":", name);
	buf_add(&f, part->ptr, part->len);
	buf_adds(&f, "});\n");
	char *path = xstrfmt("search/%s.%08llx.js", name,
			     (unsigned long long)(hash_fnv1a(f.ptr, f.len) & 0xffffffffULL));
	if (output_write(w->out, path, f.ptr, f.len) < 0)
		w->ret = -1;
	buf_addf(&w->files, "%s\"%s\":\"%s\"", w->files.len ? "," : "", name, path);
	free(path);
	buf_release(&f);
	buf_reset(part);
}

/*
 * Manifest part: {"v": 2, "n": postmortems, "k": SEARCH_CARDS, "lb", "lr":
 * the level base and ratio, "sev": severity names, "st": status names,
 * "ds": docs per doc shard, "tk": the first key of each term shard (the
 * first is ""), "kl": the level of a ticket table's postings (write_term_shard),
 * "ek": the kinds of entities as [label, folder]
 * (entity.h), "files": part name -> file from the site root, for the
 * parts not in search/index.js}.
 */
static void write_manifest(struct buf *b, const struct index *ix, const struct layout *lo,
			   const struct buf *files)
{
	const struct site *s = &ix->c->site;
	buf_addf(b, "{\"v\":2,\"n\":%zu,\"k\":%d,\"lb\":%g,\"lr\":%g,\"sev\":[", ix->ndocs,
		 SEARCH_CARDS, SEARCH_LEVEL_BASE, SEARCH_LEVEL_RATIO);
	for (size_t i = 0; i < s->nseverities; i++) {
		buf_adds(b, i ? "," : "");
		search_add_json(b, s->severities[i]);
	}
	buf_addf(b, "],\"st\":[\"%s\",\"%s\",\"%s\"],\"ds\":%zu,\"tk\":[", statuses[0], statuses[1],
		 statuses[2], lo->docs_per_shard);
	for (size_t i = 0; i < lo->nterm_shards; i++) {
		buf_adds(b, i ? "," : "");
		search_add_json(b, lo->first_key[i]);
	}
	buf_addf(b, "],\"kl\":%d,\"ek\":", ticket_level());
	search_kinds_write(b, ix->g);
	buf_addf(b, ",\"files\":{%s}}", buf_cstr(files));
}

struct parts_ctx {
	const struct index *ix;
	const struct layout *lo;
	struct buf *parts; /* facets, then term shards, then doc shards */
};

static void write_part(void *vctx, size_t i, int worker)
{
	struct parts_ctx *ctx = vctx;
	const struct layout *lo = ctx->lo;
	(void)worker;
	if (i == 0) {
		search_facets_write(&ctx->parts[0], ctx->ix->c, ctx->ix->g, ctx->ix->shown.people);
	} else if (i <= lo->nterm_shards) {
		write_term_shard(&ctx->parts[i], ctx->ix, lo, i - 1);
	} else {
		size_t from = (i - 1 - lo->nterm_shards) * lo->docs_per_shard,
		       to = from + lo->docs_per_shard;
		write_doc_shard(&ctx->parts[i], ctx->ix, from,
				to < ctx->ix->ndocs ? to : ctx->ix->ndocs);
	}
}

static int write_index(const struct index *ix, const struct layout *lo, struct output *out,
		       int jobs)
{
	struct writer w = {
		.out = out, .files = BUF_INIT, .single = BUF_INIT, .single_file = lo->single};
	size_t nparts = 1 + lo->nterm_shards + lo->ndoc_shards;
	struct parts_ctx ctx = {.ix = ix, .lo = lo, .parts = xcalloc(nparts, sizeof(struct buf))};
	parallel_for(nparts, jobs, write_part, &ctx);
	for (size_t i = 0; i < nparts; i++) {
		char name[32];
		if (i == 0)
			snprintf(name, sizeof(name), "f");
		else if (i <= lo->nterm_shards)
			snprintf(name, sizeof(name), "t%zu", i - 1);
		else
			snprintf(name, sizeof(name), "d%zu", i - 1 - lo->nterm_shards);
		emit_part(&w, name, &ctx.parts[i]);
		buf_release(&ctx.parts[i]);
	}
	free(ctx.parts);
	struct buf f = BUF_INIT;
	buf_adds(&f, "aftermath.load({\"m\":");
	write_manifest(&f, ix, lo, &w.files);
	buf_add(&f, w.single.ptr, w.single.len);
	buf_adds(&f, "});\n");
	if (output_write(out, "search/index.js", f.ptr, f.len) < 0)
		w.ret = -1;
	buf_release(&f);
	buf_release(&w.files);
	buf_release(&w.single);
	return w.ret;
}

static void index_release(struct index *ix)
{
	for (size_t k = 0; k < ix->nterms; k++) {
		free(ix->terms[k].s);
		big_free(ix->terms[k].p, ix->terms[k].alloc * sizeof(*ix->terms[k].p));
	}
	free(ix->terms);
	free(ix->len);
	for (size_t i = 0; ix->bodies && i < ix->ndocs; i++)
		free(ix->bodies[i]);
	free(ix->bodies);
	free(ix->lens);
	search_entities_release(&ix->ents);
}

int search_write(const struct corpus *c, const struct graph *g, const struct render_opts *o,
		 struct output *out)
{
	struct index ix = {.c = c, .g = g, .ndocs = c->npms};
	struct layout lo = {0};
	/* no person is searchable in a public build (publish/profile.h) */
	ix.shown.people = c->allow.owners;
	/* public.strip removed the tickets it names from the model */
	ix.shown.tickets = true;
	search_entities_collect(&ix.ents, c, g, ix.shown.people);
	index_read(&ix, o ? o->jobs : 1);
	index_score(&ix, o ? o->jobs : 1);
	index_layout(&lo, &ix);
	int ret = write_index(&ix, &lo, out, o ? o->jobs : 1);
	layout_release(&lo, ix.nterms);
	index_release(&ix);
	return ret;
}
