/*
 * Unit tests for tokenize.c and search.c: the tokenizer against the vectors
 * it shares with the browser (tests/search/tokenize.txt), word offsets,
 * excerpts, the varint alphabet, and the index files written for the search
 * fixture (tests/search/site) and for a larger corpus: what they hold, how
 * many there are, their size, and the same bytes for any thread count; and
 * for tests/search/people, what an internal and a public build hold of its
 * people, action items and taxonomy.
 */
#include "analyze/graph.h"
#include "base/confine.h"
#include "base/fsutil.h"
#include "base/output.h"
#include "harness.h"
#include "load/corpus.h"
#include "model/slug.h"
#include "publish/profile.h"
#include "search/search.h"
#include "search/tokenize.h"

#include <stdlib.h>
#include <string.h>

#define VECTORS "tests/search/tokenize.txt"

static char tmp[] = "/tmp/aftermath-test-search-XXXXXX";

static char *terms_of(const char *text)
{
	struct buf b = BUF_INIT;
	struct token t;
	size_t pos = 0;
	while (tok_next(text, strlen(text), &pos, &t)) {
		if (b.len)
			buf_addch(&b, ' ');
		buf_adds(&b, t.term);
	}
	return buf_detach(&b, NULL);
}

static void test_tokenize_vectors(void)
{
	char *data, *save = NULL;
	size_t len;
	int cases = 0;
	CHECK(fs_read(VECTORS, &data, &len) == 0);
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		char *got = terms_of(line);
		if (strcmp(got, tab + 1))
			fprintf(stderr, "%s: terms of \"%s\" are \"%s\", want \"%s\"\n", VECTORS,
				line, got, tab + 1);
		CHECK_STR(got, tab + 1);
		free(got);
		cases++;
	}
	free(data);
	CHECK(cases >= 20);
}

static void test_word_offsets(void)
{
	/* "Don't" keeps its apostrophe's byte in the span; ’ is three bytes. */
	const char *text = "Don't deploy-video\xe2\x80\x99s.";
	static const struct {
		const char *term;
		size_t start, end;
	} want[] = {{"dont", 0, 5}, {"deploy", 6, 12}, {"video", 13, 22}};
	struct token t;
	size_t pos = 0, n = 0;
	while (tok_next(text, strlen(text), &pos, &t) && n < 3) {
		CHECK_STR(t.term, want[n].term);
		CHECK_INT(t.start, want[n].start);
		CHECK_INT(t.end, want[n].end);
		n++;
	}
	CHECK_INT(n, 3);
	CHECK(tok_is_stop("the", 3) && tok_is_stop("your", 4) && !tok_is_stop("pool", 4) &&
	      !tok_is_stop("th", 2));
}

static void check_excerpt(const char *text, const char *match, size_t max, const char *want)
{
	struct buf b = BUF_INIT;
	search_excerpt(&b, text, strlen(text), (size_t)(strstr(text, match) - text), max);
	CHECK_STR(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_excerpts(void)
{
	check_excerpt("First one here. The pool ran dry at noon. Third one.", "pool", 180,
		      "The pool ran dry at noon.");
	check_excerpt("## Summary\nThe pool   ran\tdry.", "pool", 180, "The pool ran dry.");
	check_excerpt("The pool ran dry", "pool", 180, "The pool ran dry");
	check_excerpt(
		"one two three four five six seven eight nine ten pool eleven twelve thirteen fourteen fifteen",
		"pool", 40, "\xe2\x80\xa6nine ten pool eleven twelve thirteen\xe2\x80\xa6");
	/* never inside a UTF-8 character */
	check_excerpt("Größe überschritten für die Größe des Pools heute", "Pools", 20,
		      "\xe2\x80\xa6"
		      "des Pools heute");
}

static void check_varint(uint64_t v, const char *want)
{
	struct buf b = BUF_INIT;
	search_add_varint(&b, v);
	CHECK_STR(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_varints(void)
{
	check_varint(0, "0");
	check_varint(31, "V");
	check_varint(32, "W1");
	check_varint(1000, "eV");
}

/* Build the index of c into tmp/name; returns the output dir (caller frees). */
static char *build(struct corpus *c, const char *name, int jobs)
{
	struct graph g;
	struct output o;
	struct render_opts ro = {.jobs = jobs};
	char *out = xstrfmt("%s/%s", tmp, name), *content = xstrfmt("%s/content", tmp);
	CHECK(graph_link(&g, c, jobs) == 0);
	CHECK(output_open(&o, out, content, 2) == 0);
	CHECK(search_write(c, &g, &ro, &o) == 0);
	CHECK(output_commit(&o) == 0);
	graph_release(&g);
	free(content);
	return out;
}

/* Every file below dir/search as "name size" lines, and their bytes concatenated. */
static void list_files(const char *dir, struct buf *names, struct buf *bytes, size_t *nfiles,
		       size_t *total)
{
	struct fs_entry *e;
	size_t n;
	char *search = xstrfmt("%s/search", dir);
	*nfiles = *total = 0;
	CHECK(fs_walk(search, ".js", &e, &n) == 0);
	for (size_t i = 0; i < n; i++) {
		char *data;
		size_t len;
		CHECK(fs_read(e[i].path, &data, &len) == 0);
		buf_addf(names, "%s %zu\n", e[i].rel, len);
		buf_add(bytes, data, len);
		*total += len;
		(*nfiles)++;
		free(data);
	}
	fs_entries_free(e, n);
	free(search);
}

/* The i-th string of the JSON array that starts after `key` in js ("" when absent). */
static char *nth_string(const char *js, const char *key, long want)
{
	const char *p = strstr(js, key);
	if (!p)
		return xstrdup("");
	p += strlen(key);
	for (long i = 0; *p == '"'; i++) {
		const char *end = strchr(p + 1, '"');
		if (!end)
			break;
		if (i == want)
			return xstrndup(p + 1, (size_t)(end - p - 1));
		p = end + 1;
		if (*p == ',')
			p++;
	}
	return xstrdup("");
}

/* The position of `term` in the index's term list, or -1. */
static long term_index(const char *js, const char *term)
{
	for (long i = 0; i < 100000; i++) {
		char *t = nth_string(js, "\"t\":[", i);
		bool empty = !*t, same = !strcmp(t, term);
		free(t);
		if (same)
			return i;
		if (empty)
			return -1;
	}
	return -1;
}

static void test_fixture_index(void)
{
	struct corpus c;
	CHECK(corpus_load(&c, "tests/search/site", PROFILE_INTERNAL, 1, false) == 0);
	char *out1 = build(&c, "fixture1", 1), *out2 = build(&c, "fixture2", 2);
	struct buf n1 = BUF_INIT, b1 = BUF_INIT, n2 = BUF_INIT, b2 = BUF_INIT;
	size_t files, total, files2, total2;
	list_files(out1, &n1, &b1, &files, &total);
	list_files(out2, &n2, &b2, &files2, &total2);
	/* eight postmortems: one file holds every part */
	CHECK(str_starts(buf_cstr(&n1), "index.js ") && files == 1);
	CHECK(b1.len == b2.len && !memcmp(b1.ptr, b2.ptr, b1.len));
	const char *js = buf_cstr(&b1);
	CHECK(str_starts(
		js,
		"aftermath.load({\"m\":{\"v\":2,\"n\":8,\"k\":10,\"lb\":0.2,\"lr\":1.075,"
		"\"sev\":[\"SEV1\",\"SEV2\",\"SEV3\",\"SEV4\"],\"st\":[\"draft\",\"in-review\",\"complete\"],"
		"\"ds\":8,\"tk\":[\"\"],\"kl\":41,\"ek\":[[\"Service\",\"services\"],[\"Factor\",\"factors\"],"
		"[\"Tag\",\"tags\"],[\"Owner\",\"owners\"]],\"files\":{}},\"f\":{\"fs\":[[\"service\",\"Service\",1],"
		"[\"factor\",\"Factor\",1],[\"tag\",\"Tag\",1],[\"severity\",\"Severity\",0],[\"status\",\"Status\",0],"
		"[\"kind\",\"Kind\",0],[\"year\",\"Year\",0],[\"owner\",\"Owner\",1]],"
		"\"service\":[[\"checkout-api\",\"checkout-api\",2],"));
	CHECK(str_ends(js, "]}});\n"));
	/* newest first: SR-008 is doc 0; SR-001 is doc 2, SEV2 (1), complete (2) */
	CHECK(strstr(js, "[\"SR-008\",\"Search index rebuild stalled\",\"2026-01-15\",3,2,") !=
	      NULL);
	CHECK(strstr(js,
		     "[2,\"SR-001\",\"Video transcoder backlog after a bad deployment\",\"2025-03-04\",1,2]") !=
	      NULL);
	/* terms are stems; markup from content is escaped for the script */
	CHECK(strstr(js, "\"transcod\"") && strstr(js, "\"deploy\"") && strstr(js, "\"größe\""));
	/* strings are JSON: quotes and backslashes escaped, markup kept as text (search.js escapes it) */
	CHECK(strstr(js, "\"Escaping <img src=x onerror=alert(1)> in titles\"") != NULL);
	CHECK(strstr(js, "\"A summary with <script>alert(\\\"x\\\")</script> & <b>markup</b>\"") !=
	      NULL);
	/* typo keys: "transcod" without its first, second and third letter */
	CHECK(strstr(js, "\"ranscod\",\"transcod\"") && strstr(js, "\"tanscod\",\"transcod\"") &&
	      strstr(js, "\"trnscod\",\"transcod\""));
	/* Table bug class: the index's parts in the order search.js reads them, every status facet counted */
	const char *parts[] = {"\"t\":[",   "],\"n\":[", "],\"p\":[", "],\"c\":[",
			       "],\"x\":[", "],\"r\":[", "],\"y\":[", "],\"e\":["};
	const char *at = js;
	for (size_t i = 0; i < ARRAY_SIZE(parts) && at; i++)
		if ((at = strstr(at, parts[i])) == NULL)
			fprintf(stderr, "index part %s missing or out of order\n", parts[i]);
	CHECK(at != NULL);
	CHECK(strstr(
		js,
		"\"status\":[[\"draft\",\"draft\",1],[\"in-review\",\"in-review\",1],[\"complete\",\"complete\",6]]"));
	/* Ranking bug class (field weights, impact levels): the postings of a few
	 * terms, documents and levels, pinned from the index that passes the
	 * browser's ranking tests (test_search.mjs FIXTURE); a change here changes
	 * which postmortem a query puts first. */
	static const char *const postings[][2] = {{"transcod", "g21rM"}, {"deploy", "bC1mLg"},
						  {"pool", "g1s"},	 {"checkout", "g14qq"},
						  {"runbook", "g3f"},	 {"video", "g2o"}};
	for (size_t i = 0; i < ARRAY_SIZE(postings); i++) {
		long k = term_index(js, postings[i][0]);
		char *got = nth_string(js, "],\"p\":[", k);
		if (strcmp(got, postings[i][1]))
			fprintf(stderr, "postings of %s: got %s\n", postings[i][0], got);
		CHECK_STR(got, postings[i][1]);
		free(got);
	}
	/* Dropped-field bug class: each postmortem's facet record (services, factors and tags as
	 * a count and indices, severity, status, kind, year, then the owners' count), pinned like
	 * the postings above: SR-008 (doc 0) is search-api, missing dashboard, monitoring, SEV4,
	 * complete, near-miss, 2026, no owner. */
	CHECK(strstr(js,
		     "\"a\":\"1313143210010214210120101510225120101216110202014121022020161810220201017132103011151630030\"}") !=
	      NULL);
	CHECK(strstr(
		js,
		"\"kind\":[[\"incident\",\"incident\",7],[\"near-miss\",\"near-miss\",1],[\"drill\",\"drill\",0]]"));
	/* the named things, each with its postmortems (docs 1 and 4 are SR-003 and SR-004) */
	CHECK(strstr(
		js,
		"\"e\":[[\"capacity\",2,\"capacity\",\"bo0\"],[\"checkout-api\",0,\"checkout-api\",\"g14\"],"));
	/* a postmortem's card excerpt is the sentence around the term */
	CHECK(strstr(
		js,
		"\"We were deploying a fix to the failover script when the zeppelin alarm finally cleared.\""));
	buf_release(&n1);
	buf_release(&b1);
	buf_release(&n2);
	buf_release(&b2);
	free(out1);
	free(out2);
	corpus_release(&c);
}

static void add_term(struct term **v, size_t *n, const char *name)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n] = (struct term){xstrdup(name), slugify(name), {"x.md", 1, 1}};
	(*n)++;
}

/* n postmortems with words from a small vocabulary, a rare word in one of 40. */
static void corpus_synthetic(struct corpus *c, size_t n)
{
	static const char *const words[] = {"replica",	 "cluster", "deployed", "rollout",
					    "dashboard", "pager",   "queue",	"consumer",
					    "latency",	 "timeout", "retries",	"migration"};
	static const char *const services[] = {"checkout-api", "payments-db", "search-api",
					       "video-transcoder"};
	memset(c, 0, sizeof(*c));
	site_init(&c->site);
	profile_allow(c); /* an internal build's: owners and items are searchable */
	c->dir = xstrdup("t");
	c->pms = xcalloc(n, sizeof(*c->pms));
	c->npms = n;
	uint64_t r = 42;
	for (size_t i = 0; i < n; i++) {
		struct postmortem *pm = &c->pms[i];
		struct buf body = BUF_INIT;
		pm->id = xstrfmt("PM-%05zu", n - i);
		pm->slug = slugify(pm->id);
		pm->path = xstrdup("x.md");
		pm->title = xstrfmt("%s %s after %s", services[i % 4], words[i % 12],
				    words[(i / 12) % 12]);
		pm->summary = xstrfmt("The %s was %s for %zu minutes.", services[(i + 1) % 4],
				      words[(i * 7) % 12], i % 90);
		for (int s = 0; s < 40; s++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			buf_addf(&body, "The %s %s the %s. ", words[(r >> 33) % 12],
				 words[(r >> 41) % 12], words[(r >> 49) % 12]);
		}
		if (i % 40 == 3)
			buf_adds(&body, "The zeppelin alarm sounded.");
		pm->text = buf_detach(&body, NULL);
		char *d = xstrfmt("20%02zu-%02zu-01", 25 - i / 120, 12 - (i / 10) % 12);
		when_parse(&pm->date, d);
		free(d);
		pm->severity = (int)(i % 4);
		pm->status = (enum pm_status)(i % 3);
		add_term(&pm->services, &pm->nservices, services[i % 4]);
		add_term(&pm->tags, &pm->ntags, i % 2 ? "database" : "network");
		strmap_put(&c->by_id, pm->id, i);
		strmap_put(&c->all_ids, pm->id, i);
	}
}

static void test_sharded_index(void)
{
	struct corpus c;
	corpus_synthetic(&c, 1200);
	char *out1 = build(&c, "big1", 1), *out2 = build(&c, "big2", 2);
	struct buf n1 = BUF_INIT, b1 = BUF_INIT, n2 = BUF_INIT, b2 = BUF_INIT;
	size_t files, total, files2, total2;
	list_files(out1, &n1, &b1, &files, &total);
	list_files(out2, &n2, &b2, &files2, &total2);
	/* at most one file per 50 postmortems, all of them used, the same for any thread count */
	CHECK_INT(files, 1200 / 50);
	CHECK_STR(buf_cstr(&n1), buf_cstr(&n2));
	CHECK(b1.len == b2.len && !memcmp(b1.ptr, b2.ptr, b1.len));
	CHECK(total <= 1200 * 3072);
	/* Shard planning bug class: the split of this corpus into files, pinned (the
	 * browser's cold-query budget in test_search.mjs depends on it). */
	CHECK_INT(total, 450676);
	size_t dfiles = 0, tfiles = 0;
	for (const char *line = buf_cstr(&n1); *line; line = strchr(line, '\n') + 1) {
		dfiles += line[0] == 'd';
		tfiles += line[0] == 't';
	}
	CHECK_INT(dfiles, 4);
	CHECK_INT(tfiles, 18);
	fprintf(stderr, "search: 1200 postmortems: %zu files, %zu bytes (%zu a postmortem)\n",
		files, total, total / 1200);
	/* the manifest names the other parts by hashed file names */
	char *index = xstrfmt("%s/search/index.js", out1), *data;
	size_t len;
	CHECK(fs_read(index, &data, &len) == 0);
	CHECK(str_starts(data, "aftermath.load({\"m\":{\"v\":2,\"n\":1200,"));
	CHECK(strstr(data, "\"tk\":[\"\",") && strstr(data, "\"f\":\"search/f.") &&
	      strstr(data, "\"t0\":\"search/t0.") && strstr(data, "\"d0\":\"search/d0."));
	CHECK(!strstr(data, "\"t\":["));
	free(data);
	free(index);
	buf_release(&n1);
	buf_release(&b1);
	buf_release(&n2);
	buf_release(&b2);
	free(out1);
	free(out2);
	corpus_release(&c);
}

/* The index of tests/search/people for profile p, read whole (caller frees). */
static char *people_index(enum profile p, const char *name)
{
	struct corpus c;
	char *data, *out, *index;
	size_t len;
	confine_reset(); /* build() made the outputs roots: the fixture would be outside them */
	CHECK(corpus_load(&c, "tests/search/people", p, 1, false) == 0);
	out = build(&c, name, 1);
	index = xstrfmt("%s/search/index.js", out);
	CHECK(fs_read(index, &data, &len) == 0);
	free(index);
	free(out);
	corpus_release(&c);
	return data;
}

/*
 * People and action items: an internal index holds the owners, authors,
 * items (title, ticket, owner) and taxonomy terms, each card labelled by
 * where it matched; a public one holds no person's name, even where the
 * site strips nothing (its taxonomy is published: strip names none).
 */
static void test_people_index(void)
{
	char *js = people_index(PROFILE_INTERNAL, "people"),
	     *pub = people_index(PROFILE_PUBLIC, "people-public");
	CHECK(strstr(js, "[\"owner\",\"Odalys Fenn\"]") &&
	      strstr(js, "[\"author\",\"Odalys Fenn\"]"));
	CHECK(strstr(
		js,
		"[\"item\",\"Reconcile refund totals against the payments provider every night \xc2\xb7 LED-81 \xc2\xb7 Bex Marlowe\"]"));
	/* hostile names stay as written, JSON-escaped: search.js escapes them for the page */
	CHECK(strstr(
		js, "[\"owner\",\"Zora \\\"Zed\\\" Quill<script>alert(\\\"owner\\\")</script>\"]"));
	CHECK(strstr(js, "Alert on quarantine depth\\u2028before it \\\\ fills\\u2029again"));
	/* an owner is named without postings (the name's words find them); a taxonomy term with them */
	CHECK(strstr(js, "[\"odalys-fenn\",3,\"Odalys Fenn\",\"\"]") &&
	      strstr(js, "[\"acme\",4,\"Acme\",\"b3\"]"));
	CHECK(strstr(js, "[\"Company\",\"company\"]]") &&
	      strstr(js, "\"company\":[[\"acme\",\"Acme\",2],[\"initech\",\"Initech\",2]]"));
	/* a term only in tickets ("4242" of SEC-4242, "sec") is in the ticket table with its docs (PP-001 is doc 0) */
	CHECK(strstr(js, "\"k\":\"4242 0 77 0 81 1 led 00 sec 0\"") && term_index(js, "4242") < 0 &&
	      term_index(js, "ledger") >= 0);
	static const char *const names[] = {"odalys", "marlowe", "quill",
					    "zora",   "fenn",	 "\"owner\",\"Owner\""};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcasestr(pub, names[i]))
			fprintf(stderr, "public index holds %s\n", names[i]);
		CHECK(!strcasestr(pub, names[i]) && strcasestr(js, names[i]));
	}
	/* a taxonomy public.strip does not name is published, and so searchable (issue 19) */
	CHECK(strstr(pub, "\"company\":[[\"acme\",\"Acme\",2],[\"initech\",\"Initech\",2]]"));
	/* the items' titles and tickets are published (this site strips nothing) */
	CHECK(strstr(
		pub,
		"[\"item\",\"Reconcile refund totals against the payments provider every night \xc2\xb7 LED-81\"]"));
	free(js);
	free(pub);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_tokenize_vectors), TEST(test_word_offsets),  TEST(test_excerpts),
		TEST(test_varints),	     TEST(test_fixture_index), TEST(test_sharded_index),
		TEST(test_people_index),
	};
	if (!mkdtemp(tmp))
		return 1;
	int ret = harness_run("search", cases, ARRAY_SIZE(cases));
	fs_remove_tree(tmp);
	return ret;
}
