/*
 * Unit tests for redact.c: rules and the hook change exactly the text they
 * should, every change is recorded at the source's line and column, internal
 * blocks are left to the Markdown stage, and bad rules or hooks are errors.
 */
#include "base/fsutil.h"
#include "base/parallel.h"
#include "harness.h"
#include "load/frontmatter.h"
#include "load/markdown.h"
#include "publish/redact.h"

#include <stdlib.h>
#include <unistd.h>

static char *dir; /* a fresh content directory per test */

static void write_file(const char *rel, const char *text)
{
	char *p = path_join(dir, rel);
	fs_write(p, text, strlen(text));
	free(p);
}

static void site_with(struct site *s, const char *yaml, const char *hook)
{
	char tmpl[] = "/tmp/test-redact-XXXXXX";
	free(dir);
	dir = xstrdup(mkdtemp(tmpl));
	write_file("site.yaml", yaml);
	if (hook)
		write_file("scripts/redact.lua", hook);
	site_init(s);
	CHECK(site_load(s, dir) == 0);
}

static void cleanup(struct site *s)
{
	site_release(s);
	fs_remove_tree(dir);
	diag_clear();
}

/* Parse rel (written with text) as a postmortem. */
static int load_pm(struct postmortem *pm, const struct site *s, const char *rel, const char *text)
{
	memset(pm, 0, sizeof(*pm));
	write_file(rel, text);
	pm->path = path_join(dir, rel);
	pm->rel = xstrdup(rel);
	return frontmatter_parse(pm, s, text, strlen(text));
}

/* "file:line:col: field: before -> after (rule N)" with the directory cut off. */
static char *describe(const struct redaction *r)
{
	const char *f = str_starts(r->file, dir) ? r->file + strlen(dir) + 1 : r->file;
	return xstrfmt("%s:%d:%d: %s: %s -> %s (%d)", f, r->line, r->col, r->field, r->before,
		       r->after, r->rule);
}

static void check_log(struct redactor *r, const char *const *want, size_t nwant)
{
	size_t n;
	const struct redaction *log = redactor_log(r, &n);
	CHECK_INT(n, nwant);
	for (size_t i = 0; i < n && i < nwant; i++) {
		char *got = describe(&log[i]);
		CHECK_STR(got, want[i]);
		free(got);
	}
}

/* The last diagnostic's text, "file:line:col: level: msg", directory cut off. */
static char *diag_text(size_t i)
{
	size_t n;
	const struct diag *d = diag_list(&n);
	if (i >= n)
		return xstrdup("(none)");
	static const char *const level[] = {"note", "warning", "error"};
	const char *f = str_starts(d[i].file, dir) ? d[i].file + strlen(dir) + 1 : d[i].file;
	return xstrfmt("%s:%d:%d: %s: %s", f, d[i].line, d[i].col, level[d[i].level], d[i].msg);
}

static const char site_rules[] = "title: T\n"
				 "public:\n"
				 "  redact:\n"
				 "    - pattern: '\\b10\\.\\d+\\.\\d+\\.\\d+\\b'\n"
				 "      replace: '[internal address]'\n"
				 "    - pattern: '(?i)\\b[a-z0-9-]+\\.corp\\.example\\.com\\b'\n"
				 "      replace: '[internal host]'\n"
				 "    - pattern: 'Priya\\s+Natarajan|Tom Ruiz'\n"
				 "      replace: '[name]'\n";

static const char pm_text[] = "---\n"
			      "id: PM-1\n"
			      "title: Outage of db-7.corp.example.com\n"
			      "date: 2024-03-14\n"
			      "owner: Tom Ruiz\n"
			      "summary: \"Traffic to 10.1.2.3 and 10.4.5.6 failed\"\n"
			      "services: [checkout, db-7.corp.example.com]\n"
			      "contributing_factors:\n"
			      "  - name: load on 10.9.9.9\n"
			      "impact:\n"
			      "  description: |\n"
			      "    first line\n"
			      "    then 10.0.0.1 went away\n"
			      "action_items:\n"
			      "  - title: Page Priya Natarajan on 10.2.2.2\n"
			      "    owner: Priya Natarajan\n"
			      "    ticket: OPS-1\n"
			      "---\n"
			      "## Summary\n"
			      "\n"
			      "We saw 10.7.7.7 and *Priya\n"
			      "Natarajan* paged db-1.CORP.example.com.\n"
			      "<!-- internal -->\n"
			      "Kept for markdown to drop: 10.8.8.8\n"
			      "<!-- /internal -->\n"
			      "Tom Ruiz wrote it.\n";

static void test_rules_fields_and_locations(void)
{
	struct site s;
	struct postmortem pm;
	site_with(&s, site_rules, NULL);
	CHECK(load_pm(&pm, &s, "postmortems/pm-1.md", pm_text) == 0);
	struct redactor *r = redactor_new(&s, dir, 2);
	CHECK(r != NULL);
	CHECK(redactor_active(r));
	CHECK(redact_pm(r, 1, &pm, pm_text, strlen(pm_text)) == 0);
	CHECK_STR(pm.title, "Outage of [internal host]");
	CHECK_STR(pm.summary, "Traffic to [internal address] and [internal address] failed");
	CHECK_STR(pm.owner, "[name]");
	CHECK_STR(pm.owner_slug, "name");
	CHECK_STR(pm.services[1].name, "[internal host]");
	CHECK_STR(pm.services[1].slug, "internal-host");
	CHECK_STR(pm.services[0].name, "checkout");
	CHECK_STR(pm.factors[0].name, "load on [internal address]");
	CHECK_STR(pm.factors[0].slug, "load-on-internal-address");
	CHECK_STR(pm.impact.description, "first line\nthen [internal address] went away\n");
	CHECK_STR(pm.actions[0].title, "Page [name] on [internal address]");
	CHECK_STR(pm.actions[0].owner, "[name]");
	CHECK_STR(
		pm.body,
		"## Summary\n\nWe saw [internal address] and *[name]* paged [internal host].\n"
		"<!-- internal -->\nKept for markdown to drop: 10.8.8.8\n<!-- /internal -->\n[name] wrote it.\n");
	static const char *const want[] = {
		"postmortems/pm-1.md:3:18: title: db-7.corp.example.com -> [internal host] (1)",
		"postmortems/pm-1.md:5:8: owner: Tom Ruiz -> [name] (2)",
		"postmortems/pm-1.md:6:22: summary: 10.1.2.3 -> [internal address] (0)",
		"postmortems/pm-1.md:6:35: summary: 10.4.5.6 -> [internal address] (0)",
		"postmortems/pm-1.md:7:22: services: db-7.corp.example.com -> [internal host] (1)",
		"postmortems/pm-1.md:9:19: factors: 10.9.9.9 -> [internal address] (0)",
		"postmortems/pm-1.md:13:10: impact.description: 10.0.0.1 -> [internal address] (0)",
		"postmortems/pm-1.md:15:17: action_items.title: Priya Natarajan -> [name] (2)",
		"postmortems/pm-1.md:15:36: action_items.title: 10.2.2.2 -> [internal address] (0)",
		"postmortems/pm-1.md:16:12: action_items.owner: Priya Natarajan -> [name] (2)",
		"postmortems/pm-1.md:21:8: body: 10.7.7.7 -> [internal address] (0)",
		"postmortems/pm-1.md:21:22: body: Priya\nNatarajan -> [name] (2)",
		"postmortems/pm-1.md:22:18: body: db-1.CORP.example.com -> [internal host] (1)",
		"postmortems/pm-1.md:26:1: body: Tom Ruiz -> [name] (2)",
	};
	check_log(r, want, ARRAY_SIZE(want));
	size_t nb;
	const struct internal_block *b = redactor_blocks(r, &nb);
	CHECK_INT(nb, 1);
	CHECK_INT(nb ? b[0].first : 0, 23);
	CHECK_INT(nb ? b[0].last : 0, 25);
	CHECK_STR(nb ? b[0].id : "", "PM-1");
	/* The Markdown stage then drops the block; nothing redactable is left. */
	struct md_opts opts = {.strip_internal = true};
	CHECK(markdown_parse(&pm, &opts) == 0);
	CHECK(!strstr(pm.text, "10.8.8.8"));
	CHECK(!strstr(pm.html, "10."));
	CHECK(strstr(pm.html, "<em>[name]</em> paged [internal host]") != NULL);
	redactor_free(r);
	pm_release(&pm);
	cleanup(&s);
}

static void test_replacement_groups(void)
{
	struct site s;
	site_with(&s,
		  "public:\n  redact:\n"
		  "    - pattern: '(\\w+)@(example)\\.com'\n      replace: '$1 at ${2} ($$)'\n"
		  "    - pattern: '(?=e)'\n      replace: 'never for an empty match'\n",
		  NULL);
	struct redactor *r = redactor_new(&s, dir, 1);
	char *t = xstrdup("mail ann@example.com or bo@example.com");
	struct loc at = {"f.md", 3, 5};
	CHECK(redact_text(r, 0, &t, "summary", &at, true, "X-1", "f.md") == 0);
	CHECK_STR(t, "mail ann at example ($) or bo at example ($)");
	static const char *const want[] = {
		"f.md:3:10: summary: ann@example.com -> ann at example ($) (0)",
		"f.md:3:29: summary: bo@example.com -> bo at example ($) (0)",
	};
	check_log(r, want, ARRAY_SIZE(want));
	free(t);
	redactor_free(r);
	cleanup(&s);
}

/*
 * Redaction bug class: a group that took no part in the match, or one past
 * the last that did, written as stale or random text instead of nothing.
 * Rule 1 sets group 1 on "xy"; rule 2's ${1} is a group it does not have,
 * rule 3's (a)? group 1 takes no part in "b", rule 4's $2 is past the two
 * groups that matched "cd".
 */
static void test_replacement_groups_that_did_not_match(void)
{
	struct site s;
	site_with(&s,
		  "public:\n  redact:\n"
		  "    - pattern: '(x)y'\n      replace: '<$1>'\n"
		  "    - pattern: 'q'\n      replace: '[${1}]'\n"
		  "    - pattern: '(a)?b'\n      replace: '{$1}'\n"
		  "    - pattern: '(c)d(e)?'\n      replace: '($1|$2|$3)'\n",
		  NULL);
	struct redactor *r = redactor_new(&s, dir, 1);
	char *t = xstrdup("xy q b cd");
	struct loc at = {"f.md", 3, 5};
	CHECK(redact_text(r, 0, &t, "summary", &at, true, "X-1", "f.md") == 0);
	CHECK_STR(t, "<x> [] {} (c||)");
	free(t);
	redactor_free(r);
	cleanup(&s);
}

/*
 * Redaction bug classes: a pattern with more than nine groups whose ${10}
 * comes out empty (match data sized for nine), a redactor made for 0
 * workers (it has one), and the log of two rules changing the same place
 * in rule order (rule 2 rewrites what rule 1 wrote).
 */
static void test_ten_groups_zero_workers_and_rule_order(void)
{
	struct site s;
	site_with(
		&s,
		"public:\n  redact:\n"
		"    - pattern: '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)'\n      replace: '[$1${10}${11}]'\n"
		"    - pattern: 'secret'\n      replace: 'X'\n"
		"    - pattern: 'X'\n      replace: 'Y'\n",
		NULL);
	struct redactor *r = redactor_new(&s, dir, 0);
	char *t = xstrdup("abcdefghijk and a secret");
	struct loc at = {"f.md", 3, 5};
	CHECK(redact_text(r, 0, &t, "summary", &at, true, "X-1", "f.md") == 0);
	CHECK_STR(t, "[ajk] and a Y");
	static const char *const want[] = {
		"f.md:3:5: summary: abcdefghijk -> [ajk] (0)",
		"f.md:3:23: summary: secret -> X (1)",
		"f.md:3:23: summary: X -> Y (2)",
	};
	check_log(r, want, ARRAY_SIZE(want));
	free(t);
	redactor_free(r);
	cleanup(&s);
}

/* Diff bug class: a hook deleting one of two equal words reported as changing the wrong span. */
static void test_diff_of_a_deleted_repeat(void)
{
	struct site s;
	site_with(&s, "title: T\n",
		  "function redact(text) return (text:gsub('very very', 'very')) end\n");
	struct redactor *r = redactor_new(&s, dir, 1);
	char *t = xstrdup("a very very long day");
	struct loc at = {"f.md", 1, 1};
	CHECK(redact_text(r, 0, &t, "body", &at, true, NULL, NULL) == 0);
	CHECK_STR(t, "a very long day");
	size_t n;
	const struct redaction *log = redactor_log(r, &n);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(log[0].before, "very ");
		CHECK_STR(log[0].after, "");
	}
	free(t);
	redactor_free(r);
	cleanup(&s);
}

static void test_runaway_pattern_is_an_error(void)
{
	struct site s;
	site_with(&s, "public:\n  redact:\n    - pattern: '(a+)+$'\n      replace: x\n", NULL);
	struct redactor *r = redactor_new(&s, dir, 1);
	char *t = xstrdup("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");
	struct loc at = {"f.md", 2, 3};
	CHECK(redact_text(r, 0, &t, "summary", &at, false, "PM-7", NULL) < 0);
	char *d0 = diag_text(0), *d1 = diag_text(1);
	CHECK_STR(
		d0,
		"site.yaml:3:16: error: redact pattern failed on summary of PM-7: match limit exceeded");
	CHECK_STR(d1, "f.md:2:3: note: the text that made it fail starts here");
	free(d0);
	free(d1);
	free(t);
	redactor_free(r);
	cleanup(&s);
}

/*
 * PCRE2's limit holds for one match: a pattern that backtracks over the
 * rest of the text at each of its matches stayed under it on every match and
 * took minutes on 40 KB.  The file's budget ends it after a few hundred.
 */
static void test_budget_over_many_matches(void)
{
	struct site s;
	site_with(&s, "public:\n  redact:\n    - pattern: 'q(?=(?:q|b)*$)'\n      replace: x\n",
		  NULL);
	struct redactor *r = redactor_new(&s, dir, 1);
	char *t = xmalloc(40001);
	memset(t, 'q', 40000);
	t[40000] = '\0';
	struct loc at = {"f.md", 9, 1};
	CHECK(redact_text(r, 0, &t, "body", &at, true, "PM-7", NULL) < 0);
	char *d0 = diag_text(0), *d1 = diag_text(1);
	CHECK(str_starts(
		d0,
		"site.yaml:3:16: error: redact pattern is too slow on body of PM-7: the file's matching "
		"budget ran out after "));
	CHECK_STR(d1, "f.md:9:1: note: the text it was matching starts here");
	free(d0);
	free(d1);
	CHECK(t[0] == 'q'); /* the text is left as it was */
	free(t);
	redactor_free(r);
	cleanup(&s);
}

/* Matches in one file are capped, and each file starts a new budget. */
static void test_match_cap_and_fresh_budgets(void)
{
	struct site s;
	site_with(&s, "public:\n  redact:\n    - pattern: 'q'\n      replace: x\n", NULL);
	struct redactor *r = redactor_new(&s, dir, 1);
	struct loc at = {"f.md", 1, 1};
	char *t = xmalloc(60001);
	memset(t, 'q', 60000);
	t[60000] = '\0';
	CHECK(redact_text(r, 0, &t, "body", &at, true, "PM-7", NULL) < 0);
	char *d0 = diag_text(0);
	CHECK(str_starts(
		d0,
		"site.yaml:3:16: error: redact pattern is too slow on body of PM-7: more than 50000 "
		"matches after 50001 matches"));
	free(d0);
	diag_clear();
	for (int i = 0; i < 3; i++) { /* 3 x 40,000 matches: each text is within its own budget */
		t[40000] = '\0';
		memset(t, 'q', 40000);
		CHECK(redact_text(r, 0, &t, "body", &at, true, "PM-7", NULL) == 0);
		CHECK(t[0] == 'x' && t[39999] == 'x');
	}
	CHECK_INT(diag_count(DIAG_ERROR), 0);
	free(t);
	redactor_free(r);
	cleanup(&s);
}

static void test_no_rules_no_change(void)
{
	struct site s;
	struct postmortem pm;
	site_with(&s, "title: T\npublic:\n  strip: [owner]\n", NULL);
	CHECK(load_pm(&pm, &s, "a.md", pm_text) == 0);
	struct redactor *r = redactor_new(&s, dir, 1);
	CHECK(!redactor_active(r));
	CHECK(redact_pm(r, 0, &pm, NULL, 0) == 0);
	CHECK_STR(pm.title, "Outage of db-7.corp.example.com");
	size_t n;
	redactor_log(r, &n);
	CHECK_INT(n, 0);
	redactor_blocks(r, &n);
	CHECK_INT(n, 1); /* blocks are listed for the report even without rules */
	redactor_free(r);
	pm_release(&pm);
	cleanup(&s);
}

static const char hook[] =
	"-- customers are named in many ways\n"
	"function redact(text, field, doc)\n"
	"  if field == 'tags' then return nil end\n"
	"  if field == 'title' and doc.id == 'PM-1' then text = text .. ' (public)' end\n"
	"  return (text:gsub('Acme Corp', '[customer]'):gsub('Globex', 'a retailer'))\n"
	"end\n";

static void test_hook_changes_are_diffed(void)
{
	struct site s;
	struct postmortem pm;
	const char *text =
		"---\nid: PM-1\ntitle: Acme Corp down\ndate: 2024-01-01\ntags: [Globex]\n---\n"
		"First Acme Corp, then Globex and 10.1.1.1.\n\nAgain: Acme Corp.\n";
	site_with(&s,
		  "public:\n  redact:\n    - pattern: '10\\.1\\.1\\.1'\n      replace: '[ip]'\n",
		  hook);
	CHECK(load_pm(&pm, &s, "pm.md", text) == 0);
	struct redactor *r = redactor_new(&s, dir, 1);
	CHECK(r != NULL);
	CHECK(redact_pm(r, 0, &pm, NULL, 0) == 0);
	CHECK_STR(pm.title, "[customer] down (public)");
	CHECK_STR(pm.tags[0].name, "Globex"); /* nil: unchanged */
	CHECK_STR(pm.body, "First [customer], then a retailer and [ip].\n\nAgain: [customer].\n");
	static const char *const want[] = {
		"pm.md:3:8: title: Acme Corp -> [customer] (-1)",
		"pm.md:3:22: title:  ->  (public) (-1)",
		"pm.md:7:7: body: Acme Corp -> [customer] (-1)",
		"pm.md:7:23: body: Globex -> a retailer (-1)",
		"pm.md:7:34: body: 10.1.1.1 -> [ip] (0)",
		"pm.md:9:8: body: Acme Corp -> [customer] (-1)",
	};
	check_log(r, want, ARRAY_SIZE(want));
	redactor_free(r);
	pm_release(&pm);
	cleanup(&s);
}

static void test_hook_errors(void)
{
	struct site s;
	struct postmortem pm;
	const char *text = "---\nid: PM-9\ntitle: T\ndate: 2024-01-01\n---\nbody\n";
	site_with(
		&s, "title: T\n",
		"function redact(text, field)\n  if field == 'body' then return {} end\n  return text\nend\n");
	CHECK(load_pm(&pm, &s, "pm.md", text) == 0);
	struct redactor *r = redactor_new(&s, dir, 1);
	CHECK(redact_pm(r, 0, &pm, NULL, 0) < 0);
	char *d0 = diag_text(0), *d1 = diag_text(1);
	CHECK_STR(d0, "pm.md:6:1: note: while redacting body of PM-9");
	CHECK_STR(
		d1,
		"scripts/redact.lua:1:0: error: redact() must return a text or nil (got a table)");
	free(d0);
	free(d1);
	redactor_free(r);
	pm_release(&pm);
	cleanup(&s);

	site_with(&s, "title: T\n", "function redact(text)\n  error('no customer list')\nend\n");
	CHECK(load_pm(&pm, &s, "pm.md", text) == 0);
	r = redactor_new(&s, dir, 1);
	CHECK(redact_pm(r, 0, &pm, NULL, 0) < 0);
	/* a failed postmortem is not published; its text stays as it was */
	CHECK_STR(pm.title, "T");
	d0 = diag_text(0);
	CHECK(strstr(d0, "note: while redacting title of PM-9") != NULL);
	free(d0);
	d0 = diag_text(2);
	CHECK_STR(d0, "scripts/redact.lua:2:0: error: no customer list");
	free(d0);
	redactor_free(r);
	pm_release(&pm);
	cleanup(&s);

	site_with(&s, "title: T\n", "local function redact(text) return text end\n");
	CHECK(redactor_new(&s, dir, 1) == NULL);
	d0 = diag_text(0);
	CHECK_STR(
		d0,
		"scripts/redact.lua:0:0: error: scripts/redact.lua defines no function redact(text, field, doc)");
	free(d0);
	cleanup(&s);

	site_with(&s, "title: T\n", "function redact(text\n");
	CHECK(redactor_new(&s, dir, 1) == NULL);
	d0 = diag_text(0);
	CHECK(strstr(d0, "scripts/redact.lua:2:0: error:") != NULL);
	free(d0);
	cleanup(&s);
}

static void test_replacement_that_would_leak(void)
{
	struct site s;
	site_with(&s,
		  "public:\n  redact:\n"
		  "    - pattern: 'secret'\n      replace: '[secret]'\n",
		  NULL);
	CHECK(redactor_new(&s, dir, 1) == NULL);
	char *d = diag_text(0);
	CHECK_STR(
		d,
		"site.yaml:3:16: error: the replacement \"[secret]\" is matched by redact pattern 1 ('secret'), so "
		"every public build would fail its leak check (pick a replacement no pattern matches)");
	free(d);
	cleanup(&s);

	/* A field the build cannot strip would be published: refused. */
	site_with(&s, "public:\n  strip: [owner, summary]\n", NULL);
	CHECK(redactor_new(&s, dir, 1) == NULL);
	d = diag_text(0);
	CHECK_STR(
		d,
		"site.yaml:2:18: error: public.strip cannot remove \"summary\" (expected owner, authors, "
		"action_items.owner, action_items.ticket or a taxonomy's name); use a redact rule or an internal block");
	free(d);
	cleanup(&s);

	/* A later rule that rewrites the replacement is fine. */
	site_with(&s,
		  "public:\n  redact:\n"
		  "    - pattern: 'Acme'\n      replace: 'customer-host'\n"
		  "    - pattern: 'host'\n      replace: 'system'\n",
		  NULL);
	struct redactor *r = redactor_new(&s, dir, 1);
	CHECK(r != NULL);
	redactor_free(r);
	cleanup(&s);
}

static void test_pages_and_site(void)
{
	struct site s;
	site_with(&s,
		  "title: Acme status\n"
		  "services:\n"
		  "  db-7.corp.example.com:\n"
		  "    description: the database on 10.3.3.3\n"
		  "    links:\n"
		  "      - {title: Dashboard, url: 'https://grafana.corp.example.com/d/1'}\n"
		  "public:\n  redact:\n"
		  "    - pattern: '\\b10\\.\\d+\\.\\d+\\.\\d+\\b'\n      replace: '[ip]'\n"
		  "    - pattern: '[a-z0-9-]+\\.corp\\.example\\.com'\n      replace: 'internal'\n",
		  NULL);
	struct redactor *r = redactor_new(&s, dir, 1);
	CHECK(redact_site(r, &s) == 0);
	CHECK_STR(s.services[0].name, "internal");
	CHECK_STR(s.services[0].slug, "internal");
	CHECK_STR(s.services[0].description, "the database on [ip]");
	CHECK_STR(s.services[0].link_urls[0], "https://internal/d/1");
	struct page pg = {0};
	const char *text = "---\ntitle: About 10.1.1.1\n---\nAsk db-1.corp.example.com.\n";
	write_file("pages/about.md", text);
	pg.path = path_join(dir, "pages/about.md");
	pg.rel = xstrdup("pages/about.md");
	const char *body;
	int body_line;
	CHECK(frontmatter_page(&pg, text, strlen(text), &body, &body_line) == 0);
	char *own = xstrdup(body);
	CHECK(redact_page(r, 0, &pg, &own, body_line) == 0);
	CHECK_STR(pg.title, "About [ip]");
	CHECK_STR(own, "Ask internal.\n");
	static const char *const want[] = {
		"pages/about.md:2:14: page.title: 10.1.1.1 -> [ip] (0)",
		"pages/about.md:4:5: page.body: db-1.corp.example.com -> internal (1)",
		"site.yaml:3:3: services.name: db-7.corp.example.com -> internal (1)",
		"site.yaml:4:34: services.description: 10.3.3.3 -> [ip] (0)",
		"site.yaml:6:42: services.links.url: grafana.corp.example.com -> internal (1)",
	};
	check_log(r, want, ARRAY_SIZE(want));
	free(own);
	page_release(&pg);
	redactor_free(r);
	cleanup(&s);
}

static void test_diff_of_a_rewrite(void)
{
	struct site s;
	/* A hook that changes every word: one span, not hundreds of records. */
	site_with(&s, "title: T\n", "function redact(text) return (text:gsub('%w+', 'x')) end\n");
	struct redactor *r = redactor_new(&s, dir, 1);
	struct buf b = BUF_INIT;
	for (int i = 0; i < 600; i++)
		buf_addf(&b, "word%d ", i);
	char *t = buf_detach(&b, NULL);
	struct loc at = {"f.md", 1, 1};
	CHECK(redact_text(r, 0, &t, "body", &at, true, NULL, NULL) == 0);
	size_t n;
	const struct redaction *log = redactor_log(r, &n);
	CHECK_INT(n, 1);
	CHECK(n && !strncmp(log[0].before, "word0 word1", 11) &&
	      !strncmp(log[0].after, "x x x", 5));
	free(t);
	redactor_free(r);
	cleanup(&s);
}

static void test_internal_markers_match_markdown(void)
{
	struct site s;
	struct postmortem pm;
	const char *text = "---\nid: PM-5\ntitle: T\ndate: 2024-01-01\n---\n"
			   "A 10.0.0.1\n"
			   " <!-- INTERNAL -->\n"
			   "B 10.0.0.2\n"
			   "<!--/internal-->\n"
			   "<!-- inter nal -->\n"
			   "C 10.0.0.3\n"
			   "<!-- internal --> x\n"
			   "D 10.0.0.4\n"
			   "\t<!--  internal  -->\r\n"
			   "E 10.0.0.5\n"
			   "<!-- / internal -->\n"
			   "F 10.0.0.6\n";
	site_with(&s,
		  "public:\n  redact:\n    - pattern: '10\\.0\\.0\\.\\d'\n      replace: '[ip]'\n",
		  NULL);
	CHECK(load_pm(&pm, &s, "pm.md", text) == 0);
	struct redactor *r = redactor_new(&s, dir, 1);
	CHECK(redact_pm(r, 0, &pm, NULL, 0) == 0);
	struct md_opts opts = {.strip_internal = true};
	CHECK(markdown_parse(&pm, &opts) == 0);
	CHECK(!strstr(pm.html, "10.0.0.")); /* what markdown keeps was redacted... */
	CHECK(!strstr(pm.html, "B "));	    /* ...and what it drops was left alone */
	CHECK(!strstr(pm.html, "E "));
	CHECK(strstr(pm.html, "C [ip]") && strstr(pm.html, "D [ip]") && strstr(pm.html, "F [ip]"));
	size_t n;
	const struct internal_block *b = redactor_blocks(r, &n);
	CHECK_INT(n, 2);
	CHECK(n == 2 && b[0].first == 7 && b[0].last == 9 && b[1].first == 14 && b[1].last == 16);
	redactor_log(r, &n);
	CHECK_INT(n, 4);
	redactor_free(r);
	pm_release(&pm);
	cleanup(&s);
}

static void test_strip_reaches_body_annotations(void)
{
	struct site s;
	struct postmortem pm;
	const char *text = "---\nid: PM-6\ntitle: T\ndate: 2024-01-01\n---\n"
			   "## Action items\n\n"
			   "- [x] Add a path (owner: Lee Park, due: 2025-03-20, Ticket: OPS-9)\n"
			   "- [ ] Alert on latency (owner: Ana Diaz,ticket: OPS-10)  \n"
			   "  3. [ ] Nested (priority: must)\n"
			   "- Not a task (owner: Someone)\n";
	site_with(&s, "title: T\n", NULL); /* the default strip list */
	CHECK(load_pm(&pm, &s, "pm.md", text) == 0);
	struct redactor *r = redactor_new(&s, dir, 1);
	CHECK(redactor_active(r));
	CHECK(redact_pm(r, 0, &pm, NULL, 0) == 0);
	CHECK_STR(pm.body, "## Action items\n\n"
			   "- [x] Add a path (due: 2025-03-20)\n"
			   "- [ ] Alert on latency  \n"
			   "  3. [ ] Nested (priority: must)\n"
			   "- Not a task (owner: Someone)\n");
	static const char *const want[] = {
		"pm.md:8:19: body: owner: Lee Park ->  (-2)",
		"pm.md:8:53: body: Ticket: OPS-9 ->  (-2)",
		"pm.md:9:25: body: owner: Ana Diaz ->  (-2)",
		"pm.md:9:41: body: ticket: OPS-10 ->  (-2)",
	};
	check_log(r, want, ARRAY_SIZE(want));
	struct md_opts opts = {.strip_internal = true};
	CHECK(markdown_parse(&pm, &opts) == 0);
	CHECK_INT(pm.nactions, 2);
	CHECK(pm.nactions == 2 && !pm.actions[0].owner && !pm.actions[0].ticket &&
	      pm.actions[0].due.set);
	CHECK(!strstr(pm.html, "Park") && !strstr(pm.html, "OPS-") && !strstr(pm.text, "Diaz"));
	redactor_free(r);
	pm_release(&pm);
	cleanup(&s);
}

struct par {
	struct redactor *r;
	char *texts[16];
};

static void redact_one(void *ctx, size_t i, int worker)
{
	struct par *p = ctx;
	struct loc at = {"f.md", (int)i + 1, 1};
	CHECK(redact_text(p->r, worker, &p->texts[i], "body", &at, true, NULL, NULL) == 0);
}

/*
 * Strip bug class: the annotations of a line that is not a task stripped
 * (or of one that is, kept).  A task is a list item whose box is [ ], [x]
 * or [X]; an ordered item's number has at most 9 digits (CommonMark).
 */
static void test_strip_only_task_lines(void)
{
	struct site s;
	struct postmortem pm;
	const char *text = "---\nid: PM-6\ntitle: T\ndate: 2024-01-01\n---\n"
			   "## Action items\n\n"
			   "- [X] Upper box (owner: Up Per)\n"
			   "- [?] Not a box (owner: Q Person)\n"
			   "- [ ]Glued (owner: Glu Ed)\n\n"
			   "123456789. [ ] Nine digits (owner: Nine Digits)\n\n"
			   "1234567890. [ ] Ten digits (owner: Ten Digits)\n";
	site_with(&s, "title: T\n", NULL);
	CHECK(load_pm(&pm, &s, "pm.md", text) == 0);
	struct redactor *r = redactor_new(&s, dir, 1);
	CHECK(redact_pm(r, 0, &pm, NULL, 0) == 0);
	CHECK_STR(pm.body, "## Action items\n\n"
			   "- [X] Upper box\n"
			   "- [?] Not a box (owner: Q Person)\n"
			   "- [ ]Glued (owner: Glu Ed)\n\n"
			   "123456789. [ ] Nine digits\n\n"
			   "1234567890. [ ] Ten digits (owner: Ten Digits)\n");
	redactor_free(r);
	pm_release(&pm);
	cleanup(&s);
}

static void test_workers_share_nothing(void)
{
	struct site s;
	struct par p;
	site_with(&s, "public:\n  redact:\n    - pattern: 'Acme'\n      replace: '[customer]'\n",
		  "function redact(text) return (text:gsub('Globex', '[retailer]')) end\n");
	p.r = redactor_new(&s, dir, 4);
	for (int i = 0; i < 16; i++)
		p.texts[i] = xstrfmt("%d: Acme and Globex", i);
	parallel_for(16, 4, redact_one, &p);
	size_t n;
	const struct redaction *log = redactor_log(p.r, &n);
	CHECK_INT(n, 32);
	for (size_t i = 0; i < n; i++) /* sorted by line whatever thread did the work */
		CHECK_INT(log[i].line, (int)i / 2 + 1);
	for (int i = 0; i < 16; i++) {
		char *want = xstrfmt("%d: [customer] and [retailer]", i);
		CHECK_STR(p.texts[i], want);
		free(want);
		free(p.texts[i]);
	}
	redactor_free(p.r);
	cleanup(&s);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_rules_fields_and_locations),
		TEST(test_replacement_groups),
		TEST(test_replacement_groups_that_did_not_match),
		TEST(test_ten_groups_zero_workers_and_rule_order),
		TEST(test_diff_of_a_deleted_repeat),
		TEST(test_no_rules_no_change),
		TEST(test_hook_changes_are_diffed),
		TEST(test_hook_errors),
		TEST(test_replacement_that_would_leak),
		TEST(test_pages_and_site),
		TEST(test_diff_of_a_rewrite),
		TEST(test_internal_markers_match_markdown),
		TEST(test_workers_share_nothing),
		TEST(test_strip_reaches_body_annotations),
		TEST(test_strip_only_task_lines),
		TEST(test_runaway_pattern_is_an_error),
		TEST(test_budget_over_many_matches),
		TEST(test_match_cap_and_fresh_budgets),
	};
	int ret = harness_run("redact", cases, ARRAY_SIZE(cases));
	free(dir);
	return ret;
}
