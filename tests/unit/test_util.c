/* Unit tests for util.c (UTF-8 validation, the string helpers hot paths use), strmap.c and parallel.c. */
#include "base/parallel.h"
#include "base/strmap.h"
#include "base/util.h"
#include "harness.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* utf8_valid returns the offset of the first bad byte, or the length. */
static void test_utf8_valid(void)
{
	static const struct {
		const char *s;
		size_t want;
	} cases[] = {
		{"", 0},
		{"plain ASCII text, longer than eight bytes", 41},
		{"0123456789abc\xff tail", 13}, /* after the 8-byte ASCII steps */
		/* 2-, 3- and 4-byte characters */
		{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 ok", 17},
		{"abcdefgh\xc3\xa9", 10},	      /* a character ending the text */
		{"ab\xc0\xaf", 2},		      /* overlong */
		{"ab\xe0\x80\xaf", 2},		      /* overlong, 3 bytes */
		{"ab\xed\xa0\x80", 2},		      /* a UTF-16 surrogate */
		{"ab\xf4\x90\x80\x80", 2},	      /* above U+10FFFF */
		{"abc\xe2\x82", 3},		      /* cut short at the end */
		{"abcdefghijklmnop\xe2\x28\xa1", 16}, /* a bad continuation byte */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t got = utf8_valid(cases[i].s, strlen(cases[i].s));
		if (got != cases[i].want)
			fprintf(stderr, "case %zu\n", i);
		CHECK_INT(got, cases[i].want);
	}
}

static void test_xstrcat3(void)
{
	char *s = xstrcat3("postmortems/", "pm-1", "/");
	CHECK_STR(s, "postmortems/pm-1/");
	free(s);
	s = xstrcat3("", "", "");
	CHECK_STR(s, "");
	free(s);
}

static void test_buf_add_uint(void)
{
	static const struct {
		uint64_t v;
		const char *want;
	} cases[] = {{0, "0"},
		     {7, "7"},
		     {10, "10"},
		     {1234567890, "1234567890"},
		     {UINT64_MAX, "18446744073709551615"}};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;
		buf_adds(&b, "n=");
		buf_add_uint(&b, cases[i].v);
		char *want = xstrcat3("n=", cases[i].want, "");
		CHECK_STR(buf_cstr(&b), want);
		free(want);
		buf_release(&b);
	}
}

/*
 * big_realloc: an array grown by doubling from nothing past BIG_ARRAY_BYTES
 * (into a mapping of its own), and back below it, keeps every element.
 */
/*
 * strmap: 5000 keys sharing a long prefix (as include_cached's do), found
 * through either entry point, replaced in place, absent ones not found, and
 * the empty key a key like any other.
 */
static void test_strmap(void)
{
	struct strmap m = STRMAP_INIT;
	CHECK_INT(strmap_get(&m, "x"), SIZE_MAX);
	char key[64];
	for (size_t i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "partials/pm-item\nPM-2024-%05zu\n../../", i);
		if (i % 2)
			strmap_put(&m, key, i);
		else
			strmap_put_hashed(&m, key, hash_fnv1a(key, strlen(key)), i);
	}
	strmap_put(&m, "", 7);
	CHECK_INT(m.n, 5001);
	bool all = true;
	for (size_t i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "partials/pm-item\nPM-2024-%05zu\n../../", i);
		all &= strmap_get(&m, key) == i &&
		       strmap_get_hashed(&m, key, hash_fnv1a(key, strlen(key))) == i;
	}
	CHECK(all);
	strmap_put(&m, "partials/pm-item\nPM-2024-00042\n../../", 99);
	CHECK_INT(m.n, 5001);
	CHECK_INT(strmap_get(&m, "partials/pm-item\nPM-2024-00042\n../../"), 99);
	CHECK_INT(strmap_get(&m, "partials/pm-item\nPM-2024-05000\n../../"), SIZE_MAX);
	CHECK_INT(strmap_get(&m, "partials/pm-item\nPM-2024-00042\n../"), SIZE_MAX);
	CHECK_INT(strmap_get(&m, ""), 7);
	strmap_release(&m);
	CHECK_INT(strmap_get(&m, ""), SIZE_MAX);
}

static void test_arena(void)
{
	struct arena *a = arena_new(100);
	char *first = arena_alloc(a, 3), *second = arena_alloc(a, 1);
	CHECK((uintptr_t)first % 8 == 0 && (uintptr_t)second % 8 == 0);
	CHECK_INT(second - first, 8); /* 3 bytes take 8 */
	CHECK_INT(arena_used(a), 16);
	CHECK(arena_single(a));
	bool zero = true, aligned = true, kept = true;
	char *blocks[200];
	for (size_t i = 0; i < 200; i++) { /* well past the first chunk */
		blocks[i] = arena_alloc(a, i + 1);
		aligned &= (uintptr_t)blocks[i] % 8 == 0;
		for (size_t k = 0; k <= i; k++)
			zero &= blocks[i][k] == 0;
		memset(blocks[i], (int)(i % 251) + 1, i + 1);
	}
	for (size_t i = 0; i < 200; i++)
		for (size_t k = 0; k <= i; k++)
			kept &= blocks[i][k] == (char)((int)(i % 251) + 1);
	CHECK(zero && aligned && kept);
	CHECK(!arena_single(a));
	size_t used = arena_used(a);
	char *big = arena_alloc(a, 1 << 20); /* bigger than any chunk so far */
	CHECK_INT(arena_used(a), used + (1 << 20));
	big[(1 << 20) - 1] = 'x';
	CHECK_STR(arena_strndup(a, "severity: SEV1", 8), "severity");
	CHECK_STR(arena_memdup(a, "abc", 4), "abc");
	arena_free(a);
	arena_free(NULL);
	a = arena_new(64); /* exactly 64 bytes of blocks fit in the first chunk */
	arena_alloc(a, 60);
	arena_alloc(a, 1);
	CHECK(!arena_single(a));
	arena_free(a);
	a = arena_new(64);
	arena_alloc(a, 56);
	arena_alloc(a, 8);
	CHECK(arena_single(a));
	arena_free(a);
}

struct split_run {
	size_t split, n;
	atomic_int *runs;      /* by item: how many times it ran */
	int *worker;	       /* by item: who ran it */
	atomic_size_t started; /* items begun so far, of the second kind */
	size_t *second_before; /* by item: second-kind items begun before it */
	size_t *order;	       /* by start: the item */
	atomic_size_t nstarted;
};

static void split_item(void *ctx, size_t i, int worker)
{
	struct split_run *s = ctx;
	s->order[atomic_fetch_add(&s->nstarted, 1)] = i;
	s->second_before[i] = atomic_load(&s->started);
	if (i >= s->split)
		atomic_fetch_add(&s->started, 1);
	atomic_fetch_add(&s->runs[i], 1);
	s->worker[i] = worker;
}

/* parallel_for_split runs every item once; worker 0 owns the first kind, the others take it only when theirs ran out. */
static void test_parallel_split(void)
{
	static const struct {
		size_t split, n;
		int jobs;
	} cases[] = {{0, 100, 2},   {5, 1000, 2}, {500, 1000, 3}, {1000, 1000, 2},
		     {2000, 10, 4}, {3, 0, 2},	  {7, 20, 1}};
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		size_t n = cases[c].n, split = cases[c].split < n ? cases[c].split : n;
		struct split_run s = {.split = split, .n = n};
		s.runs = xcalloc(n + 1, sizeof(*s.runs));
		s.worker = xcalloc(n + 1, sizeof(*s.worker));
		s.second_before = xcalloc(n + 1, sizeof(*s.second_before));
		s.order = xcalloc(n + 1, sizeof(*s.order));
		parallel_for_split(cases[c].split, n, cases[c].jobs, split_item, &s);
		bool once = true, workers = true, owned = true, in_order = true;
		for (size_t i = 0; i < n; i++) {
			once &= atomic_load(&s.runs[i]) == 1;
			workers &= s.worker[i] >= 0 && s.worker[i] < cases[c].jobs;
			/* a first-kind item elsewhere: every second-kind item had been taken (and all but
			 * those other workers had just taken had begun) */
			if (i < split && s.worker[i] != 0)
				owned &=
					s.second_before[i] + (size_t)cases[c].jobs - 2 >= n - split;
			if (cases[c].jobs == 1)
				in_order &= s.order[i] == i;
		}
		CHECK(once);
		CHECK(workers);
		CHECK(owned);
		CHECK(in_order);
		CHECK_INT(atomic_load(&s.nstarted), n);
		free(s.runs);
		free(s.worker);
		free(s.second_before);
		free(s.order);
	}
}

static void test_big_realloc(void)
{
	uint32_t *v = NULL;
	size_t alloc = 0, n = 0, want = 3 * BIG_ARRAY_BYTES / sizeof(*v) + 5;
	for (; n < want; n++) {
		if (n == alloc) {
			size_t grown = alloc < 8 ? 8 : alloc * 2;
			v = big_realloc(v, alloc * sizeof(*v), grown * sizeof(*v));
			alloc = grown;
		}
		v[n] = (uint32_t)(n * 2654435761u);
	}
	CHECK(alloc * sizeof(*v) >= BIG_ARRAY_BYTES);
	bool same = true;
	for (size_t i = 0; i < n; i++)
		same &= v[i] == (uint32_t)(i * 2654435761u);
	CHECK(same);
	size_t small = 100;
	v = big_realloc(v, alloc * sizeof(*v), small * sizeof(*v)); /* back on the heap */
	for (size_t i = 0; i < small; i++)
		same &= v[i] == (uint32_t)(i * 2654435761u);
	CHECK(same);
	big_free(v, small * sizeof(*v));
}

static void test_buf_add_visible(void)
{
	struct buf b = BUF_INIT;
	buf_add_visible(&b, "a\x1b[31mb\x07\x7f\xc2\x9b\xc2\xa0\xff\xe2\x82 é\tx\ry\nz", false);
	CHECK_STR(buf_cstr(&b),
		  "a\\x1b[31mb\\x07\\x7f\\u009b\xc2\xa0\\xff\\xe2\\x82 é\\tx\\ry\\nz");
	buf_reset(&b);
	buf_add_visible(&b, "line 1\nline\x1b 2\n", true);
	CHECK_STR(buf_cstr(&b), "line 1\nline\\x1b 2\n");
	buf_release(&b);
}

/* What HTML text escaping must make of byte c: its entity, or the byte itself. */
static const char *html_of(int c, char one[2])
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default:
		one[0] = (char)c;
		one[1] = '\0';
		return one;
	}
}

/*
 * Escaping bug class: a character a page shows raw that starts markup or
 * ends an attribute.  Every byte value, at every place of a 40-byte text
 * (the first 16-byte blocks, which are scanned 16 at a time, and the tail
 * scanned byte by byte), is escaped exactly when it is one of & < > " '.
 */
static void test_html_escaping_every_byte_every_place(void)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	int bad = 0;
	for (int c = 1; c < 256; c++) {
		for (size_t at = 0; at < 40; at++) {
			char text[41], one[2];
			memset(text, 'a', 40);
			text[40] = '\0';
			text[at] = (char)c;
			buf_reset(&b);
			buf_add_html(&b, text, 40);
			buf_reset(&want);
			buf_add(&want, text, at);
			buf_adds(&want, html_of(c, one));
			buf_add(&want, text + at + 1, 39 - at);
			if (strcmp(buf_cstr(&b), buf_cstr(&want)) != 0 && bad++ < 5)
				CHECK_STR(buf_cstr(&b), buf_cstr(&want));
		}
	}
	CHECK_INT(bad, 0);
	buf_reset(&b); /* two in a row, and text after the last one */
	buf_add_html(&b, "<<&>'\"x", 7);
	CHECK_STR(buf_cstr(&b), "&lt;&lt;&amp;&gt;&#39;&quot;x");
	buf_reset(&b); /* appends to what the buffer holds */
	buf_adds(&b, "<p>");
	buf_add_html(&b, "a<b", 3);
	CHECK_STR(buf_cstr(&b), "<p>a&lt;b");
	buf_release(&b);
	buf_release(&want);
}

/*
 * Escaping bug class: JSON a browser's JSON.parse refuses, or a string
 * that ends a <script> block.  Control characters become \n \r \t or
 * \u00XX (a raw one makes the whole file invalid JSON), " and \ are
 * escaped, < > & are \u003c \u003e \u0026 (JSON inside HTML), and
 * everything else -- space, DEL, UTF-8 -- is kept as it is.
 */
static void test_json_escaping_every_byte(void)
{
	struct buf b = BUF_INIT;
	int bad = 0;
	for (int c = 1; c < 256; c++) {
		char text[3] = {'x', (char)c, 'y'}, want[16];
		switch (c) {
		case '"': strcpy(want, "x\\\"y"); break;
		case '\\': strcpy(want, "x\\\\y"); break;
		case '\n': strcpy(want, "x\\ny"); break;
		case '\r': strcpy(want, "x\\ry"); break;
		case '\t': strcpy(want, "x\\ty"); break;
		default:
			if (c < 0x20 || c == '<' || c == '>' || c == '&')
				snprintf(want, sizeof(want), "x\\u%04xy", c);
			else
				memcpy(want, text, 3), want[3] = '\0';
		}
		buf_reset(&b);
		buf_add_json(&b, text, 3);
		if (strcmp(buf_cstr(&b), want) != 0 && bad++ < 5)
			CHECK_STR(buf_cstr(&b), want);
	}
	CHECK_INT(bad, 0);
	buf_reset(&b);
	buf_add_json(&b, "</script>\x01\x1f \x7f", 13);
	CHECK_STR(buf_cstr(&b), "\\u003c/script\\u003e\\u0001\\u001f \x7f");
	buf_release(&b);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_utf8_valid),
		TEST(test_xstrcat3),
		TEST(test_buf_add_uint),
		TEST(test_arena),
		TEST(test_parallel_split),
		TEST(test_big_realloc),
		TEST(test_strmap),
		TEST(test_buf_add_visible),
		TEST(test_html_escaping_every_byte_every_place),
		TEST(test_json_escaping_every_byte),
	};
	return harness_run("util", cases, ARRAY_SIZE(cases));
}
