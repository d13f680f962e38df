/* util: memory, buffers and small string helpers (see util.h). */
#include "base/util.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void *check_alloc(void *p, size_t n)
{
	if (!p && n)
		die("out of memory (allocating %zu bytes)", n);
	return p;
}

void *xmalloc(size_t n)
{
	return check_alloc(malloc(n ? n : 1), n);
}

void *xcalloc(size_t n, size_t size)
{
	return check_alloc(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *xrealloc(void *p, size_t n)
{
	return check_alloc(realloc(p, n ? n : 1), n);
}

static size_t page_round(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	return (n + page - 1) / page * page;
}

void *big_realloc(void *p, size_t bytes, size_t new_bytes)
{
	bool mapped = bytes >= BIG_ARRAY_BYTES, to_map = new_bytes >= BIG_ARRAY_BYTES;
	void *q;
	if (!mapped && !to_map)
		return xrealloc(p, new_bytes);
	if (mapped && to_map) {
		q = mremap(p, page_round(bytes), page_round(new_bytes), MREMAP_MAYMOVE);
	} else if (to_map) { /* into a mapping of its own */
		q = mmap(NULL, page_round(new_bytes), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q != MAP_FAILED) {
			memcpy(q, p, bytes);
			free(p);
		}
	} else { /* back below the threshold */
		q = xmalloc(new_bytes ? new_bytes : 1);
		memcpy(q, p, new_bytes);
		munmap(p, page_round(bytes));
	}
	if (q == MAP_FAILED)
		die("out of memory (mapping %zu bytes)", new_bytes);
	return q;
}

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size; /* of data */
	_Alignas(8) char data[];
};

struct arena {
	struct arena_chunk *head; /* the chunk being filled; the first is this one's own */
	size_t next_size;
};

static struct arena_chunk *chunk_new(size_t size)
{
	/* blocks are zeroed as they are handed out */
	struct arena_chunk *c = xmalloc(sizeof(*c) + size);
	c->next = NULL;
	c->used = 0;
	c->size = size;
	return c;
}

struct arena *arena_new(size_t size)
{
	size_t own = (sizeof(struct arena) + 7) & ~(size_t)7;
	size = size < 64 ? 64 : size;
	struct arena_chunk *c = chunk_new(own + size);
	struct arena *a = (struct arena *)c->data;
	memset(a, 0, sizeof(*a));
	c->used = own;
	a->head = c;
	a->next_size = size * 2;
	return a;
}

/* n bytes, not cleared */
static void *arena_raw(struct arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	struct arena_chunk *c = a->head;
	if (c->size - c->used < n) {
		size_t size = n > a->next_size ? n : a->next_size;
		c = chunk_new(size);
		c->next = a->head;
		a->head = c;
		a->next_size = size * 2;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	void *p = arena_raw(a, n);
	memset(p, 0, n);
	return p;
}

void *arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_raw(a, n);
	if (n)
		memcpy(q, p, n);
	return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *q = arena_raw(a, n + 1);
	memcpy(q, s, n);
	q[n] = '\0';
	return q;
}

bool arena_single(const struct arena *a)
{
	return !a->head->next;
}

size_t arena_used(const struct arena *a)
{
	size_t n = 0, own = (sizeof(struct arena) + 7) & ~(size_t)7;
	for (const struct arena_chunk *c = a->head; c; c = c->next)
		n += c->used;
	return n - own;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	struct arena_chunk *c = a->head;
	while (c) { /* the first chunk, which holds a, comes last */
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void big_free(void *p, size_t bytes)
{
	if (bytes >= BIG_ARRAY_BYTES)
		munmap(p, page_round(bytes));
	else
		free(p);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrfmt(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

char *xstrcat3(const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
	char *s = xmalloc(na + nb + nc + 1);
	memcpy(s, a, na);
	memcpy(s + na, b, nb);
	memcpy(s + na + nb, c, nc + 1);
	return s;
}

void die(const char *fmt, ...)
{
	va_list ap;
	fputs("aftermath: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(3);
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "aftermath: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void buf_grow_slow(struct buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;
	size_t alloc = b->alloc < 64 ? 64 : b->alloc;
	while (alloc < want)
		alloc *= 2;
	b->ptr = xrealloc(b->ptr, alloc);
	b->alloc = alloc;
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	buf_grow(b, 64);
	int n = vsnprintf(b->ptr + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed for \"%s\"", fmt);
	if ((size_t)n >= b->alloc - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->ptr + b->len, b->alloc - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_add_uint(struct buf *b, uint64_t v)
{
	char d[20];
	size_t n = 0;
	do
		d[sizeof(d) - ++n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	buf_add(b, d + sizeof(d) - n, n);
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

/* The entity of each byte that HTML text escapes (NULL: none). */
static const char *const html_entity[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

/* Where the first byte of s[0..len) with an html_entity is (len: none); 16 bytes a step with SSE2. */
static size_t html_special(const char *s, size_t len)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
		      quot = _mm_set1_epi8('"'), apos = _mm_set1_epi8('\'');
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i hit = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot)),
				     _mm_cmpeq_epi8(v, apos)));
		int mask = _mm_movemask_epi8(hit);
		if (mask)
			return i + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	for (; i < len; i++)
		if (html_entity[(unsigned char)s[i]])
			return i;
	return len;
}

void buf_add_html(struct buf *b, const char *s, size_t len)
{
	size_t start = 0, first = html_special(s, len);
	if (first == len) { /* most text: nothing to escape */
		buf_add(b, s, len);
		return;
	}
	buf_grow(b, len);
	for (size_t i = first; i < len; i++) {
		const char *rep = html_entity[(unsigned char)s[i]];
		if (!rep)
			continue;
		buf_add(b, s + start, i - start);
		buf_adds(b, rep);
		start = i + 1;
	}
	buf_add(b, s + start, len - start);
}

void buf_add_json(struct buf *b, const char *s, size_t len)
{
	size_t start = 0;
	buf_grow(b, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&')
			continue;
		buf_add(b, s + start, i - start);
		switch (c) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		default: buf_addf(b, "\\u%04x", c); break;
		}
		start = i + 1;
	}
	buf_add(b, s + start, len - start);
}

void buf_add_json_str(struct buf *b, const char *s)
{
	if (!s) {
		buf_adds(b, "null");
		return;
	}
	buf_addch(b, '"');
	buf_add_json(b, s, strlen(s));
	buf_addch(b, '"');
}

/* The length of the valid UTF-8 sequence at s (a non-ASCII lead byte), or 0. */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (!n || s[0] > 0xf4)
		return 0;
	for (size_t i = 1; i < n; i++) /* stops at the NUL: never reads past the string */
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return utf8_valid((const char *)s, n) == n ? n : 0; /* overlong forms, surrogates */
}

void buf_add_visible(struct buf *b, const char *s, bool keep_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : utf8_seq(p);
		if (*p == '\n' && keep_newlines)
			buf_addch(b, '\n');
		else if (*p == '\n' || *p == '\r' || *p == '\t')
			buf_addf(b, "\\%c", *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't');
		else if (*p < 0x20 || *p == 0x7f || !n)
			buf_addf(b, "\\x%02x", *p);
		else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
			buf_addf(b, "\\u%04x", p[1]);
		else
			buf_add(b, p, n);
		p += n ? n : 1;
	}
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void buf_release(struct buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->alloc = 0;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->ptr ? b->ptr : xstrdup("");
	if (b->ptr && b->alloc - b->len > 256) /* kept strings: give the growth slack back */
		p = xrealloc(p, b->len + 1);
	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = b->alloc = 0;
	return p;
}

const char *buf_cstr(const struct buf *b)
{
	return b->ptr ? b->ptr : "";
}

void sort_array(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void sort_array_r(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *),
		  void *ctx)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, ctx);
}

int cmp_strptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

size_t utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned int cp;
		if (c < 0x80) {
			i++;
			/* ASCII eight bytes at a time: most text is */
			for (uint64_t v;
			     i + 8 <= len && (memcpy(&v, s + i, 8), !(v & 0x8080808080808080ULL));)
				i += 8;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1, cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2, cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3, cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n >= len)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

uint64_t hash_fnv1a(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}
