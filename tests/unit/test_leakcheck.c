/*
 * Unit tests for leakcheck.c: an output tree with planted leaks, in every
 * encoding the site writes (raw, HTML references, JSON and JavaScript
 * escapes, CSV quotes, text split by tags), must give exactly the expected
 * diagnostics; near misses (longer ids, short titles in prose, a title a
 * published incident shares) must give none.
 */
#include "base/fsutil.h"
#include "harness.h"
#include "load/corpus.h"
#include "model/slug.h"
#include "publish/leakcheck.h"
#include "publish/profile.h"

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
	write_text("postmortems/pm-1.md",
		   "---\nid: PM-1\ntitle: Tom & Jerry's database outage\n---\n");
	write_text("postmortems/pm-3.md", "---\nid: PM-3\ntitle: Outage\n---\n");
	write_text("postmortems/pm-4.md",
		   "---\nid: PM-4\ntitle: Checkout slow after deploy\n---\n");
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
	write_text("out/index.html",
		   "<h1>Status history</h1><p>PM-10, XPM-1, PM-1-b and pm-1x are other ids. "
		   "An Outage. Checkout slow after deploy. 10.1.2 is a version.</p>\n");
	write_text("out/api/postmortems.json",
		   "[{\"id\": \"PM-2\", \"title\": \"Checkout slow after deploy\"}]\n");
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
	write_text("out/a/index.html",
		   "<ul>\n<li><a href=\"../postmortems/pm-1/\">see (PM-1).</a></li>\n</ul>\n");
	write_text("out/b/index.html", "<p>\nTom &amp; Jerry&#39;s database\n   outage</p>\n");
	write_text("out/c/index.html",
		   "<p>Tom &#x26; <mark>Jerry</mark>'s <em>database</em> outage</p>\n");
	write_text("out/search/shard-1.js",
		   "x={\"t\":\"TOM \\u0026 JERRY\\u0027S DATABASE OUTAGE\"}\n");
	write_text("out/d/index.html", "<p>\n\nTom &amp; Jerry's database outage</p>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, "public", 1), -1);
	char *d = diags();
	CHECK_STR(
		d,
		"error: the public build leaks 2 internal strings: the previous output is left as it was\n"
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
	write_text("out/api/actions.csv",
		   "id,title\nPM-2,\"Ship project \"\"NIGHTJAR\"\" soon\"\n");
	write_text(
		"out/feed.xml",
		"<entry><title>Hosts 10.1.2.3 and 10.9.9.9</title><summary>xxzorkxx</summary></entry>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 2), -1);
	char *d = diags();
	CHECK_STR(
		d,
		"error: the public build leaks 4 internal strings: the previous output is left as it was\n"
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

/*
 * Leak-check bug class: a deny string spelled with character references
 * to look-alikes, decoded to the wrong character and so never folded back
 * to ASCII.  One file per UTF-8 length of the decoded look-alike: two
 * bytes (Cyrillic o, &#x43E;), three (fullwidth z, &#xFF5A;) and four
 * (mathematical sans-serif letters beyond U+FFFF, &#x1D5D3; and decimal
 * &#120259;).
 */
static void test_deny_word_in_references_to_look_alikes(void)
{
	struct corpus c;
	corpus_new(&c);
	write_text("out/a.html", "<p>z&#x43E;rk</p>\n");
	write_text("out/b.html", "<p>&#xFF5A;ork</p>\n");
	write_text("out/c.html", "<p>&#x1D5D3;&#x1D5C8;&#120267;&#x1D5C4;</p>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 2), -1);
	char *d = diags();
	CHECK_STR(
		d,
		"error: the public build leaks 1 internal string: the previous output is left as it was\n"
		"site.yaml:6:30: error: \"zork\" (public.deny) is in the output: a.html:1, b.html:1, c.html:1\n"
		"site.yaml:6:30: note: no published source has it: it comes from the theme, static/ or a hook\n");
	free(d);
	free(out);
	done(&c);
}

/* Leak-check bug class: a quoted CSV field's first letters lost when quotes are decoded. */
static void test_deny_word_at_the_start_of_a_quoted_csv_field(void)
{
	struct corpus c;
	corpus_new(&c);
	write_text("out/api/a.csv", "id,title\nPM-2,\"zork ate it\"\n");
	write_text("out/api/b.csv", "id,title\nPM-2,\"said \"\"zork\"\"\"\n");
	write_text("out/api/c.csv", "id,title\nPM-2,\"a\",\"zo\"\"rk\"\n"); /* zo"rk is not zork */
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 2), -1);
	char *d = diags();
	CHECK_STR(
		d,
		"error: the public build leaks 1 internal string: the previous output is left as it was\n"
		"site.yaml:6:30: error: \"zork\" (public.deny) is in the output: api/a.csv:2, api/b.csv:2\n"
		"site.yaml:6:30: note: no published source has it: it comes from the theme, static/ or a hook\n");
	free(d);
	free(out);
	done(&c);
}

/*
 * Leak-check bug class: the error about a deny string put at the wrong
 * place.  Inside a word of a published postmortem ("xxzorkxx"), the error
 * is at that line (deny strings are found inside words); written as a
 * block list in site.yaml, the entry's own line is not a published source.
 */
static void test_deny_word_located_at_its_source(void)
{
	struct corpus c;
	corpus_new(&c);
	write_text("postmortems/pm-2.md",
		   "---\nid: PM-2\ntitle: Checkout slow after deploy\ndate: 2024-01-01\n---\n"
		   "Our xxzorkxx cluster.\n");
	write_text("out/a.html", "<p>Our xxzorkxx cluster.</p>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 1), -1);
	char *d = diags();
	CHECK_STR(
		d,
		"error: the public build leaks 1 internal string: the previous output is left as it was\n"
		"postmortems/pm-2.md:6:7: error: \"zork\" (public.deny) is in the output: a.html:1\n");
	free(d);
	free(out);
	done(&c);

	corpus_new(&c);
	out = in_dir("out");
	write_text(
		"site.yaml",
		"title: Status history\npublic:\n  deny:\n    - Project \"Nightjar\"\n    - zork\n");
	site_release(&c.site);
	site_init(&c.site);
	CHECK(site_load(&c.site, dir) == 0);
	write_text("out/a.html", "<p>xxzorkxx</p>\n");
	CHECK_INT(leak_check(&c, out, NULL, 1), -1);
	d = diags();
	CHECK_STR(
		d,
		"error: the public build leaks 1 internal string: the previous output is left as it was\n"
		"site.yaml:5:7: error: \"zork\" (public.deny) is in the output: a.html:1\n"
		"site.yaml:5:7: note: no published source has it: it comes from the theme, static/ or a hook\n");
	free(d);
	free(out);
	done(&c);
}

/*
 * Leak-check bug class: a static file in Windows-1252 decoded with the
 * wrong characters for 0x80..0x9F (0x99 is the trade mark sign, "TM" once
 * folded), or a text file taken for a bzip2 archive because it starts with
 * "BZ" (only "BZh" is one): the left-out title in it is then missed.
 */
static void test_title_in_windows_1252_text(void)
{
	struct corpus c;
	corpus_new(&c);
	hide(&c, "PM-8", "Widget TM outage in the west region", "postmortems/pm-1.md", 2);
	write_text("out/static/a.txt", "Notes: Widget \x99 outage in the west region.\n");
	write_text("out/static/b.txt", "BZ notes: Widget \x99 outage in the west region.\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 1), -1);
	char *d = diags();
	CHECK(strstr(d,
		     "error: PM-8 is not published but its title \"Widget TM outage in the west region\" is in the "
		     "output: static/a.txt:1, static/b.txt:1\n") != NULL);
	if (!strstr(d, "static/a.txt:1, static/b.txt:1\n"))
		CHECK_STR(d, "(the title found in static/a.txt and static/b.txt)");
	free(d);
	free(out);
	done(&c);
}

/* Leak-check bug class: hex digits a-f and A-F read wrong ("&#x7a;" is z). */
static void test_deny_word_in_hex_references_either_case(void)
{
	struct corpus c;
	corpus_new(&c);
	write_text("out/a.html", "<p>&#x7a;ork</p>\n");
	write_text("out/b.js", "x=\"\\u007Aork\"\n");
	write_text("out/c.html", "<p>&#X7A;&#x6F;&#x72;&#x6b;</p>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 2), -1);
	char *d = diags();
	CHECK_STR(
		d,
		"error: the public build leaks 1 internal string: the previous output is left as it was\n"
		"site.yaml:6:30: error: \"zork\" (public.deny) is in the output: a.html:1, b.js:1, c.html:1\n"
		"site.yaml:6:30: note: no published source has it: it comes from the theme, static/ or a hook\n");
	free(d);
	free(out);
	done(&c);
}

/*
 * Leak-check bug class: a deny word split by an inline tag ("z<kbd>o</kbd>rk"
 * reads "zork" on the page) not found.  Every inline tag, in lower and
 * upper case and with an attribute; a block tag ("zo</p><p>rk", two
 * paragraphs) is a boundary, and a longer name that starts like an inline
 * one (<spanner>, <qq>) is not inline.
 */
static void test_deny_word_split_by_every_inline_tag(void)
{
	static const char *const tags[] = {"a",	     "abbr", "b",   "bdi",  "bdo",   "cite",
					   "code",   "data", "dfn", "em",   "i",     "kbd",
					   "mark",   "q",    "s",   "samp", "small", "span",
					   "strong", "sub",  "sup", "time", "u",     "var"};
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++) {
		struct corpus c;
		corpus_new(&c);
		char *html = xstrfmt("<p>z<%s>o</%s>rk</p>\n", tags[i], tags[i]);
		write_text("out/lower.html", html);
		free(html);
		char upper[16];
		size_t k = 0;
		for (; tags[i][k]; k++)
			upper[k] = (char)(tags[i][k] - 32);
		upper[k] = '\0';
		html = xstrfmt("<p>zo<%s class=\"x\">r</%s>k</p>\n", upper, upper);
		write_text("out/upper.html", html);
		free(html);
		write_text(
			"out/block.html",
			"<p>zo</p><p>rk</p><div>z</div>ork<spanner>zo</spanner>rk zo<qq>rk</qq>\n");
		char *out = in_dir("out");
		CHECK_INT(leak_check(&c, out, NULL, 1), -1);
		char *d = diags();
		if (!strstr(d,
			    "\"zork\" (public.deny) is in the output: lower.html:1, upper.html:1\n")) {
			fprintf(stderr, "inline tag <%s>:\n", tags[i]);
			CHECK_STR(
				d,
				"... \"zork\" (public.deny) is in the output: lower.html:1, upper.html:1 ...");
		}
		free(d);
		free(out);
		done(&c);
	}
	struct corpus c; /* <wbr> has no end tag */
	corpus_new(&c);
	write_text("out/wbr.html", "<p>zo<wbr>rk</p>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 1), -1);
	char *d = diags();
	CHECK(strstr(d, "\"zork\" (public.deny) is in the output: wbr.html:1\n") != NULL);
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
	CHECK_STR(
		d,
		"error: the public build leaks 2 internal strings: the previous output is left as it was\n"
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
	hide(&c, "PM-5", "Tom & Jerry's database outage after the migration", "postmortems/pm-1.md",
	     2);
	hide(&c, "PM-6", "Checkout slow after deploy to the eu-west region", "postmortems/pm-1.md",
	     2);
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
	/* no longer a published title here */
	CHECK_STR(why[2], "shorter than 6 words or 30 characters");
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

/*
 * Leak-check bug class: a left-out title that is also a name the public
 * site shows (a published postmortem's service, tag or factor) reported
 * as a leak, failing every public build.  Each kind of name in turn.
 */
static void test_title_equal_to_a_published_term_is_not_checked(void)
{
	for (int kind = 0; kind < 3; kind++) {
		struct corpus c;
		corpus_new(&c);
		struct postmortem *pm = &c.pms[0];
		const char *name = "Payments gateway cluster";
		if (kind == 0) {
			pm->services = xcalloc(1, sizeof(*pm->services));
			pm->services[0].name = xstrdup(name);
			pm->nservices = 1;
		} else if (kind == 1) {
			pm->tags = xcalloc(1, sizeof(*pm->tags));
			pm->tags[0].name = xstrdup(name);
			pm->ntags = 1;
		} else {
			pm->factors = xcalloc(1, sizeof(*pm->factors));
			pm->factors[0].name = xstrdup(name);
			pm->nfactors = 1;
		}
		hide(&c, "PM-5", name, "postmortems/pm-1.md", 2);
		enum leak_title mode[4];
		const char *why[4];
		leak_titles(&c, mode, why);
		CHECK_INT(mode[3], LEAK_TITLE_NOT);
		CHECK_STR(why[3] ? why[3] : "(null)", "the same as a published name");
		write_text("out/services/index.html",
			   "<ul><li><a href=\"x/\">Payments gateway cluster</a></li></ul>\n");
		char *out = in_dir("out");
		CHECK_INT(leak_check(&c, out, NULL, 1), 0);
		char *d = diags();
		CHECK_STR(d, "");
		free(d);
		free(out);
		done(&c);
	}
}

/*
 * Leak-check bug class: a title that ends in punctuation missed when a
 * word follows it at once ("...twice?</em>Nobody" reads "twice?Nobody"):
 * the phrase ends at a boundary because its last character is no letter.
 */
static void test_title_ending_in_punctuation_before_a_word(void)
{
	struct corpus c;
	corpus_new(&c);
	hide(&c, "PM-7", "Why did the primary database fail over twice?", "postmortems/pm-1.md", 2);
	write_text(
		"out/a.html",
		"<p>Q: <em>why did the primary database fail over twice?</em>Nobody knew.</p>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 1), -1);
	char *d = diags();
	CHECK(strstr(d,
		     "error: PM-7 is not published but its title \"Why did the primary database fail over twice?\" "
		     "is in the output: a.html:1\n") != NULL);
	free(d);
	free(out);
	done(&c);
}

static void test_short_titles_only_alone(void)
{
	struct corpus c;
	corpus_new(&c);
	write_text(
		"postmortems/pm-5.md",
		"---\nid: PM-5\ntitle: Tom & Jerry's database outage after the migration\n---\n");
	hide(&c, "PM-5", "Tom & Jerry's database outage after the migration", "postmortems/pm-5.md",
	     2);
	write_text("out/a.html",
		   "<p>Then tom &amp; jerry's database outage hit us.</p>\n"
		   "<p>Tom &amp; Jerry's database outage after the migration, they said.</p>\n");
	write_text(
		"out/b.html",
		"<ul><li><a href=\"x\">\n  Tom &amp; Jerry&#39;s database outage </a></li></ul>\n");
	write_text(
		"out/c.json",
		"{\"t\": \"Tom & Jerry\\u0027s database outage\", \"s\": \"Tom & Jerry's database outage!\"}\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 1), -1);
	char *d = diags();
	CHECK_STR(
		d,
		"error: the public build leaks 2 internal strings: the previous output is left as it was\n"
		"postmortems/pm-1.md:3:8: error: PM-1 is not published but its title \"Tom & Jerry's database "
		"outage\" is in the output: b.html:2, c.json:1\n"
		"postmortems/pm-5.md:3:8: error: PM-5 is not published but its title \"Tom & Jerry's database "
		"outage after the migration\" is in the output: a.html:2\n");
	free(d);
	free(out);
	done(&c);
}

/*
 * Leak-check bug class: a short left-out title missed in an attribute
 * value (a tooltip or an image's alt text shows it as it is): double,
 * single and unquoted values, blanks of every kind (CR, tab, form feed)
 * between attributes and around '='.  PM-1's title is checked where it
 * stands alone.
 */
static void test_short_title_as_an_attribute_value(void)
{
	struct corpus c;
	corpus_new(&c);
	write_text(
		"out/a.html",
		"<p><a href=\"x\"\rtitle=\"Tom &amp; Jerry&#39;s database outage\">more</a></p>\n");
	write_text("out/b.html",
		   "<p><img\talt='Tom &amp; Jerry&#39;s database outage'\fsrc=x></p>\n");
	write_text("out/c.html",
		   "<p><abbr title \r=\t\"Tom &amp; Jerry&#39;s database outage\">T</abbr></p>\n");
	write_text(
		"out/d.html",
		"<p><abbr title=Tom&#32;&amp;&#32;Jerry&#39;s&#32;database&#32;outage>T</abbr></p>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 1), -1);
	char *d = diags();
	CHECK_STR(
		d,
		"error: the public build leaks 1 internal string: the previous output is left as it was\n"
		"postmortems/pm-1.md:3:8: error: PM-1 is not published but its title \"Tom & Jerry's database "
		"outage\" is in the output: a.html:1, b.html:1, c.html:1 (and 1 more file)\n");
	free(d);
	free(out);
	done(&c);
}

/* ---- the normalised form: look-alikes, invisible characters, other encodings ---------- */

/*
 * leak_check over one output file `rel` holding text[0..len) in a fresh
 * corpus: its return value, and "ok" when the diagnostics contain `want`
 * (else the diagnostics, so a failure shows them).
 */
static int check_one(const char *rel, const char *text, size_t len, const char *want,
		     char **verdict)
{
	struct corpus c;
	corpus_new(&c);
	char *path = xstrfmt("out/%s", rel), *out = in_dir("out");
	write_file(path, text, len);
	int ret = leak_check(&c, out, NULL, 1);
	char *d = diags();
	if (*want ? strstr(d, want) != NULL : !*d) {
		free(d);
		d = xstrdup("ok");
	}
	*verdict = d;
	free(path);
	free(out);
	done(&c);
	return ret;
}

struct leak_case {
	const char *name; /* what the case hides the leak with */
	const char *text; /* the HTML page */
	const char *want; /* a line of the diagnostics */
};

#define DENY_ZORK "site.yaml:6:30: error: \"zork\" (public.deny) is in the output: x.html:1"
#define DENY_NIGHTJAR \
	"site.yaml:6:10: error: \"Project \"Nightjar\"\" (public.deny) is in the output: x.html:1"
#define ID_PM1 \
	"error: PM-1 is not published (the public profile keeps public, complete postmortems) but its id is in the output: x.html:1"
#define TITLE_PM1 \
	"error: PM-1 is not published but its title \"Tom & Jerry's database outage\" is in the output: x.html:1"
#define PATTERN_1 \
	"error: redact pattern 1 ('\\b10\\.\\d+\\.\\d+\\.\\d+\\b') still matches \"10.1.2.3\" in the output: x.html:1"

static void run_cases(const struct leak_case *v, size_t n, int want_ret)
{
	for (size_t i = 0; i < n; i++) {
		char *verdict;
		int ret = check_one("x.html", v[i].text, strlen(v[i].text), v[i].want, &verdict);
		if (ret != want_ret || strcmp(verdict, "ok"))
			fprintf(stderr, "case \"%s\" (returned %d):\n", v[i].name, ret);
		CHECK_INT(ret, want_ret);
		CHECK_STR(verdict, "ok");
		free(verdict);
	}
}

static void test_invisible_characters(void)
{
	static const struct leak_case cases[] = {
		{"zero-width space U+200B", "<p>zo\xe2\x80\x8brk</p>\n", DENY_ZORK},
		{"zero-width non-joiner U+200C", "<p>z\xe2\x80\x8cork</p>\n", DENY_ZORK},
		{"zero-width joiner U+200D", "<p>zor\xe2\x80\x8dk</p>\n", DENY_ZORK},
		{"word joiner U+2060", "<p>zo\xe2\x81\xa0rk</p>\n", DENY_ZORK},
		{"byte order mark U+FEFF", "<p>zo\xef\xbb\xbfrk</p>\n", DENY_ZORK},
		{"soft hyphen U+00AD", "<p>zo\xc2\xadrk</p>\n", DENY_ZORK},
		{"&shy;", "<p>zo&shy;rk</p>\n", DENY_ZORK},
		{"&#173;", "<p>zo&#173;rk</p>\n", DENY_ZORK},
		{"&#xAD;", "<p>zo&#xAD;rk</p>\n", DENY_ZORK},
		{"&ZeroWidthSpace;", "<p>zo&ZeroWidthSpace;rk</p>\n", DENY_ZORK},
		{"\\u200b in JSON", "<p>zo\\u200brk</p>\n", DENY_ZORK},
		{"left-to-right mark in an id", "<p>PM\xe2\x80\x8e-1</p>\n", ID_PM1},
		{"variation selector in an id", "<p>P\xef\xb8\x8fM-1</p>\n", ID_PM1},
		{"soft hyphens in a title",
		 "<p>Tom &amp; Jer&shy;ry's data\xc2\xad"
		 "base outage</p>\n",
		 TITLE_PM1},
		{"zero-width space in a pattern's match",
		 "<p>10.\xe2\x80\x8b"
		 "1.2.3</p>\n",
		 PATTERN_1},
		{"narrow no-break space U+202F", "<p>Project\xe2\x80\xaf\"Nightjar\"</p>\n",
		 DENY_NIGHTJAR},
		{"thin space U+2009", "<p>Project\xe2\x80\x89\"Nightjar\"</p>\n", DENY_NIGHTJAR},
		{"ideographic space U+3000", "<p>Project\xe3\x80\x80\"Nightjar\"</p>\n",
		 DENY_NIGHTJAR},
		{"&thinsp;", "<p>Project&thinsp;&quot;Nightjar&quot;</p>\n", DENY_NIGHTJAR},
		{"no-break space and a hair space",
		 "<p>Project\xc2\xa0\xe2\x80\x8a\"Nightjar\"</p>\n", DENY_NIGHTJAR},
	};
	run_cases(cases, ARRAY_SIZE(cases), -1);
}

static void test_lookalikes(void)
{
	static const struct leak_case cases[] = {
		{"fullwidth letters", "<p>\xef\xbd\x9a\xef\xbd\x8f\xef\xbd\x92\xef\xbd\x8b</p>\n",
		 DENY_ZORK},
		{"fullwidth id and hyphen",
		 "<p>\xef\xbc\xb0\xef\xbc\xad\xef\xbc\x8d\xef\xbc\x91</p>\n", ID_PM1},
		{"Cyrillic o", "<p>z\xd0\xberk</p>\n", DENY_ZORK},
		{"Cyrillic capital EM in an id", "<p>P\xd0\x9c-1</p>\n", ID_PM1},
		{"Greek capital RHO and MU", "<p>\xce\xa1\xce\x9c-1</p>\n", ID_PM1},
		{"Greek omicron", "<p>z\xce\xbfrk</p>\n", DENY_ZORK},
		{"mathematical bold",
		 "<p>\xf0\x9d\x90\xb3\xf0\x9d\x90\xa8\xf0\x9d\x90\xab\xf0\x9d\x90\xa4</p>\n",
		 DENY_ZORK},
		{"mathematical sans-serif capitals in an id",
		 "<p>\xf0\x9d\x96\xaf\xf0\x9d\x96\xac-1</p>\n", ID_PM1},
		{"non-breaking hyphen U+2011",
		 "<p>PM\xe2\x80\x91"
		 "1</p>\n",
		 ID_PM1},
		{"minus sign U+2212",
		 "<p>PM\xe2\x88\x92"
		 "1</p>\n",
		 ID_PM1},
		{"&#x420; (Cyrillic ER) as a reference", "<p>&#x420;M-1</p>\n", ID_PM1},
		{"Cyrillic e in a title", "<h2>Tom &amp; J\xd0\xb5rry's database outage</h2>\n",
		 TITLE_PM1},
		{"fullwidth digit in a pattern's match", "<p>10.\xef\xbc\x91.2.3</p>\n", PATTERN_1},
		{"circled digit in a pattern's match", "<p>10.\xe2\x91\xa0.2.3</p>\n", PATTERN_1},
	};
	run_cases(cases, ARRAY_SIZE(cases), -1);
}

static void test_no_false_positives(void)
{
	static const struct leak_case cases[] = {
		{"accented letters", "<p>Z\xc3\xbcrich, na\xc3\xafve, zo\xcc\x81rk-free</p>\n", ""},
		{"Russian text", "<p>\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 zone</p>\n",
		 ""},
		{"a longer fullwidth id",
		 "<p>\xef\xbc\xb0\xef\xbc\xad\xef\xbc\x8d\xef\xbc\x91\xef\xbc\x90</p>\n", ""},
		{"typographic punctuation",
		 "<p>\xe2\x80\x9cPM\xe2\x80\x9d \xe2\x80\x94 1\xe2\x80\xa6 zor\xe2\x80\x99k</p>\n",
		 ""},
		{"a joiner between words", "<p>Project\xe2\x80\x8d\"Nightjar\"s</p>\n", ""},
	};
	run_cases(cases, ARRAY_SIZE(cases), 0);
}

/* UTF-16 of an ASCII string, little- or big-endian, with a BOM or not. */
static char *utf16(const char *s, bool be, bool bom, size_t *len)
{
	size_t n = strlen(s), k = 0;
	char *out = xmalloc(2 * n + 2);
	if (bom) {
		out[k++] = be ? '\xfe' : '\xff';
		out[k++] = be ? '\xff' : '\xfe';
	}
	for (size_t i = 0; i < n; i++) {
		out[k++] = be ? '\0' : s[i];
		out[k++] = be ? s[i] : '\0';
	}
	*len = k;
	return out;
}

static void test_other_encodings(void)
{
	static const char page[] =
		"<p>Notes for the team: project zork,\nnear 10.1.2.3 and PM-1.</p>\n";
	static const struct {
		bool be, bom;
	} forms[] = {{false, true}, {true, true}, {false, false}, {true, false}};
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		size_t len;
		char *text = utf16(page, forms[i].be, forms[i].bom, &len), *verdict;
		CHECK_INT(check_one("notes.html", text, len,
				    "\"zork\" (public.deny) is in the output: notes.html:1",
				    &verdict),
			  -1);
		CHECK_STR(verdict, "ok");
		free(verdict);
		CHECK_INT(check_one("n.txt", text, len,
				    "still matches \"10.1.2.3\" in the output: n.txt:2", &verdict),
			  -1);
		CHECK_STR(verdict, "ok");
		free(verdict);
		free(text);
	}
	static const char latin1[] = "Caf\xe9 notes: zork near 10.1.2.3\n";
	static const char cp1252[] = "\x93zork\x94 \x96 see PM\x96"
				     "1\n";
	char *verdict;
	CHECK_INT(check_one("a.txt", latin1, sizeof(latin1) - 1,
			    "\"zork\" (public.deny) is in the output: a.txt:1", &verdict),
		  -1);
	CHECK_STR(verdict, "ok");
	free(verdict);
	CHECK_INT(check_one("a.txt", latin1, sizeof(latin1) - 1, "still matches \"10.1.2.3\"",
			    &verdict),
		  -1);
	CHECK_STR(verdict, "ok");
	free(verdict);
	CHECK_INT(check_one("b.csv", cp1252, sizeof(cp1252) - 1,
			    "but its id is in the output: b.csv:1", &verdict),
		  -1);
	CHECK_STR(verdict, "ok");
	free(verdict);
}

static void test_unreadable_text_and_binaries(void)
{
	static const char junk[] = "\x01\x02\x03 not text \x04\x05\xff\x06";
	static const char odd[] = "\xff\xfe\x00\xd8z\x00"; /* UTF-16 with an unpaired surrogate */
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\x01\x02\x03";
	static const char woff2[] = "wOF2\0\1\0\0\x03\x04\xfe";
	static const char zip[] = "PK\3\4\x14\0\0\0\x08\0\xff\xfe";
	char *verdict;
	CHECK_INT(
		check_one(
			"static/data.txt", junk, sizeof(junk) - 1,
			"static/data.txt:0:0: error: the leak check cannot read this file (expected UTF-8, UTF-16 or "
			"Windows-1252 text, or an image, font or archive)",
			&verdict),
		-1);
	CHECK_STR(verdict, "ok");
	free(verdict);
	CHECK_INT(check_one("static/odd.html", odd, sizeof(odd) - 1, "cannot read this file",
			    &verdict),
		  -1);
	CHECK_STR(verdict, "ok");
	free(verdict);
	CHECK_INT(check_one("static/logo.png", png, sizeof(png) - 1, "", &verdict), 0);
	CHECK_STR(verdict, "ok");
	free(verdict);
	CHECK_INT(check_one("fonts/a.woff2", woff2, sizeof(woff2) - 1, "", &verdict), 0);
	CHECK_STR(verdict, "ok");
	free(verdict);
	CHECK_INT(check_one("static/a.zip", zip, sizeof(zip) - 1, "", &verdict), 0);
	CHECK_STR(verdict, "ok");
	free(verdict);
	static const char bmp[] = "BM\x36\x01\0\0\0\0\0\0\x36\0\0\0\x28\0\xff\x01";
	static const char bmw[] = "BMW Caf\xe9 zork\n"; /* starts like a BMP, is Latin-1 text */
	CHECK_INT(check_one("static/a.bmp", bmp, sizeof(bmp) - 1, "", &verdict), 0);
	CHECK_STR(verdict, "ok");
	free(verdict);
	CHECK_INT(check_one("static/cars.txt", bmw, sizeof(bmw) - 1,
			    "\"zork\" (public.deny) is in the output", &verdict),
		  -1);
	CHECK_STR(verdict, "ok");
	free(verdict);
}

/* ---- stripped values ------------------------------------------------------------------- */

static struct term term(const char *name)
{
	return (struct term){.name = xstrdup(name)};
}

/* PM-2 with an owner, authors and action items whose owners and tickets public.strip removes. */
static void add_people(struct corpus *c)
{
	struct postmortem *pm = &c->pms[0];
	pm->owner = xstrdup("Priya Natarajan");
	pm->id_loc = (struct loc){pm->path, 2, 5};
	pm->authors = xcalloc(2, sizeof(*pm->authors));
	pm->authors[pm->nauthors++] = term("Tom Ruiz");
	pm->authors[0].loc = (struct loc){pm->path, 7, 11};
	pm->authors[pm->nauthors++] = term("Al"); /* too short to look for */
	pm->actions = xcalloc(2, sizeof(*pm->actions));
	pm->actions[0] = (struct action_item){.title = xstrdup("Alert on pool use"),
					      .owner = xstrdup("Lee Park"),
					      .ticket = xstrdup("OPS-1251"),
					      .loc = {pm->path, 12, 3}};
	pm->actions[1] = (struct action_item){.title = xstrdup("Size the pool"),
					      .ticket = xstrdup("OPS-77")};
	pm->nactions = 2;
	pm->stripped = xcalloc(1, sizeof(char *));
	pm->stripped[pm->nstripped++] = xstrdup("Dana Wrapped");
	pm->text = xstrdup("The pool alert is OPS-77, as Al said.");
}

static void test_stripped_values(void)
{
	struct corpus c;
	corpus_new(&c);
	add_people(&c);
	profile_strip(&c); /* as a build does right after loading */
	write_text("out/a.html", "<p>Owner: PRIYA\xc2\xa0NATARAJAN; by Tom Ruiz and Al.</p>\n");
	write_text("out/api/actions.json",
		   "[{\"title\": \"Alert on pool use\", \"owner\": \"Lee Park\", "
		   "\"ticket\": \"OPS-1251\"}]\n");
	write_text("out/b.html", "<li>Size the pool (owner: Dana&#x20;Wrapped), see OPS-77</li>\n");
	write_text("out/c.html",
		   "<p>Lee Parker and OPS-12510 are someone and something else.</p>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 2), -1);
	char *d = diags();
	CHECK_STR(
		d,
		"error: the public build leaks 5 internal strings: the previous output is left as it was\n"
		"postmortems/pm-2.md:2:5: error: \"Dana Wrapped\" (action_items of PM-2) is stripped by public.strip but "
		"is in the output: b.html:1\n"
		"postmortems/pm-2.md:2:5: error: \"Priya Natarajan\" (owner of PM-2) is stripped by public.strip but is "
		"in the output: a.html:1\n"
		"postmortems/pm-2.md:7:11: error: \"Tom Ruiz\" (authors of PM-2) is stripped by public.strip but is in "
		"the output: a.html:1\n"
		"postmortems/pm-2.md:12:3: error: \"Lee Park\" (action_items.owner of PM-2) is stripped by public.strip "
		"but is in the output: api/actions.json:1\n"
		"postmortems/pm-2.md:12:3: error: \"OPS-1251\" (action_items.ticket of PM-2) is stripped by public.strip "
		"but is in the output: api/actions.json:1\n");
	free(d);
	free(out);
	done(&c);
}

static void test_stripped_values_shown_elsewhere(void)
{
	struct corpus c;
	corpus_new(&c);
	add_people(&c);
	profile_strip(&c);     /* as a build does right after loading */
	free(c.site.strip[0]); /* keep owner: its values are shown, as any name */
	c.site.strip[0] = xstrdup("action_items.owner");
	c.pms[0].owner = (free(c.pms[0].owner), xstrdup("Lee Park"));
	free(c.pms[0].text);
	c.pms[0].text = xstrdup("Tom Ruiz, Dana Wrapped, OPS-77 and OPS-1251 in the body: prose.");
	write_text("out/a.html", "<p>Lee Park, Tom Ruiz, Dana Wrapped, OPS-1251, OPS-77.</p>\n");
	char *out = in_dir("out");
	CHECK_INT(leak_check(&c, out, NULL, 1), 0);
	char *d = diags();
	CHECK_STR(d, "");
	free(d);
	/* as a build does it: noted while the text is there, then the text dropped */
	leak_note_prose(&c);
	free(c.pms[0].text);
	c.pms[0].text = xstrdup("Nothing now.");
	CHECK_INT(leak_check(&c, out, NULL, 1), 0);
	d = diags();
	CHECK_STR(d, "");
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
		TEST(test_deny_word_in_references_to_look_alikes),
		TEST(test_deny_word_in_hex_references_either_case),
		TEST(test_deny_word_located_at_its_source),
		TEST(test_title_in_windows_1252_text),
		TEST(test_deny_word_at_the_start_of_a_quoted_csv_field),
		TEST(test_deny_word_split_by_every_inline_tag),
		TEST(test_binary_files_and_many_files),
		TEST(test_which_titles_are_checked),
		TEST(test_short_titles_only_alone),
		TEST(test_title_equal_to_a_published_term_is_not_checked),
		TEST(test_title_ending_in_punctuation_before_a_word),
		TEST(test_short_title_as_an_attribute_value),
		TEST(test_invisible_characters),
		TEST(test_lookalikes),
		TEST(test_no_false_positives),
		TEST(test_other_encodings),
		TEST(test_unreadable_text_and_binaries),
		TEST(test_stripped_values),
		TEST(test_stripped_values_shown_elsewhere),
	};
	int ret = harness_run("leakcheck", cases, ARRAY_SIZE(cases));
	free(dir);
	return ret;
}
