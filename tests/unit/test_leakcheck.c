/*
 * Unit tests for leakcheck.c: an output tree with planted leaks, in every
 * encoding the site writes (raw, HTML references, JSON and JavaScript
 * escapes, CSV quotes, text split by tags), must give exactly the expected
 * diagnostics; near misses (longer ids, short titles in prose, a title a
 * published incident shares) must give none.
 */
#include "fsutil.h"
#include "harness.h"
#include "leakcheck.h"
#include "slug.h"

#include <stdlib.h>
#include <unistd.h>

static char *dir;

static char *in_dir(const char *rel)
{
	return path_join(dir, rel);
}

static void write_file(const char *rel, const char *text, size_t len)
{
	char *p = in_dir(rel);
	fs_write(p, text, len);
	free(p);
}

static void write_text(const char *rel, const char *text)
{
	write_file(rel, text, strlen(text));
}

static const char site_yaml[] = "title: Status history\n"
				"public:\n"
				"  redact:\n"
				"    - pattern: '\\b10\\.\\d+\\.\\d+\\.\\d+\\b'\n"
				"      replace: '[internal address]'\n"
				"  deny: [Project \"Nightjar\", zork]\n";

static const char kept_md[] = "---\n"
			      "id: PM-2\n"
			      "title: Checkout slow after deploy\n"
			      "date: 2024-01-01\n"
			      "---\n"
			      "Like PM-1 before it, this one hit 10.1.2.3 hard.\n"
			      "<!-- internal -->\n"
			      "PM-1 and 10.1.2.3 in here are never published.\n"
			      "<!-- /internal -->\n"
			      "Again 10.1.2.3.\n";

static void hide(struct corpus *c, const char *id, const char *title, const char *rel, int line)
{
	c->hidden = xrealloc(c->hidden, (c->nhidden + 1) * sizeof(*c->hidden));
	c->hidden[c->nhidden++] = (struct hidden){xstrdup(id), xstrdup(title), in_dir(rel), line};
}

/* A corpus: PM-2 published; PM-1, PM-3, PM-4 left out. */
static void corpus_new(struct corpus *c)
{
	char tmpl[] = "/tmp/test-leakcheck-XXXXXX";
	free(dir);
	dir = xstrdup(mkdtemp(tmpl));
	write_text("site.yaml", site_yaml);
	write_text("postmortems/pm-2.md", kept_md);
	write_text("postmortems/pm-1.md", "---\nid: PM-1\ntitle: Tom & Jerry's database outage\n---\n");
	write_text("postmortems/pm-3.md", "---\nid: PM-3\ntitle: Outage\n---\n");
	write_text("postmortems/pm-4.md", "---\nid: PM-4\ntitle: Checkout slow after deploy\n---\n");
	memset(c, 0, sizeof(*c));
	c->dir = xstrdup(dir);
	c->profile = PROFILE_PUBLIC;
	site_init(&c->site);
	CHECK(site_load(&c->site, dir) == 0);
	c->pms = xcalloc(1, sizeof(*c->pms));
	c->npms = 1;
	c->pms[0].path = in_dir("postmortems/pm-2.md");
	c->pms[0].id = xstrdup("PM-2");
	c->pms[0].slug = slugify("PM-2");
	c->pms[0].title = xstrdup("Checkout slow after deploy");
	hide(c, "PM-1", "Tom & Jerry's database outage", "postmortems/pm-1.md", 2);
	hide(c, "PM-3", "Outage", "postmortems/pm-3.md", 2);
	hide(c, "PM-4", "Checkout slow after deploy", "postmortems/pm-4.md", 2);
}

static void done(struct corpus *c)
{
	corpus_release(c);
	fs_remove_tree(dir);
	diag_clear();
}

/* s with every "DIR/" cut out. */
static char *cut_dir(const char *s)
{
	struct buf b = BUF_INIT;
	char *prefix = xstrfmt("%s/", dir);
	const char *p = s, *q;
	while ((q = strstr(p, prefix)) != NULL) {
		buf_add(&b, p, (size_t)(q - p));
		p = q + strlen(prefix);
	}
	buf_adds(&b, p);
	free(prefix);
	return buf_detach(&b, NULL);
}

/* All diagnostics, one per line, with the temporary directory cut out. */
static char *diags(void)
{
	size_t n;
	const struct diag *d = diag_list(&n);
	static const char *const level[] = {"note", "warning", "error"};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (*d[i].file)
			buf_addf(&b, "%s:%d:%d: ", d[i].file, d[i].line, d[i].col);
		buf_addf(&b, "%s: %s\n", level[d[i].level], d[i].msg);
	}
	diag_clear();
	char *raw = buf_detach(&b, NULL), *out = cut_dir(raw);
	free(raw);
	return out;
}

static void test_clean_tree(void)
{
	struct corpus c;
	corpus_new(&c);
	write_text("out/index.html", "<h1>Status history</h1><p>PM-10, XPM-1, PM-1-b and pm-1x are other ids. "
				     "An Outage. Checkout slow after deploy. 10.1.2 is a version.</p>\n");
	write_text("out/api/postmortems.json", "[{\"id\": \"PM-2\", \"title\": \"Checkout slow after deploy\"}]\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, "public", 2), 0);
	char *d = diags();
	CHECK_STR(d, "");
	free(d);
	free(out);
	done(&c);
}

static void test_ids_and_titles_in_every_encoding(void)
{
	struct corpus c;
	corpus_new(&c);
	write_text("out/a/index.html", "<ul>\n<li><a href=\"../postmortems/pm-1/\">see (PM-1).</a></li>\n</ul>\n");
	write_text("out/b/index.html", "<p>\nTom &amp; Jerry&#39;s database\n   outage</p>\n");
	write_text("out/c/index.html", "<p>Tom &#x26; <mark>Jerry</mark>'s <em>database</em> outage</p>\n");
	write_text("out/search/shard-1.js", "x={\"t\":\"TOM \\u0026 JERRY\\u0027S DATABASE OUTAGE\"}\n");
	write_text("out/d/index.html", "<p>\n\nTom &amp; Jerry's database outage</p>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, "public", 1), -1);
	char *d = diags();
	CHECK_STR(d, "error: the public build leaks 2 internal strings: the previous output is left as it was\n"
		     "postmortems/pm-1.md:2:5: error: PM-1 is not published (the public profile keeps public, complete "
		     "postmortems) but its id is in the output: public/a/index.html:2\n"
		     "postmortems/pm-1.md:3:8: error: PM-1 is not published but its title \"Tom & Jerry's database "
		     "outage\" is in the output: public/b/index.html:2, public/c/index.html:1, public/d/index.html:3 "
		     "(and 1 more file)\n"
		     "postmortems/pm-2.md:6:6: note: mentions PM-1, which is not published\n");
	free(d);
	free(out);
	done(&c);
}

static void test_deny_and_patterns(void)
{
	struct corpus c;
	corpus_new(&c);
	write_text("out/api/actions.csv", "id,title\nPM-2,\"Ship project \"\"NIGHTJAR\"\" soon\"\n");
	write_text("out/feed.xml", "<entry><title>Hosts 10.1.2.3 and 10.9.9.9</title><summary>xxzorkxx</summary></entry>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 2), -1);
	char *d = diags();
	CHECK_STR(d, "error: the public build leaks 4 internal strings: the previous output is left as it was\n"
		     "postmortems/pm-2.md:6:35: error: redact pattern 1 ('\\b10\\.\\d+\\.\\d+\\.\\d+\\b') still matches "
		     "\"10.1.2.3\" in the output: feed.xml:1\n"
		     "postmortems/pm-2.md:10:7: note: \"10.1.2.3\" is here too\n"
		     "site.yaml:4:16: error: redact pattern 1 ('\\b10\\.\\d+\\.\\d+\\.\\d+\\b') still matches \"10.9.9.9\" "
		     "in the output: feed.xml:1\n"
		     "site.yaml:4:16: note: no published source has it: it comes from the theme, static/ or a hook\n"
		     "site.yaml:6:10: error: \"Project \"Nightjar\"\" (public.deny) is in the output: api/actions.csv:2\n"
		     "site.yaml:6:10: note: no published source has it: it comes from the theme, static/ or a hook\n"
		     "site.yaml:6:30: error: \"zork\" (public.deny) is in the output: feed.xml:1\n"
		     "site.yaml:6:30: note: no published source has it: it comes from the theme, static/ or a hook\n");
	free(d);
	free(out);
	done(&c);
}

static void test_binary_files_and_many_files(void)
{
	struct corpus c;
	corpus_new(&c);
	static const char png[] = "\x89PNG\r\n\x1a\n\xff\xfe 10.1.2.3 pm-1 \xff";
	write_file("out/static/logo.png", png, sizeof(png) - 1);
	for (int i = 0; i < 5; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "out/p%d.html", i);
		write_text(rel, "<footer>zork</footer>\n");
	}
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, "site", 2), -1);
	char *d = diags();
	CHECK_STR(d, "error: the public build leaks 2 internal strings: the previous output is left as it was\n"
		     "postmortems/pm-1.md:2:5: error: PM-1 is not published (the public profile keeps public, complete "
		     "postmortems) but its id is in the output: site/static/logo.png:3\n"
		     "postmortems/pm-2.md:6:6: note: mentions PM-1, which is not published\n"
		     "site.yaml:6:30: error: \"zork\" (public.deny) is in the output: site/p0.html:1, site/p1.html:1, "
		     "site/p2.html:1 (and 2 more files)\n"
		     "site.yaml:6:30: note: no published source has it: it comes from the theme, static/ or a hook\n");
	free(d);
	free(out);
	done(&c);
}

static void test_which_titles_are_checked(void)
{
	struct corpus c;
	corpus_new(&c);
	hide(&c, "PM-5", "Tom & Jerry's database outage after the migration", "postmortems/pm-1.md", 2);
	hide(&c, "PM-6", "Checkout slow after deploy to the eu-west region", "postmortems/pm-1.md", 2);
	free(c.pms[0].title);
	c.pms[0].title = xstrdup("Checkout slow after deploy to the eu-west region, again");
	enum leak_title mode[6];
	const char *why[6];
	leak_titles(&c, mode, why);
	CHECK_INT(mode[0], LEAK_TITLE_FIELD);
	CHECK_STR(why[0], "shorter than 6 words or 30 characters");
	CHECK_INT(mode[1], LEAK_TITLE_NOT);
	CHECK_STR(why[1], "fewer than 2 words or 10 characters");
	CHECK_INT(mode[2], LEAK_TITLE_FIELD);
	CHECK_STR(why[2], "shorter than 6 words or 30 characters"); /* no longer a published title here */
	CHECK_INT(mode[3], LEAK_TITLE_ANYWHERE);
	CHECK(why[3] == NULL);
	CHECK_INT(mode[4], LEAK_TITLE_FIELD);
	CHECK_STR(why[4], "part of a published name");
	done(&c);

	corpus_new(&c);
	leak_titles(&c, mode, why);
	CHECK_INT(mode[2], LEAK_TITLE_NOT);
	CHECK_STR(why[2], "the same as a published name");
	done(&c);
}

static void test_short_titles_only_alone(void)
{
	struct corpus c;
	corpus_new(&c);
	write_text("postmortems/pm-5.md", "---\nid: PM-5\ntitle: Tom & Jerry's database outage after the migration\n---\n");
	hide(&c, "PM-5", "Tom & Jerry's database outage after the migration", "postmortems/pm-5.md", 2);
	write_text("out/a.html", "<p>Then tom &amp; jerry's database outage hit us.</p>\n"
				 "<p>Tom &amp; Jerry's database outage after the migration, they said.</p>\n");
	write_text("out/b.html", "<ul><li><a href=\"x\">\n  Tom &amp; Jerry&#39;s database outage </a></li></ul>\n");
	write_text("out/c.json", "{\"t\": \"Tom & Jerry\\u0027s database outage\", \"s\": \"Tom & Jerry's database outage!\"}\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 1), -1);
	char *d = diags();
	CHECK_STR(d, "error: the public build leaks 2 internal strings: the previous output is left as it was\n"
		     "postmortems/pm-1.md:3:8: error: PM-1 is not published but its title \"Tom & Jerry's database "
		     "outage\" is in the output: b.html:2, c.json:1\n"
		     "postmortems/pm-5.md:3:8: error: PM-5 is not published but its title \"Tom & Jerry's database "
		     "outage after the migration\" is in the output: a.html:2\n");
	free(d);
	free(out);
	done(&c);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_clean_tree),
		TEST(test_ids_and_titles_in_every_encoding),
		TEST(test_deny_and_patterns),
		TEST(test_binary_files_and_many_files),
		TEST(test_which_titles_are_checked),
		TEST(test_short_titles_only_alone),
	};
	int ret = harness_run("leakcheck", cases, ARRAY_SIZE(cases));
	free(dir);
	return ret;
}
