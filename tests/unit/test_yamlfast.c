/*
 * Unit tests for yamlfast.c: every text it accepts gives the tree libyaml
 * gives (values, styles, keys and every location), it declines what is
 * outside its subset, and it takes the front matter of the sample content.
 */
#include "base/diag.h"
#include "base/fsutil.h"
#include "harness.h"
#include "yaml/yamlfast.h"
#include "yaml/yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a and b differ, as a path ("action_items[2].owner: line 9 != 10"), or NULL. */
static char *tree_diff(const struct ynode *a, const struct ynode *b, const char *path)
{
	if (!a || !b)
		return a == b ? NULL : xstrfmt("%s: only one tree has it", path);
	if (a->type != b->type)
		return xstrfmt("%s: type %d != %d", path, a->type, b->type);
	if (a->loc.line != b->loc.line || a->loc.col != b->loc.col)
		return xstrfmt("%s: at %d:%d != %d:%d", path, a->loc.line, a->loc.col, b->loc.line,
			       b->loc.col);
	if (a->type == YN_SCALAR) {
		if (strcmp(a->scalar, b->scalar) || a->plain != b->plain)
			return xstrfmt("%s: \"%s\" (plain %d) != \"%s\" (plain %d)", path,
				       a->scalar, a->plain, b->scalar, b->plain);
		return NULL;
	}
	if (a->n != b->n)
		return xstrfmt("%s: %zu items != %zu", path, a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		char *sub;
		if (a->type == YN_MAP) {
			if (strcmp(a->keys[i], b->keys[i]))
				return xstrfmt("%s: key \"%s\" != \"%s\"", path, a->keys[i],
					       b->keys[i]);
			if (a->key_locs[i].line != b->key_locs[i].line ||
			    a->key_locs[i].col != b->key_locs[i].col)
				return xstrfmt("%s.%s: key at %d:%d != %d:%d", path, a->keys[i],
					       a->key_locs[i].line, a->key_locs[i].col,
					       b->key_locs[i].line, b->key_locs[i].col);
			sub = xstrfmt("%s.%s", path, a->keys[i]);
		} else {
			sub = xstrfmt("%s[%zu]", path, i);
		}
		char *d = tree_diff(a->items[i], b->items[i], sub);
		free(sub);
		if (d)
			return d;
	}
	return NULL;
}

/*
 * yaml_fast_parse on text: 0 when it declined; 1 when it accepted and
 * libyaml gives the same tree; -1 (and a message) when they differ.
 */
static int compare(const char *name, const char *text, size_t len)
{
	struct ynode *fast = NULL, *slow = NULL;
	if (yaml_fast_parse(name, text, len, 2, &fast) != 0) {
		CHECK(fast == NULL);
		return 0;
	}
	int r = yaml_parse_libyaml(name, text, len, 2, &slow);
	diag_clear();
	char *d = r < 0 ? xstrdup("libyaml rejects it") : tree_diff(fast, slow, "root");
	ynode_free(fast);
	ynode_free(slow);
	if (d) {
		fprintf(stderr, "%s: yamlfast and libyaml differ: %s\n", name, d);
		free(d);
		return -1;
	}
	return 1;
}

/* Texts in the subset: accepted, with libyaml's tree. */
static const char *const accepted[] = {
	"id: PM-1\ntitle: Checkout down\n",
	"a: 1\nb: two words\nc: 3.5\nd: null\ne: ~\nf: true\n",
	"title: Don't panic, it's fine\n",
	"url: https://example.com/a?b=c#frag\n",
	"s: \"quoted: with # and 'single'\"\nt: 'it''s'\nu: ''\nv: \"\"\n",
	"list: [a, b c, d-e]\nempty: []\nspaced: [ a ,b ]\n",
	"impact:\n  started: 2024-01-01T10:00:00Z\n  customers_affected: 12\n  description: 30% of requests failed\n",
	"factors:\n  - plain one\n  - name: pool\n    category: technical\n  - 'quoted'\n  - [x, y]\n",
	"key:\n- a\n- b\nnext: c\n",
	"outer:\n  inner:\n    deep: 1\n  sibling: 2\ntop: 3\n",
	"items:\n  - title: one\n    tags:\n    - x\n    - y\n    owner: ann\n  - title: two\n",
	"# a comment\na: 1 # trailing\n\n   # indented comment\nb: [x, y] # after a list\nc: 'q' # after quotes\n",
	"name: Zoë Ångström\nlist: [Zoë, Ana]\nafter: 😀 emoji\n",
	"k: value with [brackets] and {braces}, commas\n",
	"a:   spaced value   \nb: x\n",
	"seq:\n    - deep\n    -   more spaced\n",
	"a:\n  # comment between\n  b: 1\n",
	"x: a:b\n",
};

/* Texts outside it: declined (libyaml then decides, and reports what is wrong). */
static const char *const declined[] = {
	"",
	"# only a comment\n",
	"  indented: root\n",
	"- a list\n",
	"a: 1\na: 2\n",	    /* duplicate */
	"a:\tb\n",	    /* tab */
	"a: b\r\n",	    /* CR */
	"a: &x 1\nb: *x\n", /* anchor, alias */
	"a: !!str 1\n",	    /* tag */
	"a: |\n  text\n",   /* block scalar */
	"a: >\n  text\n",
	"a: long\n  continued\n", /* multi-line plain */
	"a: \"multi\n  line\"\n",
	"a: \"esc\\n\"\n", /* escape */
	"a: {b: 1}\n",	   /* flow mapping */
	"a: [b, [c]]\n",   /* nested flow */
	"a: [b,\n c]\n",   /* multi-line flow */
	"a: [b, ]\n",
	"a: [b: c]\n",
	"a:\n", /* empty value */
	"a:\nb: 1\n",
	"a: b: c\n", /* libyaml: an error */
	"title: Don't panic: it's fine\n",
	"n: -5\n", /* an indicator first: declined, though plain */
	"a: b:\n",
	"a:b\n",
	"a : b\n",
	"? complex\n: key\n",
	"a: 1\n---\nb: 2\n",
	"a: 1\n...\n",
	"a: \x01\n",
	"a: \xc2\x85\n",       /* NEL */
	"a: \xe2\x80\xa8\n",   /* line separator */
	"a: \xef\xbb\xbf\n",   /* BOM */
	"a: \xff\n",	       /* not UTF-8 */
	"a: \xc0\xaf\n",       /* overlong */
	"a:\n  b: 1\n c: 2\n", /* bad dedent */
	"a:\n  - x\n  y: 1\n",
	"-a: 1\n",
	"a: -\n",
	"a: 'open\n",
	"a: \"x\" y\n",
	"a: [x] y\n",
	"a: x\n  - y\n",
	"s:\n-\n  x\n",
};

static void test_accepted(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(accepted); i++) {
		char name[32];
		snprintf(name, sizeof(name), "accepted[%zu]", i);
		int r = compare(name, accepted[i], strlen(accepted[i]));
		if (r != 1)
			fprintf(stderr, "%s: %s", name, r == 0 ? "declined\n" : "");
		CHECK_INT(r, 1);
	}
}

static void test_declined(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(declined); i++) {
		struct ynode *n = NULL;
		int r = yaml_fast_parse("declined", declined[i], strlen(declined[i]), 2, &n);
		if (r != 1)
			fprintf(stderr, "declined[%zu] was accepted\n", i);
		CHECK_INT(r, 1);
		CHECK(n == NULL);
		ynode_free(n);
	}
	CHECK_INT((int)diag_count(DIAG_ERROR), 0);
}

/* Each case of deep nesting and size: never accepted beyond what libyaml's path allows. */
static void test_limits(void)
{
	struct buf b = BUF_INIT;
	for (int d = 0; d < YAML_MAX_DEPTH + 5; d++) {
		for (int k = 0; k < d; k++)
			buf_adds(&b, "  ");
		buf_adds(&b, "k:\n");
	}
	for (int k = 0; k < YAML_MAX_DEPTH + 5; k++)
		buf_adds(&b, "  ");
	buf_adds(&b, "leaf: 1\n");
	struct ynode *n = NULL;
	CHECK_INT(yaml_fast_parse("deep", b.ptr, b.len, 2, &n), 1);
	ynode_free(n);
	buf_release(&b);
}

/* The front matter of a Markdown file (between the --- fences), or NULL. */
static char *front_matter(const char *path, size_t *len)
{
	char *text;
	size_t n;
	if (fs_read(path, &text, &n) < 0) {
		diag_clear();
		return NULL;
	}
	char *fm = NULL;
	if (!strncmp(text, "---\n", 4)) {
		char *end = strstr(text + 4, "\n---");
		if (end) {
			*len = (size_t)(end + 1 - (text + 4));
			fm = xstrndup(text + 4, *len);
		}
	}
	free(text);
	return fm;
}

struct walk_tally {
	size_t files, accepted;
	bool differ;
};

static void tally_dir(const char *dir, struct walk_tally *t)
{
	struct fs_entry *e;
	size_t n;
	fs_walk(dir, ".md", &e, &n);
	diag_clear(); /* the fixtures have an unreadable directory and a symlink loop */
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *fm = front_matter(e[i].path, &len);
		if (!fm)
			continue;
		t->files++;
		int r = compare(e[i].path, fm, len);
		t->accepted += r == 1;
		t->differ |= r < 0;
		free(fm);
	}
	fs_entries_free(e, n);
}

/* Every front matter in the sample content and the fixtures: same tree, or declined. */
static void test_content(void)
{
	struct walk_tally sample = {0}, fixtures = {0};
	tally_dir("content/postmortems", &sample);
	tally_dir("tests/fixtures", &fixtures);
	CHECK(!sample.differ);
	CHECK(!fixtures.differ);
	/* the sample postmortems are the block YAML it is for */
	CHECK(sample.files >= 10);
	if (sample.accepted != sample.files)
		fprintf(stderr, "sample content: %zu of %zu front matters taken\n", sample.accepted,
			sample.files);
	CHECK(sample.accepted == sample.files);
	CHECK(fixtures.accepted > 0);
	fprintf(stderr, "yamlfast: took %zu of %zu sample and %zu of %zu fixture front matters\n",
		sample.accepted, sample.files, fixtures.accepted, fixtures.files);
}

/*
 * ynode_pack: the same tree (values and locations) in one arena no bigger than
 * what parsing used; what aliases share stays shared, so a long scalar behind
 * thousands of aliases is packed once (copied for each it would be 400 MB here).
 */
/* Parse text twice, pack one tree and check it against the other; the packed tree, *parsed its parse's bytes. */
static struct ynode *parse_and_pack(const char *file, const char *text, size_t len, int line,
				    size_t *parsed)
{
	struct ynode *tree = NULL, *again = NULL, *packed = NULL;
	CHECK_INT(yaml_parse(file, text, len, line, &tree), 0);
	CHECK_INT(yaml_parse(file, text, len, line, &again), 0);
	if (tree && again) {
		*parsed = arena_used(tree->arena);
		packed = ynode_pack(tree);
		char *diff = tree_diff(again, packed, "");
		CHECK_STR(diff ? diff : "", "");
		free(diff);
	} else {
		ynode_free(tree);
	}
	ynode_free(again);
	return packed;
}

static void test_pack(void)
{
	struct buf doc = BUF_INIT;
	buf_adds(&doc, "a: &x ");
	for (int i = 0; i < 200000; i++)
		buf_addch(&doc, 'a' + i % 26);
	buf_adds(&doc, "\nm: &m {k: v, k2: w}\nb: [");
	for (int i = 0; i < 2000; i++)
		buf_adds(&doc, i ? ", *x" : "*x");
	buf_adds(&doc, "]\nn: [*m, *m, *m]\nfast: [one, 'two']\n");
	size_t parsed = 0;
	struct ynode *packed = parse_and_pack("pack.yaml", buf_cstr(&doc), doc.len, 1, &parsed);
	if (packed) {
		CHECK(arena_used(packed->arena) <= parsed);
		/* the long scalar once, not 2,001 times */
		CHECK(arena_used(packed->arena) < 400000);
		const struct ynode *a = ynode_get(packed, "a"), *b = ynode_get(packed, "b"),
				   *n = ynode_get(packed, "n");
		CHECK(a && b && b->n == 2000 && b->items[1999]->scalar == a->scalar);
		CHECK(n && n->n == 3 && n->items[2]->keys == ynode_get(packed, "m")->keys);
		CHECK_STR(ynode_get(n->items[1], "k2")->scalar, "w");
		ynode_free(packed);
	}
	struct ynode *none = NULL;
	CHECK(ynode_pack(none) == NULL);
	/* the block YAML of front matter (yamlfast's tree) packs to what it used */
	const char *fm =
		"id: PM-1\ntitle: 'It''s down'\nservices: [api, db]\nimpact:\n  started: x\n";
	packed = parse_and_pack("fm.yaml", fm, strlen(fm), 2, &parsed);
	if (packed)
		CHECK_INT(arena_used(packed->arena), parsed);
	ynode_free(packed);
	buf_release(&doc);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_accepted), TEST(test_declined), TEST(test_limits),
		TEST(test_content),  TEST(test_pack),
	};
	return harness_run("yamlfast", cases, ARRAY_SIZE(cases));
}
