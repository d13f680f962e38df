/*
 * mdparse: one Markdown document's parse, as the modules of the Markdown
 * parser share it (markdown.c drives it and walks the tree; mdalloc.c is
 * cmark's memory; wikilink.c finds [[ID]] links and resolves them;
 * taskitems.c reads action items from the body).  Only those files include
 * it: the load stage's face is markdown.h.
 */
#ifndef AFTERMATH_MDPARSE_H
#define AFTERMATH_MDPARSE_H

#include "base/strmap.h"
#include "load/markdown.h"

#include <cmark-gfm.h>

/* Longest wiki-link id, and how far past "[[" we look for its "]]". */
#define WIKILINK_MAX  100
#define WIKILINK_SCAN 256

/* ---- cmark's memory (mdalloc.c) ------------------------------------------- */

/*
 * cmark-gfm allocates every node, chunk and buffer of a document on its own
 * and frees them one by one.  A document's parse takes its memory from one
 * growing block instead (a bump allocator; free does nothing, realloc grows
 * the last block in place when it can) and all of it goes at once when the
 * document is done.  cmark's allocator takes no context, so the document
 * being parsed on this thread is found in a thread-local pointer.  The
 * nodes this module adds are made in the same memory (cmark links only
 * nodes of one allocator), so the tree, the parser and all they hold go
 * with the block, without walking the tree to free each node.  The HTML is
 * rendered into malloc's memory: it outlives the document's.  (A long
 * document is parsed with malloc: see BUMP_MAX.)
 */
struct bump_chunk {
	struct bump_chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct bump {
	struct bump_chunk *head;
	void *last; /* the latest block, which realloc may grow in place */
};

/*
 * A longer document is parsed in malloc's memory: what cmark frees while it
 * parses (a block's text once its inlines are read, a buffer that grew) would
 * stay in the block until the end, about a third more memory at 14 MB.
 */
#define BUMP_MAX (1u << 20)

/* cmark's allocator over the document bump_use() named on this thread. */
extern cmark_mem bump_mem;
/* The document this thread parses (NULL: none): bump_mem allocates from it. */
void bump_use(struct bump *b);
/* Free every block of b at once. */
void bump_release(struct bump *b);

/* ---- one document ------------------------------------------------------------ */

struct heading {
	cmark_node *node;
	size_t start, end; /* its plain text: m->text.ptr[start..end) */
	bool replaced;	   /* node is out of the tree (heading_replace) */
};

/* One call's state. */
struct md {
	const char *file;
	int line0; /* the file's line number of body line 1, minus 1 */
	const struct md_opts *opts;
	const char *src; /* the source as parsed (after internal blocks are dropped) */
	size_t srclen;
	struct buf srcbuf; /* owns src when it is not the body itself */
	bool entities;	   /* src has "&#": a numeric entity may spell a wiki-link mark */
	size_t *lines;	   /* offsets of line starts in src, built on demand */
	size_t nlines;
	cmark_node *doc;
	struct buf text; /* the body as plain text */
	struct heading *heads;
	size_t nheads, heads_alloc;
	size_t raw_tags;    /* '<' in the raw HTML kept so far (too_much_html) */
	cmark_node **drops; /* raw HTML and links with unsafe URLs, in document order */
	size_t ndrops, drops_alloc;
	cmark_node **texts; /* text nodes outside links that contain "[[" */
	size_t ntexts, texts_alloc;
	struct toc_entry *toc;
	size_t ntoc, toc_alloc;
	struct wikilink *links;
	size_t nlinks, links_alloc;
	struct strmap ids; /* heading ids used so far */
	char **stripped;   /* values cut from task items' annotations (md_opts.strip_keys) */
	size_t nstripped, stripped_alloc;
	struct bump mem; /* cmark's memory for this document (bump_now while it is parsed) */
	cmark_mem *cmem; /* &bump_mem, or malloc's for a long document (BUMP_MAX) */
	int ret;
};

/* Line `line` (1-based) of the source as [*s, *e); false past the end. */
bool source_line(struct md *m, int line, const char **s, const char **e);
/* cmark's byte column `col` of body line `line` as diagnostics count columns: in characters (diag.h). */
int char_col(struct md *m, int line, int col);
/* Where node n starts, in the file. */
struct loc node_loc(struct md *m, cmark_node *n);

static inline bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- wiki-links (wikilink.c) ----------------------------------------------------- */

struct wikimatch {
	const char *open; /* the "[[" */
	const char *id;	  /* trimmed id, not NUL-terminated */
	size_t idlen;
	const char *end; /* just past the "]]" */
};

/* The first [[ID]] in s into *w; false when there is none. */
bool find_wikilink(const char *s, struct wikimatch *w);
/* Every [[ID]] of the text nodes the walk noted, made links (m->links). */
void wikilinks(struct md *m);

/* ---- action items (taskitems.c) ------------------------------------------------------ */

/* The action items of the body's "Action items" section into pm (task lists and tables). */
void body_actions(struct md *m, struct postmortem *pm);
/* public.strip's keys cut from task items' annotations (md_opts.strip_keys), the values kept in m->stripped. */
void strip_tasks(struct md *m);

#endif
