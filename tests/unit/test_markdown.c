/*
 * Unit tests for markdown.c.  Most cases are data: tests/markdown/cases.txt
 * (its head says the format) gives a body and the exact HTML, text, table of
 * contents, wiki-links, action items and diagnostics it must produce.  The
 * tests here check what a case file cannot say: link_resolve(), the fields
 * of action items, front matter that turns body items off, many threads at
 * once, and hostile sizes.
 */
#include "harness.h"
#include "load/markdown.h"

#include <pthread.h>
#include <stdlib.h>

#define CASES_FILE "tests/markdown/cases.txt"

/* ---- the case file ---------------------------------------------------------- */

enum section { S_HTML, S_TEXT, S_TOC, S_LINKS, S_ACTIONS, S_DIAG, NSECTIONS };
static const char *const section_names[NSECTIONS] = {"html",  "text",	 "toc",
						     "links", "actions", "diag"};

struct md_case {
	char *name;
	int line; /* of "%% case" in the case file */
	struct buf body;
	struct md_opts opts;
	bool page;
	int body_line;
	bool has[NSECTIONS];
	struct buf want[NSECTIONS];
};

/* The HTML with each wiki-link marker shown as {{ID}}. */
static void show_markers(struct buf *out, const char *html)
{
	const char *p = html;
	for (;;) {
		const char *a = strchr(p, WIKILINK_MARK);
		const char *b = a ? strchr(a + 1, WIKILINK_MARK) : NULL;
		if (!b)
			break;
		buf_add(out, p, (size_t)(a - p));
		buf_adds(out, "{{");
		buf_add(out, a + 1, (size_t)(b - a - 1));
		buf_adds(out, "}}");
		p = b + 1;
	}
	buf_adds(out, p);
}

static void show_toc(struct buf *out, const struct toc_entry *toc, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_addf(out, "%d %s %s\n", toc[i].level, toc[i].id, toc[i].text);
}

static void show_links(struct buf *out, const struct wikilink *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_addf(out, "%s %d:%d\n", w[i].id, w[i].loc.line, w[i].loc.col);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void show_actions(struct buf *out, const struct postmortem *pm)
{
	for (size_t i = 0; i < pm->nactions; i++) {
		const struct action_item *a = &pm->actions[i];
		char due[11] = "";
		if (a->due.set)
			when_date(&a->due, due);
		buf_addf(out, "%s | %s | %s | %s | %s | %s | %d:%d\n", ai_status_name(a->status),
			 or_dash(priority_name(a->priority)), or_dash(a->owner), or_dash(due),
			 or_dash(a->ticket), a->title, a->loc.line, a->loc.col);
	}
}

static void show_diags(struct buf *out)
{
	static const char *const level[] = {"note", "warning", "error"};
	size_t n;
	const struct diag *d = diag_list(&n);
	for (size_t i = 0; i < n; i++)
		buf_addf(out, "%s:%d:%d: %s: %s\n", d[i].file, d[i].line, d[i].col,
			 level[d[i].level], d[i].msg);
}

static void compare(const struct md_case *c, enum section s, const char *got)
{
	if (!c->has[s] && s != S_DIAG)
		return;
	const char *want = buf_cstr(&c->want[s]);
	if (!strcmp(got, want)) {
		harness_passed++;
		return;
	}
	harness_failed++;
	fprintf(stderr, "%s:%d: case \"%s\": %s differs\n--- want\n%s--- got\n%s---\n", CASES_FILE,
		c->line, c->name, section_names[s], want, got);
}

static void run_page(const struct md_case *c, struct buf got[NSECTIONS], int *ret)
{
	struct page pg = {0};
	pg.path = xstrdup("pm.md");
	*ret = markdown_parse_page(&pg, buf_cstr(&c->body), c->body_line, &c->opts);
	show_markers(&got[S_HTML], pg.html);
	buf_adds(&got[S_TEXT], "(pages have no text)\n");
	show_toc(&got[S_TOC], pg.toc, pg.ntoc);
	show_links(&got[S_LINKS], pg.wikilinks, pg.nwikilinks);
	page_release(&pg);
}

static void run_pm(const struct md_case *c, struct buf got[NSECTIONS], int *ret)
{
	struct postmortem pm = {0};
	pm.path = xstrdup("pm.md");
	pm.body = xstrdup(buf_cstr(&c->body));
	pm.body_line = c->body_line;
	*ret = markdown_parse(&pm, &c->opts);
	show_markers(&got[S_HTML], pm.html);
	buf_adds(&got[S_TEXT], pm.text);
	show_toc(&got[S_TOC], pm.toc, pm.ntoc);
	show_links(&got[S_LINKS], pm.wikilinks, pm.nwikilinks);
	show_actions(&got[S_ACTIONS], &pm);
	CHECK(pm.actions_from_body == (pm.nactions > 0));
	pm_release(&pm);
}

static void run_case(const struct md_case *c)
{
	struct buf got[NSECTIONS] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	int ret;
	diag_clear();
	if (c->page)
		run_page(c, got, &ret);
	else
		run_pm(c, got, &ret);
	show_diags(&got[S_DIAG]);
	diag_clear();
	for (int s = 0; s < NSECTIONS; s++) {
		compare(c, (enum section)s, buf_cstr(&got[s]));
		buf_release(&got[s]);
	}
	/* warnings return 0 */
	if (ret != (strstr(buf_cstr(&c->want[S_DIAG]), ": error: ") ? -1 : 0)) {
		harness_failed++;
		fprintf(stderr, "%s:%d: case \"%s\": returned %d\n", CASES_FILE, c->line, c->name,
			ret);
	}
}

static void case_release(struct md_case *c)
{
	free(c->name);
	buf_release(&c->body);
	for (int s = 0; s < NSECTIONS; s++)
		buf_release(&c->want[s]);
	memset(c, 0, sizeof(*c));
}

static void case_file_error(int lineno, const char *what, const char *line)
{
	harness_failed++;
	fprintf(stderr, "%s:%d: %s: %s\n", CASES_FILE, lineno, what, line);
}

/*
 * A "%%" line inside a case: an option, a section, or the end (false).
 * After an option, *section is NSECTIONS: no text may follow until the next
 * section.
 */
static bool case_directive(struct md_case *c, const char *d, int *section, int lineno)
{
	if (!strcmp(d, "end"))
		return false;
	for (int s = 0; s < NSECTIONS; s++)
		if (!strcmp(d, section_names[s])) {
			*section = s;
			c->has[s] = true;
			return true;
		}
	*section = NSECTIONS;
	if (!strcmp(d, "allow_html"))
		c->opts.allow_html = true;
	else if (!strcmp(d, "strip_internal"))
		c->opts.strip_internal = true;
	else if (!strcmp(d, "page"))
		c->page = true;
	else if (!strncmp(d, "line=", 5))
		c->body_line = atoi(d + 5);
	else
		case_file_error(lineno, "unknown directive", d);
	return true;
}

static void test_case_file(void)
{
	FILE *f = fopen(CASES_FILE, "r");
	char line[4096];
	struct md_case c = {0};
	int lineno = 0, section = -1, ncases = 0;
	bool in_case = false;
	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!in_case && !strncmp(line, "%% case ", 8)) {
			line[strcspn(line, "\n")] = '\0';
			c.name = xstrdup(line + 8);
			c.line = lineno;
			c.body_line = 1;
			in_case = true;
			section = -1;
		} else if (in_case && !strncmp(line, "%% ", 3)) {
			line[strcspn(line, "\n")] = '\0';
			if (!case_directive(&c, line + 3, &section, lineno)) {
				run_case(&c);
				case_release(&c);
				ncases++;
				in_case = false;
			}
		} else if (in_case && section == NSECTIONS) {
			case_file_error(lineno, "text after an option", line);
		} else if (in_case) {
			buf_adds(section < 0 ? &c.body : &c.want[section], line);
		}
	}
	fclose(f);
	CHECK(!in_case);
	CHECK(ncases >= 40); /* the parser of this file still finds them all */
	case_release(&c);
}

/* ---- link_resolve ------------------------------------------------------------ */

struct resolver_log {
	struct buf ids; /* every id asked for, one a line */
};

static bool resolver(void *ctx, const char *id, const char **url, const char **title)
{
	struct resolver_log *log = ctx;
	buf_addf(&log->ids, "%s\n", id);
	if (!strcmp(id, "PM-1")) {
		*url = "../pm-1/?a=1&b=\"2\"";
		*title = "Pool <script>alert(1)</script> & 'co'";
		return true;
	}
	if (!strcmp(id, "A&B <x>")) {
		*url = "../a-b-x/";
		*title = "A&B";
		return true;
	}
	return false;
}

static struct postmortem parse(const char *body, struct md_opts opts)
{
	struct postmortem pm = {0};
	pm.path = xstrdup("pm.md");
	pm.body = xstrdup(body);
	pm.body_line = 10;
	markdown_parse(&pm, &opts);
	return pm;
}

static void test_link_resolve(void)
{
	struct postmortem pm = parse(
		"See [[PM-1]], [[PM-404]], [[A&amp;B &lt;x&gt;]] and [[&lt;b&gt;\"q\"&lt;/b&gt;]].\n",
		(struct md_opts){0});
	struct resolver_log log = {BUF_INIT};
	struct buf out = BUF_INIT;
	buf_adds(&out, "kept:");
	link_resolve(&out, pm.html, resolver, &log);
	CHECK_STR(
		buf_cstr(&out),
		"kept:<p>See <a class=\"wikilink\" href=\"../pm-1/?a=1&amp;b=&quot;2&quot;\">"
		"Pool &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;co&#39;</a>, [[PM-404]], "
		"<a class=\"wikilink\" href=\"../a-b-x/\">A&amp;B</a> and [[&lt;b&gt;&quot;q&quot;&lt;/b&gt;]].</p>\n");
	CHECK_STR(buf_cstr(&log.ids), "PM-1\nPM-404\nA&B <x>\n<b>\"q\"</b>\n");
	CHECK_INT(pm.nwikilinks, 4);
	CHECK_STR(pm.nwikilinks == 4 ? pm.wikilinks[3].id : "", "<b>\"q\"</b>");
	buf_release(&out);
	buf_release(&log.ids);
	pm_release(&pm);
}

/* Wiki-link bug class: an id with an apostrophe or a quote asked for still escaped (O&#39;Brien: never found). */
static void test_link_resolve_quotes_in_ids(void)
{
	struct postmortem pm =
		parse("See [[O'Brien's \"lab\"]] and [[a &amp;lt; b]].\n", (struct md_opts){0});
	struct resolver_log log = {BUF_INIT};
	struct buf out = BUF_INIT;
	link_resolve(&out, pm.html, resolver, &log);
	CHECK_STR(buf_cstr(&log.ids), "O'Brien's \"lab\"\na &lt; b\n");
	CHECK_STR(buf_cstr(&out),
		  "<p>See [[O&#39;Brien&#39;s &quot;lab&quot;]] and [[a &amp;lt; b]].</p>\n");
	buf_release(&out);
	buf_release(&log.ids);
	pm_release(&pm);
}

static void test_link_resolve_without_markers(void)
{
	struct resolver_log log = {BUF_INIT};
	struct buf out = BUF_INIT;
	link_resolve(&out, "<p>no links &amp; [[text]]</p>\n", resolver, &log);
	CHECK_STR(buf_cstr(&out), "<p>no links &amp; [[text]]</p>\n");
	buf_reset(&out);
	link_resolve(&out, "", resolver, &log);
	CHECK_STR(buf_cstr(&out), "");
	link_resolve(&out,
		     "a\x1a"
		     "b",
		     resolver, &log); /* a lone mark is left alone */
	CHECK_STR(buf_cstr(&out), "a\x1a"
				  "b");
	CHECK_STR(buf_cstr(&log.ids), "");
	buf_release(&out);
	buf_release(&log.ids);
}

/* How many times needle occurs in s. */
static size_t occurrences(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/*
 * A short body is parsed in a block of its own memory, a long one (over a
 * MiB) with malloc: both give the same HTML, headings with ids and
 * wiki-links included, and (under ASan) free all they took.
 */
static void test_short_and_long_bodies(void)
{
	const char *part = "## Root cause\n\nSee [[PM-1]] and `code`, *twice*: [[PM-2]].\n\n"
			   "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n";
	struct buf body = BUF_INIT;
	buf_adds(&body, "# Title\n\n");
	size_t n = 0;
	while (body.len <= (1u << 20)) {
		buf_adds(&body, part);
		n++;
	}
	struct md_limits lim = md_limits_default;
	lim.max_size = 4 << 20; /* a site that allows long bodies (markdown.max_size) */
	struct postmortem small = parse(part, (struct md_opts){0});
	struct postmortem big = parse(buf_cstr(&body), (struct md_opts){.limits = &lim});
	CHECK(small.html && big.html);
	if (small.html && big.html) {
		CHECK(strstr(big.html,
			     "<h1 id=\"title\">Title<a class=\"anchor\" href=\"#title\" aria-label=\"Link to this section\">#</a></h1>") !=
		      NULL);
		CHECK(strstr(small.html,
			     "<h2 id=\"root-cause\">Root cause<a class=\"anchor\" href=\"#root-cause\" aria-label=\"Link to this section\">#</a></h2>") !=
		      NULL);
		CHECK(strstr(big.html,
			     "<h2 id=\"root-cause\">Root cause<a class=\"anchor\" href=\"#root-cause\" aria-label=\"Link to this section\">#</a></h2>") !=
		      NULL);
		CHECK_INT(occurrences(big.html, "<h2 id=\"root-cause-"), n - 1);
		CHECK_INT(occurrences(small.html, "<table>"), 1);
		CHECK_INT(occurrences(big.html, "<table>"), n);
		CHECK_INT(occurrences(big.html, "aria-label=\"done\""), n);
		CHECK_INT(big.nwikilinks, 2 * n);
		CHECK_INT(small.nwikilinks, 2);
		/* the html of one part is the same in both (its heading's id aside) */
		const char *p = strstr(small.html, "</h2>"), *q = strstr(big.html, "</h2>");
		CHECK(p && q && !strncmp(p, q, strlen(p)));
	}
	pm_release(&small);
	pm_release(&big);
	buf_release(&body);
}

/* ---- action items -------------------------------------------------------------- */

static const char *const actions_body =
	"## Action items\n\n"
	"- [x] Add an alert (owner: Lee Park, due: 2025-02-01, closed: 2025-01-30, "
	"priority: must, ticket: OPS-1)\n"
	"- [ ] Second\n";

/* public.strip: the annotation keys go from the parsed item, however the source spells them. */
static void test_strip_annotation_keys(void)
{
	static const char *const keys[] = {"owner", "ticket"};
	static const struct {
		const char *body, *html, *stripped;
	} cases[] = {
		{"- [ ] Add an alert (owner: Lee Park, due: 2025-02-01)\n",
		 "Add an alert (due: 2025-02-01)", "Lee Park"},
		{"- [ ] Add an alert (due: 2025-02-01, owner:\n  Lee Park)\n",
		 "Add an alert (due: 2025-02-01)", "Lee Park"},
		{"- [ ] Add an alert (owner&#58; Lee Park, due: 2025-02-01)\n",
		 "Add an alert (due: 2025-02-01)", "Lee Park"},
		{"- [ ] Add an alert (owner\\: Lee Park)\n", "Add an alert</li>", "Lee Park"},
		{"- [ ] Add an *alert* (*owner*: Lee Park, ticket: OPS-1)\n",
		 "Add an <em>alert</em></li>", "Lee Park"},
		{"- [ ] Add an alert (owner: **Lee\n  Park**)\n", "Add an alert</li>", "Lee Park"},
		{"- [x] Add an alert (Owner: Lee Park, priority: must)\n",
		 "Add an alert (priority: must)", "Lee Park"},
		{"Some prose.\n\n- [ ] Elsewhere (ticket: OPS-9)\n", "Elsewhere</li>", "OPS-9"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct md_opts opts = {
			.strip_internal = true, .strip_keys = keys, .nstrip_keys = 2};
		struct postmortem pm = parse(cases[i].body, opts);
		bool html = pm.html && strstr(pm.html, cases[i].html) && !strstr(pm.html, "Lee") &&
			    !strstr(pm.html, "OPS");
		if (!html)
			fprintf(stderr, "case %zu: %s\n", i, pm.html ? pm.html : "(null)");
		CHECK(html);
		CHECK(pm.text && !strstr(pm.text, "Lee") && !strstr(pm.text, "OPS"));
		CHECK(pm.nstripped >= 1);
		if (pm.nstripped)
			CHECK_STR(pm.stripped[0], cases[i].stripped);
		pm_release(&pm);
	}
	struct postmortem pm = parse("- [ ] Keep this (due: 2025-02-01)\n- [ ] And (owner ) this\n",
				     (struct md_opts){.strip_keys = keys, .nstrip_keys = 2});
	CHECK(pm.html && strstr(pm.html, "Keep this (due: 2025-02-01)") &&
	      strstr(pm.html, "And (owner ) this"));
	CHECK_INT(pm.nstripped, 0);
	pm_release(&pm);
}

static void test_action_item_fields(void)
{
	struct postmortem pm = parse(actions_body, (struct md_opts){0});
	char date[11];
	CHECK(pm.actions_from_body);
	CHECK_INT(pm.nactions, 2);
	if (pm.nactions == 2) {
		const struct action_item *a = &pm.actions[0];
		CHECK_STR(a->title, "Add an alert");
		CHECK_STR(a->owner, "Lee Park");
		CHECK_STR(a->owner_slug, "lee-park");
		CHECK_STR(a->ticket, "OPS-1");
		CHECK_INT(a->status, AI_DONE);
		CHECK_INT(a->priority, PRI_MUST);
		when_date(&a->due, date);
		CHECK_STR(date, "2025-02-01");
		CHECK(a->closed.set);
		when_date(&a->closed, date);
		CHECK_STR(date, "2025-01-30");
		CHECK_STR(a->loc.file, "pm.md");
		CHECK_INT(a->loc.line, 12);
		CHECK_INT(a->loc.col, 1);
		CHECK(pm.actions[1].owner == NULL && pm.actions[1].ticket == NULL &&
		      !pm.actions[1].due.set);
		CHECK_INT(pm.actions[1].priority, PRI_NONE);
	}
	pm_release(&pm);
}

static void test_front_matter_items_win(void)
{
	struct postmortem pm = {0};
	struct md_opts opts = {0};
	pm.path = xstrdup("pm.md");
	pm.body = xstrdup(actions_body);
	pm.body_line = 1;
	CHECK_INT(yaml_parse(pm.path, "action_items: []\n", 17, 1, &pm.front), 0);
	CHECK_INT(markdown_parse(&pm, &opts), 0);
	CHECK_INT(pm.nactions, 0);
	CHECK(!pm.actions_from_body);
	pm_release(&pm);

	pm.path = xstrdup("pm.md");
	pm.body = xstrdup(actions_body);
	pm.actions = xcalloc(1, sizeof(*pm.actions));
	pm.actions[0].title = xstrdup("From the front matter");
	pm.nactions = 1;
	CHECK_INT(markdown_parse(&pm, &opts), 0);
	CHECK_INT(pm.nactions, 1);
	CHECK_STR(pm.actions[0].title, "From the front matter");
	CHECK(!pm.actions_from_body);
	pm_release(&pm);
}

static void test_no_body(void)
{
	struct postmortem pm = {0};
	struct md_opts opts = {.strip_internal = true};
	pm.path = xstrdup("pm.md");
	CHECK_INT(markdown_parse(&pm, &opts), 0);
	CHECK_STR(pm.html, "");
	CHECK_STR(pm.text, "");
	CHECK_INT(pm.ntoc + pm.nwikilinks + pm.nactions, 0);
	pm_release(&pm);
}

/* ---- threads --------------------------------------------------------------------- */

static const char *const thread_bodies[] = {
	"# T\n\n## Root cause\n\nSee [[PM-1]] and [[PM-2]].\n\n| a | b |\n|---|---|\n| [[PM-3]] | x |\n",
	"## Action items\n\n- [ ] One (owner: A, due: 2025-01-01)\n- [x] Two (priority: nice)\n",
	"text[^1] ~~x~~ www.example.com <b>raw</b> [bad](javascript:x)\n\n[^1]: note\n",
	"<!-- internal -->\nsecret\n<!-- /internal -->\n\n## Public\n\nok\n",
	/* no trigger ("~", "www.", "://"): parsed under the shared lock, with many "w" and ":" */
	"## Window\n\nwhile we wait: we were worried, wow.\n\n| when | what |\n|---|---|\n| 10:00 | www down? no |\n",
	/* triggers, in text and in a table row: parsed alone */
	"See https://example.com/a and WWW.example.org.\n\n| a | b |\n|---|---|\n| ~~old~~ | www.x.io |\n",
};

#define THREADS 4
#define ROUNDS	50

struct thread_job {
	char **want; /* the single-threaded result for each body */
	int mismatches;
};

static char *render_body(const char *body)
{
	struct postmortem pm = parse(body, (struct md_opts){.strip_internal = true});
	char *out = xstrfmt("%s--\n%s--\n%zu %zu %zu", pm.html, pm.text, pm.ntoc, pm.nwikilinks,
			    pm.nactions);
	pm_release(&pm);
	return out;
}

static void *thread_main(void *arg)
{
	struct thread_job *job = arg;
	for (int r = 0; r < ROUNDS; r++)
		for (size_t i = 0; i < ARRAY_SIZE(thread_bodies); i++) {
			char *got = render_body(thread_bodies[i]);
			job->mismatches += strcmp(got, job->want[i]) != 0;
			free(got);
		}
	return NULL;
}

/* Several threads render the same bodies at once and get what one thread gets. */
static void test_threads(void)
{
	char *want[ARRAY_SIZE(thread_bodies)];
	struct thread_job jobs[THREADS];
	pthread_t tid[THREADS];
	for (size_t i = 0; i < ARRAY_SIZE(thread_bodies); i++)
		want[i] = render_body(thread_bodies[i]);
	for (int t = 0; t < THREADS; t++) {
		jobs[t] = (struct thread_job){want, 0};
		CHECK_INT(pthread_create(&tid[t], NULL, thread_main, &jobs[t]), 0);
	}
	for (int t = 0; t < THREADS; t++) {
		pthread_join(tid[t], NULL);
		CHECK_INT(jobs[t].mismatches, 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(thread_bodies); i++)
		free(want[i]);
	diag_clear();
}

/* ---- hostile sizes: each would take minutes if anything were quadratic ----------- */

static char *repeat(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_adds(&b, s);
	return buf_detach(&b, NULL);
}

static void test_hostile_sizes(void)
{
	char *body = repeat("[[", 100000);
	struct postmortem pm = parse(body, (struct md_opts){0});
	CHECK_INT(pm.nwikilinks, 0);
	pm_release(&pm);
	free(body);

	body = repeat("[[x]] ", 30000);
	pm = parse(body, (struct md_opts){0});
	CHECK_INT(pm.nwikilinks, 30000);
	CHECK_INT(pm.nwikilinks ? pm.wikilinks[29999].loc.col : 0, 6 * 29999 + 1);
	pm_release(&pm);
	free(body);

	body = repeat("\\[[x]] &amp; ", 20000);
	pm = parse(body, (struct md_opts){0});
	CHECK_INT(pm.nwikilinks, 0);
	pm_release(&pm);
	free(body);

	body = repeat("## Same\n", 20000);
	pm = parse(body, (struct md_opts){0});
	CHECK_INT(pm.ntoc, 20000);
	CHECK_STR(pm.ntoc ? pm.toc[19999].id : "", "same-20000");
	pm_release(&pm);
	free(body);

	body = repeat("<!-- internal -->\nx\n<!-- /internal -->\n", 20000);
	pm = parse(body, (struct md_opts){.strip_internal = true});
	CHECK_STR(pm.html, "");
	pm_release(&pm);
	free(body);
	CHECK_INT(diag_count(DIAG_ERROR), 0);
}

/*
 * What cmark-gfm 0.29.0.gfm.6 parses in quadratic time (each took seconds to
 * minutes at these sizes) is refused by the screen before it parses, with
 * a diagnostic naming the construct and the setting, and renders as nothing.
 */
static void test_pathological(void)
{
	static const struct {
		const char *piece, *head, *tail;
		size_t n;
		const char *diag;
	} cases[] = {
		{"![[]()", "", "", 60000, "pm.md:10:769: error: more than 128 images"},
		{"a|", "|a|\n|-|\n", "", 20000, "pm.md:12:1: error: table row has 20000 cells"},
		{"a|", "", "\n|-|\n", 20000, "pm.md:10:1: error: table header has 20000 cells"},
		{"www.a_", "", "", 20000, "pm.md:10:97: error: more than 16 autolinks"},
		{"a@a.", "", "", 30000, "pm.md:10:66: error: more than 16 autolinks"},
		{"> ", "", "a\nb\nb\n", 20000,
		 "pm.md:10:40001: error: block quotes and lists nested 20000 deep"},
		{"|\n", "|a|b|c|d|e|f|g|h|i|j|\n|-|-|-|-|-|-|-|-|-|-|\n", "", 20000,
		 "pm.md:10011:1: error: tables have more than 100000 cells"},
		{"- ", "", "a\n", 40, "pm.md:10:81: error: block quotes and lists nested 40 deep"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;
		buf_adds(&b, cases[i].head);
		for (size_t k = 0; k < cases[i].n; k++)
			buf_adds(&b, cases[i].piece);
		buf_adds(&b, cases[i].tail);
		struct postmortem pm = parse(buf_cstr(&b), (struct md_opts){0});
		size_t n;
		const struct diag *d = diag_list(&n);
		struct buf got = BUF_INIT;
		if (n)
			buf_addf(&got, "%s:%d:%d: error: %s", d[0].file, d[0].line, d[0].col,
				 d[0].msg);
		CHECK(n == 1 && !strncmp(buf_cstr(&got), cases[i].diag, strlen(cases[i].diag)));
		if (n != 1 || strncmp(buf_cstr(&got), cases[i].diag, strlen(cases[i].diag)))
			fprintf(stderr, "  got \"%s\", want \"%s...\"\n", buf_cstr(&got),
				cases[i].diag);
		CHECK_STR(pm.html, "");
		buf_release(&got);
		buf_release(&b);
		pm_release(&pm);
		diag_clear();
	}
}

/* site.yaml's limits reach the screen; a body within them parses as before. */
static void test_limits_option(void)
{
	struct md_limits lim = md_limits_default;
	lim.max_nesting = 2;
	struct postmortem pm = parse("> > > x\n", (struct md_opts){.limits = &lim});
	CHECK_INT(diag_count(DIAG_ERROR), 1);
	pm_release(&pm);
	diag_clear();
	pm = parse("> > x\n", (struct md_opts){.limits = &lim});
	CHECK_STR(pm.html, "<blockquote>\n<blockquote>\n<p>x</p>\n</blockquote>\n</blockquote>\n");
	CHECK_INT(diag_count(DIAG_ERROR), 0);
	pm_release(&pm);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_case_file),
		TEST(test_link_resolve),
		TEST(test_link_resolve_without_markers),
		TEST(test_link_resolve_quotes_in_ids),
		TEST(test_short_and_long_bodies),
		TEST(test_action_item_fields),
		TEST(test_strip_annotation_keys),
		TEST(test_front_matter_items_win),
		TEST(test_no_body),
		TEST(test_threads),
		TEST(test_hostile_sizes),
		TEST(test_pathological),
		TEST(test_limits_option),
	};
	return harness_run("markdown", cases, ARRAY_SIZE(cases));
}
