/*
 * Data-driven front-matter tests: every tests/frontmatter/NAME.md is parsed
 * with the default site.yaml and its diagnostics, printed as the command
 * line prints them, must equal tests/frontmatter/NAME.expect line for line
 * (an empty .expect: the file is valid).  One bad file per rule.
 */
#include "base/fsutil.h"
#include "harness.h"
#include "load/frontmatter.h"
#include "load/markdown.h"

#include <stdlib.h>

static void diags_text(struct buf *out)
{
	size_t n;
	const struct diag *d = diag_list(&n);
	static const char *const level[] = {"note", "warning", "error"};
	for (size_t i = 0; i < n; i++) {
		if (d[i].line && d[i].col)
			buf_addf(out, "%s:%d:%d: ", d[i].file, d[i].line, d[i].col);
		else if (d[i].line)
			buf_addf(out, "%s:%d: ", d[i].file, d[i].line);
		else
			buf_addf(out, "%s: ", d[i].file);
		buf_addf(out, "%s: %s\n", level[d[i].level], d[i].msg);
	}
	diag_clear();
}

static void run_case(const struct fs_entry *e)
{
	struct site site;
	struct postmortem pm = {0};
	char *text, *want = NULL;
	size_t len, wlen;
	struct buf got = BUF_INIT;
	site_init(&site);
	pm.path = xstrdup(e->path);
	pm.rel = xstrdup(e->rel);
	if (fs_read(e->path, &text, &len) < 0) {
		CHECK(!"cannot read case");
		return;
	}
	if (frontmatter_parse(&pm, &site, text, len) == 0) {
		struct md_opts opts = {0};
		markdown_parse(&pm, &opts);
	}
	diags_text(&got);
	char *expect = xstrndup(e->path, strlen(e->path) - 3);
	char *expect_path = xstrfmt("%s.expect", expect);
	if (fs_read(expect_path, &want, &wlen) < 0) {
		diag_clear();
		want = xstrdup("(no .expect file)\n");
	}
	if (strcmp(buf_cstr(&got), want)) {
		harness_failed++;
		fprintf(stderr, "%s: diagnostics differ\n--- want\n%s--- got\n%s---\n", e->path,
			want, buf_cstr(&got));
	} else {
		harness_passed++;
	}
	free(expect);
	free(expect_path);
	free(want);
	free(text);
	buf_release(&got);
	pm_release(&pm);
	site_release(&site);
}

static void test_cases(void)
{
	struct fs_entry *e;
	size_t n;
	fs_walk("tests/frontmatter", ".md", &e, &n);
	CHECK(n >= 25);
	for (size_t i = 0; i < n; i++)
		run_case(&e[i]);
	fs_entries_free(e, n);
}

/* Every field of a complete file, parsed to the right values. */
static void test_full_file(void)
{
	struct site site;
	struct postmortem pm = {0};
	char *text;
	size_t len;
	site_init(&site);
	pm.path = xstrdup("tests/frontmatter/good-every-field.md");
	CHECK(fs_read(pm.path, &text, &len) == 0);
	CHECK(frontmatter_parse(&pm, &site, text, len) == 0);
	CHECK_STR(pm.id, "PM-2024-017");
	CHECK_STR(pm.slug, "pm-2024-017");
	CHECK_STR(pm.title, "Checkout API outage after connection pool exhaustion");
	CHECK_INT(pm.status, STATUS_COMPLETE);
	CHECK_STR(site.severities[pm.severity], "SEV2");
	CHECK_INT(pm.kind, KIND_INCIDENT);
	CHECK_INT(pm.visibility, VIS_PUBLIC);
	CHECK_STR(pm.owner, "Priya Natarajan");
	CHECK_INT(pm.nauthors, 2);
	CHECK_INT(pm.nservices, 2);
	CHECK_STR(pm.services[1].slug, "payments-db");
	CHECK_INT(pm.nfactors, 2);
	CHECK_STR(pm.factors[0].slug, "missing-rate-limiting");
	CHECK_INT(pm.factors[0].category, CAT_NONE);
	CHECK_INT(pm.factors[1].category, CAT_PROCESS);
	CHECK_INT(pm.ntags, 2);
	CHECK(pm.featured);
	CHECK_INT(pm.nrelated, 1);
	CHECK_STR(pm.related[0].name, "PM-2023-088");
	/* 16:05+02:00 is 14:05Z */
	struct when z;
	when_parse(&z, "2024-03-14T14:05:00Z");
	CHECK(pm.impact.started.epoch == z.epoch);
	char iso[21];
	when_iso(&pm.impact.started, iso);
	CHECK_STR(iso, "2024-03-14T14:05:00Z");
	static const char *const round[] = {"1999-12-31T23:59:59Z", "1969-07-20T20:17:40Z",
					    "2024-02-29T00:00:07Z", "2024-03-14"};
	for (size_t i = 0; i < ARRAY_SIZE(round); i++) {
		when_parse(&z, round[i]);
		when_iso(&z, iso);
		CHECK_STR(iso, round[i]);
	}
	/* An offset is turned into UTC, across midnight too; the date part stays as written. */
	when_parse(&z, "2024-03-14T23:30:00-02:00");
	when_iso(&z, iso);
	CHECK_STR(iso, "2024-03-15T01:30:00Z");
	when_date(&z, iso);
	CHECK_STR(iso, "2024-03-14");
	CHECK_INT(pm.impact.customers_affected, 12000);
	CHECK_INT(pm.nactions, 2);
	CHECK_STR(pm.actions[0].owner, "Lee Park");
	CHECK_INT(pm.actions[0].status, AI_DONE);
	CHECK_INT(pm.actions[0].priority, PRI_MUST);
	CHECK_STR(pm.actions[0].ticket, "OPS-1234");
	CHECK_INT(pm.actions[1].status, AI_WONT_DO);   /* written "won't do" */
	CHECK_STR(pm.actions[1].ticket, "4321");       /* a number is kept as text */
	CHECK(ynode_get(pm.front, "runbook") != NULL); /* unknown keys are kept */
	CHECK_INT(pm.body_line, 51);
	diag_clear();
	free(text);
	pm_release(&pm);
	site_release(&site);
}

/* site.yaml fields: maps our names onto the author's. */
static void test_field_mapping(void)
{
	struct site site;
	struct postmortem pm = {0};
	static const char text[] =
		"---\nuuid: ABC-1\ntitle: T\nstart_time: 2024-01-02\nproduct: [web]\n---\nbody\n";
	site_init(&site);
	site.fields = xcalloc(3, sizeof(*site.fields));
	site.fields[0] = (struct field_map){xstrdup("id"), xstrdup("uuid"), {0}};
	site.fields[1] = (struct field_map){xstrdup("date"), xstrdup("start_time"), {0}};
	site.fields[2] = (struct field_map){xstrdup("services"), xstrdup("product"), {0}};
	site.nfields = 3;
	pm.path = xstrdup("mapped.md");
	CHECK(frontmatter_parse(&pm, &site, text, sizeof(text) - 1) == 0);
	CHECK_STR(pm.id, "ABC-1");
	CHECK_INT(pm.nservices, 1);
	CHECK_STR(pm.services[0].name, "web");
	CHECK_STR(pm.body, "body\n");
	diag_clear();
	pm_release(&pm);
	site_release(&site);
}

/* The one parser of action-item statuses and priorities (model.c), used by front matter and body task lists. */
static void test_spellings(void)
{
	static const struct {
		const char *s;
		int want; /* -1: refused */
	} statuses[] =
		{
			{"open", AI_OPEN},
			{"TODO", AI_OPEN},
			{"new", AI_OPEN},
			{"in progress", AI_IN_PROGRESS},
			{"in_progress", AI_IN_PROGRESS},
			{"Doing", AI_IN_PROGRESS},
			{"started", AI_IN_PROGRESS},
			{"done", AI_DONE},
			{"closed", AI_DONE},
			{"fixed", AI_DONE},
			{"completed", AI_DONE},
			{"Resolved", AI_DONE},
			{"wont-do", AI_WONT_DO},
			{"won't do", AI_WONT_DO},
			{"wontfix", AI_WONT_DO},
			{"cancelled", AI_WONT_DO},
			{"finished", -1},
			{"", -1},
			{"open-ish", -1},
		},
	  priorities[] = {
		  {"must", PRI_MUST}, {"SHOULD", PRI_SHOULD}, {"nice", PRI_NICE}, {"p0", PRI_MUST},
		  {"P1", PRI_SHOULD}, {"p2", PRI_NICE},	      {"p3", -1},	  {"high", -1},
	  };
	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++) {
		enum ai_status st = AI_OPEN;
		bool ok = ai_status_parse(statuses[i].s, &st);
		CHECK(ok == (statuses[i].want >= 0));
		if (ok)
			CHECK_INT((int)st, statuses[i].want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(priorities); i++) {
		enum ai_priority pr = PRI_NONE;
		bool ok = ai_priority_parse(priorities[i].s, &pr);
		CHECK(ok == (priorities[i].want >= 0));
		if (ok)
			CHECK_INT((int)pr, priorities[i].want);
	}
	CHECK(same_word("In_Progress", "in progress") && !same_word("in-progres", "in-progress"));
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_cases),
		TEST(test_full_file),
		TEST(test_field_mapping),
		TEST(test_spellings),
	};
	return harness_run("frontmatter", cases, ARRAY_SIZE(cases));
}
