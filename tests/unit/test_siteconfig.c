/* Unit tests for siteconfig.c: defaults, every key, and the diagnostics. */
#include "base/fsutil.h"
#include "harness.h"
#include "load/fieldmap.h"
#include "model/siteconfig.h"

#include <stdlib.h>

static char dir[] = "/tmp/aftermath-test-site-XXXXXX";

static int load(struct site *s, const char *yaml)
{
	char *path = path_join(dir, "site.yaml");
	fs_write(path, yaml, strlen(yaml));
	free(path);
	site_init(s);
	/* site.yaml as a build reads it, fields: and the rest included */
	return fieldmap_site_load(s, dir);
}

static const char *first_diag(int *line, int *col)
{
	size_t n;
	const struct diag *d = diag_list(&n);
	*line = n ? d[0].line : 0;
	*col = n ? d[0].col : 0;
	return n ? d[0].msg : "(none)";
}

static void test_defaults_without_file(void)
{
	struct site s;
	site_init(&s);
	CHECK(site_load(&s, "/tmp/definitely-not-a-site-dir") == 0);
	CHECK_INT(s.nseverities, 4);
	CHECK_STR(s.severities[0], "SEV1");
	CHECK_INT(s.recurring_threshold, 2);
	CHECK_INT(s.nstrip, 4);
	CHECK_STR(s.id_pattern, "PM-{year}-{seq:3}");
	CHECK(!s.has_registry);
	CHECK_INT(site_severity(&s, "sev2"), 1);
	CHECK_STR(site_field(&s, "title"), "title");
	CHECK_INT(s.md_limits.max_size, 1 << 20);
	CHECK_INT(s.md_limits.max_nesting, 32);
	CHECK_INT(s.md_limits.max_table_columns, 64);
	site_release(&s);
}

static void test_every_key(void)
{
	struct site s;
	CHECK(load(&s,
		   "title: KB\nseverities: [P1, P2]\nrecurring_threshold: 3\nvisibility: public\n"
		   "markdown: {unsafe_html: true, max_size: 2000, max_nesting: 3, max_table_columns: 4, max_table_cells: 5,"
		   " max_images: 6, max_autolinks: 7}\naliases: {payments-db: [payments database, pdb]}\n"
		   "services:\n  checkout-api: {description: Pays, team: Checkout, tier: 1, links: [{title: Runbook, url: 'https://r'}]}\n"
		   "fields: {id: uuid, services: product}\n"
		   "public: {strip: [owner], redact: [{pattern: 'secret-\\d+', replace: X}], deny: [Nightjar]}\n"
		   "custom: kept\n") == 0);
	CHECK_STR(s.title, "KB");
	CHECK_INT(s.nseverities, 2);
	CHECK_INT(s.recurring_threshold, 3);
	CHECK_INT(s.default_visibility, VIS_PUBLIC);
	CHECK(s.allow_html);
	CHECK_INT(s.md_limits.max_size, 2000);
	CHECK_INT(s.md_limits.max_nesting, 3);
	CHECK_INT(s.md_limits.max_table_columns, 4);
	CHECK_INT(s.md_limits.max_table_cells, 5);
	CHECK_INT(s.md_limits.max_images, 6);
	CHECK_INT(s.md_limits.max_autolinks, 7);
	CHECK_INT(s.naliases, 1);
	CHECK_INT(s.aliases[0].nnames, 2);
	CHECK(s.has_registry);
	CHECK_INT(s.nservices, 1);
	CHECK_INT(s.services[0].tier, 1);
	CHECK_STR(s.services[0].link_urls[0], "https://r");
	CHECK_STR(site_field(&s, "services"), "product");
	CHECK_STR(site_field(&s, "id"), "uuid"); /* the first mapping too */
	CHECK_INT(s.nstrip, 1);
	CHECK_INT(s.nredact, 1);
	CHECK_STR(s.redact[0].replace, "X");
	CHECK_INT(s.ndeny, 1);
	CHECK(ynode_get(s.front, "custom") != NULL);
	site_release(&s);
}

/* Alias-table bug class: every spelling of a boolean; numbers are decimal. */
static void test_bool_spellings_and_numbers(void)
{
	static const struct {
		const char *v;
		bool want;
	} cases[] = {{"true", true},   {"True", true}, {"TRUE", true},	 {"yes", true},
		     {"Yes", true},    {"on", true},   {"false", false}, {"False", false},
		     {"FALSE", false}, {"no", false},  {"No", false},	 {"off", false}};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct site s;
		char *yaml = xstrfmt("markdown: {unsafe_html: %s}\n", cases[i].v);
		CHECK(load(&s, yaml) == 0);
		if (s.allow_html != cases[i].want)
			fprintf(stderr, "unsafe_html: %s read as %d\n", cases[i].v, s.allow_html);
		CHECK(s.allow_html == cases[i].want);
		free(yaml);
		site_release(&s);
	}
	struct site s;
	CHECK(load(&s,
		   "recurring_threshold: 19\nfields: {tags: labels}\npublic: {redact: [{pattern: x, replace: [a]}]}\n") ==
	      0);
	CHECK_INT(s.recurring_threshold, 19);
	CHECK_STR(site_field(&s, "tags"), "labels");
	/* a replace that is not text */
	CHECK(s.nredact == 1 && !strcmp(s.redact[0].replace, "[redacted]"));
	CHECK_INT(diag_count(DIAG_ERROR), 0);
	diag_clear();
	site_release(&s);
}

static void test_errors(void)
{
	static const struct {
		const char *yaml, *msg;
		int line, col;
	} cases[] = {
		{"recurring_threshold: two\n",
		 "recurring_threshold must be a whole number from 1 to 1000000 (got \"two\")", 1,
		 22},
		{"visibility: secret\n",
		 "unknown visibility \"secret\" (expected internal, public)", 1, 13},
		{"severities: []\n", "severities must name at least one severity", 1, 13},
		{"public:\n  redact:\n    - pattern: '(unclosed'\n",
		 "invalid redact pattern: missing closing parenthesis at offset 9", 3, 16},
		{"fields: {ident: uuid}\n",
		 "unknown field \"ident\" in fields (expected id, title, date, status, severity, kind, visibility, owner, authors, summary, services, contributing_factors, tags, impact, impact.started, impact.detected, impact.mitigated, impact.resolved, impact.customers_affected, impact.description, published, related, featured, source, action_items, or a name under taxonomies:)",
		 1, 10},
		{"aliases: [a, b]\n",
		 "aliases must be a mapping from a canonical name to its other spellings (got a list)",
		 1, 10},
		{"public: {leak: yes}\n",
		 "unknown key \"leak\" in public (expected strip, redact, deny, show_ids)", 1, 10},
		{"markdown:\n  max_size: 20000000\n",
		 "markdown.max_size must be a whole number from 1 to 16777216 (got \"20000000\")",
		 2, 13},
		{"markdown: {max_images: lots}\n",
		 "markdown.max_images must be a whole number from 1 to 1024 (got \"lots\")", 1, 24},
		{"- just\n- a list\n", "site.yaml must be a mapping of settings (got a list)", 1,
		 1},
		/* Dropped-condition bug class: a list where a text value belongs is an error, not a crash. */
		{"visibility: [public]\n",
		 "unknown visibility \"a list\" (expected internal, public)", 1, 13},
		{"public:\n  redact:\n    - replace: X\n",
		 "a redact rule must be a mapping with a pattern (and a replace)", 3, 7},
		{"recurring_threshold: [2]\n",
		 "recurring_threshold must be a whole number from 1 to 1000000 (got a list)", 1,
		 22},
		{"markdown: {unsafe_html: maybe}\n",
		 "markdown.unsafe_html must be true or false (got \"maybe\")", 1, 25},
		/* The position of a bad byte counts lines and columns. */
		{"title: ok\nxy: \xff\n", "invalid UTF-8 (byte 0xff)", 2, 5},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct site s;
		int line, col;
		CHECK(load(&s, cases[i].yaml) == -1);
		CHECK_STR(first_diag(&line, &col), cases[i].msg);
		CHECK_INT(line, cases[i].line);
		CHECK_INT(col, cases[i].col);
		diag_clear();
		site_release(&s);
	}
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_defaults_without_file),
		TEST(test_every_key),
		TEST(test_errors),
		TEST(test_bool_spellings_and_numbers),
	};
	if (!mkdtemp(dir))
		return 1;
	int ret = harness_run("siteconfig", cases, ARRAY_SIZE(cases));
	fs_remove_tree(dir);
	return ret;
}
