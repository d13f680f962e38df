/*
 * util: memory, growable buffers and arrays that every module shares.
 *
 * Out of memory ends the program inside x*alloc with a message; callers never
 * check for NULL.  A broken invariant is BUG(), which names file and line.
 */
#ifndef AFTERMATH_UTIL_H
#define AFTERMATH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ATTR_NORETURN	  __attribute__((noreturn))
#else
#define ATTR_PRINTF(f, a)
#define ATTR_NORETURN
#endif

#define ARRAY_SIZE(a)	     (sizeof(a) / sizeof((a)[0]))
/* The word for n of something: plural(1, "entry", "entries") is "entry", plural(0, ...) "entries". */
#define plural(n, one, many) ((n) == 1 ? (one) : (many))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; the caller frees it. */
char *xstrfmt(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* a, b and c joined (no format to parse: for the paths and URLs of every page); caller frees. */
char *xstrcat3(const char *a, const char *b, const char *c);

/* Print "fatal: MSG" and exit with status 3 (I/O or internal error). */
void die(const char *fmt, ...) ATTR_PRINTF(1, 2) ATTR_NORETURN;
void bug_fl(const char *file, int line, const char *fmt, ...) ATTR_PRINTF(3, 4) ATTR_NORETURN;
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)

/*
 * Grow array `x` (with `alloc` slots) so that it can hold `nr` elements.
 * Usage: ALLOC_GROW(v, n + 1, alloc); v[n++] = item;
 */
#define ALLOC_GROW(x, nr, alloc)                                         \
	do {                                                             \
		if ((size_t)(nr) > (alloc)) {                            \
			size_t alloc_new_ = (alloc) < 8 ? 8 : (alloc)*2; \
			if (alloc_new_ < (size_t)(nr))                   \
				alloc_new_ = (size_t)(nr);               \
			(x) = xrealloc((x), alloc_new_ * sizeof(*(x)));  \
			(alloc) = alloc_new_;                            \
		}                                                        \
	} while (0)

/*
 * Arrays that grow large (a search term's postings): below BIG_ARRAY_BYTES
 * an ordinary realloc; from there on the array has a mapping of its own,
 * grown with mremap, which moves page-table entries instead of copying.  Such
 * a mapping gets no huge pages (the heap has them, see main.c): a huge page
 * is cleared whole and may make the kernel compact memory first, which made
 * merging a 10k index's postings (growing by doubling) take 0.06-0.15 s
 * instead of 0.05.  `bytes` is the array's size now (0 for NULL); returns it
 * resized to new_bytes.  Free it with big_free and its size.
 */
#define BIG_ARRAY_BYTES (64 * 1024)
void *big_realloc(void *p, size_t bytes, size_t new_bytes);
void big_free(void *p, size_t bytes);

/*
 * struct arena: many small blocks freed all at once (a YAML tree's nodes and
 * strings: one malloc per few kilobytes instead of one per node, and one free
 * for the lot).  The arena lives in its first chunk; blocks are 8-aligned
 * and zeroed (a block's size counts rounded up to 8).  arena_new(size): the
 * first chunk holds `size` bytes of blocks; the next ones twice as much as
 * the one before (or the block that did not fit).
 */
struct arena;
struct arena *arena_new(size_t size);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
/* Whether everything allocated so far fits in the first chunk. */
bool arena_single(const struct arena *a);
/* The bytes allocated so far (as blocks count: rounded up to 8). */
size_t arena_used(const struct arena *a);
void arena_free(struct arena *a);

/*
 * struct buf: a growable, always NUL-terminated byte string.
 * BUF_INIT is an empty buffer that owns nothing; buf_release frees and resets;
 * buf_detach hands the bytes to the caller (who frees them) and resets.
 */
struct buf {
	char *ptr;
	size_t len;
	size_t alloc;
};
#define BUF_INIT           \
	{                  \
		NULL, 0, 0 \
	}

/* Room for extra more bytes and the NUL (buf_grow_slow reallocates; the check is inline: the
 * writers of templates and the search index call these millions of times). */
void buf_grow_slow(struct buf *b, size_t extra);
static inline void buf_grow(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->alloc)
		buf_grow_slow(b, extra);
}

static inline void buf_add(struct buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

static inline void buf_addch(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->ptr[b->len++] = (char)c;
	b->ptr[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s);
/* v in decimal (no format string to parse: for the index writer's many numbers). */
void buf_add_uint(struct buf *b, uint64_t v);
void buf_addf(struct buf *b, const char *fmt, ...) ATTR_PRINTF(2, 3);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Appends s with &, <, >, " and ' replaced by entities. */
void buf_add_html(struct buf *b, const char *s, size_t len);
/* Appends s as the inside of a JSON string (no quotes), escaping as JSON needs. */
void buf_add_json(struct buf *b, const char *s, size_t len);
/* s as a JSON string, quotes included; null for NULL. */
void buf_add_json_str(struct buf *b, const char *s);
/*
 * Appends s as it may reach a terminal: C0 controls, DEL and bytes that are
 * not UTF-8 as \xNN (\n, \r, \t as such; newlines kept with
 * keep_newlines), C1 controls (U+0080-U+009F) as \u00NN, so a title with
 * ESC[2J or a newline cannot redraw the screen or forge a diagnostic line.
 */
void buf_add_visible(struct buf *b, const char *s, bool keep_newlines);
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
char *buf_detach(struct buf *b, size_t *len);
/* Returns the buffer's text; "" for a buffer that never grew. Valid until changed. */
const char *buf_cstr(const struct buf *b);

/* qsort that accepts an empty (even NULL) array. */
void sort_array(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void sort_array_r(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *),
		  void *ctx);

/* strcmp for qsort over arrays of char *. */
int cmp_strptr(const void *a, const void *b);
bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);

/*
 * utf8_valid returns the byte offset of the first invalid sequence in
 * s[0..len), or len when the whole of it is valid UTF-8.
 */
size_t utf8_valid(const char *s, size_t len);

/* 64-bit FNV-1a over bytes; used for content hashes in file names. */
uint64_t hash_fnv1a(const void *data, size_t len);

#endif
