/* Unit tests for fieldmap: site.yaml fields:/defaults:/import:/taxonomies: and the fields of one postmortem. */
#include "harness.h"
#include "load/fieldmap.h"
#include "model/siteconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A site from yaml (via a temporary site.yaml); -1 when it has errors. */
static int site_from(struct site *s, const char *yaml)
{
	char dir[] = "/tmp/aftermath-fieldmap-XXXXXX";
	if (!mkdtemp(dir))
		return -2;
	char *path = xstrfmt("%s/site.yaml", dir);
	FILE *f = fopen(path, "w");
	fputs(yaml, f);
	fclose(f);
	site_init(s);
	int ret = fieldmap_site_load(s, dir);
	remove(path);
	rmdir(dir);
	free(path);
	free(s->path);
	s->path = xstrdup("site.yaml"); /* diagnostics already made name the temporary file */
	return ret;
}

/* The fields of a postmortem with front matter `front` (NULL: none) and body `body`. */
static struct ynode *apply(const struct site *s, const char *front, const char *body,
			   struct explain *ex)
{
	static struct postmortem pm;
	static struct ynode *tree;
	struct fm_result res;
	ynode_free(tree);
	tree = NULL;
	if (front)
		CHECK(yaml_parse("pm.md", front, strlen(front), 2, &tree) == 0);
	pm = (struct postmortem){.path = (char *)"pm.md",
				 .rel = (char *)"postmortems/PM-9 - File title.md",
				 .body = (char *)body,
				 .body_line = 5};
	fieldmap_apply(&res, s, &pm, tree, ex);
	return res.root;
}

static const char *get(const struct ynode *root, const char *key)
{
	const struct ynode *v = ynode_get(root, key);
	if (!v)
		return "(none)";
	if (v->type == YN_SCALAR)
		return v->scalar;
	static char buf[256];
	buf[0] = '\0';
	for (size_t i = 0; i < v->n; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? "|" : "",
			 v->items[i]->type == YN_SCALAR ? v->items[i]->scalar : "{}");
	return buf;
}

static void test_fallbacks_split_dotted_defaults(void)
{
	struct site s;
	CHECK_INT(
		site_from(
			&s,
			"fields:\n  id: uuid\n  date: [start_time, Date]\n  services: {from: product, split: ','}\n"
			"  impact.resolved: end_time\n  tags: [keywords, Category]\ndefaults: {status: complete}\n"),
		0);
	struct ynode *r = apply(
		&s,
		"uuid: u-1\nstart_time: ''\nDate: 2024-01-02\nproduct: ' a , b,,c '\nend_time: 2024-01-02T10:00:00Z\nkeywords: []\n",
		"Category: kube\n", NULL);
	CHECK_STR(get(r, "id"), "u-1");
	CHECK_STR(get(r, "date"), "2024-01-02"); /* start_time is empty: the next name */
	CHECK_STR(get(r, "services"), "a|b|c");
	CHECK_STR(get(ynode_get(r, "impact"), "resolved"), "2024-01-02T10:00:00Z");
	CHECK_STR(get(r, "status"), "complete");
	CHECK_STR(get(r, "tags"), "(none)"); /* no import:, so the body's Category is not read */
	CHECK_INT(diag_count(DIAG_NOTE), 2); /* start_time, keywords */
	diag_clear();
	ynode_free(r);
	site_release(&s);
}

static void test_body_and_file_name(void)
{
	struct site s;
	struct explain ex = {0};
	CHECK_INT(
		site_from(
			&s,
			"fields: {tags: [keywords, Category]}\nimport: {front_matter: optional}\n"),
		0);
	struct ynode *r = apply(
		&s, NULL,
		"Date: June 22, 2021\n- Status: Done\n- Severity: Sev 2\n\n## Stats\n- Category: Kube, DNS\n",
		&ex);
	CHECK_STR(get(r, "id"), "PM-9");
	CHECK_STR(get(r, "title"), "File title");
	CHECK_STR(get(r, "date"), "2021-06-22");
	CHECK_STR(get(r, "status"), "complete");
	CHECK_STR(get(r, "severity"), "SEV2");
	CHECK_STR(get(r, "tags"), "Kube|DNS");
	CHECK(ex.n >= 6);
	CHECK_STR(ex.v[0].field, "id");
	CHECK_STR(ex.v[0].how, "file name");
	for (size_t i = 0; i < ex.n; i++)
		if (!strcmp(ex.v[i].field, "tags")) {
			CHECK_STR(ex.v[i].how, "fields: Category (body line)");
			CHECK_INT(ex.v[i].loc.line, 10);
		}
	explain_release(&ex);
	ynode_free(r);
	site_release(&s);
}

static void test_swap_and_self(void)
{
	struct site s;
	CHECK_INT(site_from(&s, "fields: {id: title, title: id, date: date}\n"), 0);
	struct ynode *r = apply(&s, "id: a\ntitle: b\ndate: 2024-01-01\n", "", NULL);
	CHECK_STR(get(r, "id"), "b");
	CHECK_STR(get(r, "title"), "a");
	CHECK_STR(get(r, "date"), "2024-01-01");
	ynode_free(r);
	site_release(&s);
}

static void test_site_errors(void)
{
	static const struct {
		const char *yaml, *msg;
	} cases[] = {
		{"fields: {nope: x}\n", "unknown field \"nope\" in fields"},
		{"fields: {company: x}\n", "unknown field \"company\" in fields"},
		{"fields: {id: {from: [a, '']}}\n",
		 "fields.id must be a field name (got an empty value)"},
		{"defaults: {impact.ended: x}\n", "unknown field \"impact.ended\" in defaults"},
		{"taxonomies: {title: {}}\n", "taxonomy name \"title\" is taken"},
		{"import: {read_body: 1}\n", "import.read_body must be true or false (got \"1\")"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct site s;
		size_t n;
		CHECK_INT(site_from(&s, cases[i].yaml), -1);
		const struct diag *d = diag_list(&n);
		CHECK(n >= 1 && strstr(d[0].msg, cases[i].msg) != NULL);
		if (n && !strstr(d[0].msg, cases[i].msg))
			fprintf(stderr, "  got: %s\n", d[0].msg);
		diag_clear();
		site_release(&s);
	}
	/* A taxonomy declared after the fields: that map onto it. */
	struct site s;
	CHECK_INT(site_from(&s,
			    "fields: {company: org}\ntaxonomies: {company: {title: Companies}}\n"),
		  0);
	CHECK_STR(s.import->tax[0].singular, "Companies");
	site_release(&s);
}

static void test_defaults_tree_and_computed(void)
{
	struct site s;
	CHECK_INT(
		site_from(
			&s,
			"defaults:\n  status: complete\n  impact.started: 2024-01-01\n  impact.resolved: 2024-01-02\n  tags: ''\n"
			"computed:\n  search: [a, b]\n  public: c\n"),
		0);
	struct ynode *d = fieldmap_defaults(&s);
	CHECK(d != NULL);
	CHECK_STR(get(d, "status"), "complete");
	CHECK_STR(get(ynode_get(d, "impact"), "started"), "2024-01-01");
	CHECK_STR(get(ynode_get(d, "impact"), "resolved"), "2024-01-02");
	CHECK_INT(ynode_get(ynode_get(d, "impact"), "resolved")->loc.line, 4);
	CHECK(ynode_get(d, "tags") == NULL); /* empty: absent */
	ynode_free(d);
	CHECK_INT(s.import->computed_search.n, 2);
	CHECK(name_list_has(&s.import->computed_search, "b"));
	CHECK(!name_list_has(&s.import->computed_search, "c"));
	CHECK(name_list_has(&s.import->computed_public, "c"));
	CHECK_INT(s.import->computed_public.locs[0].line, 8);
	site_release(&s);
	CHECK_INT(site_from(&s, "title: x\n"), 0);
	CHECK(fieldmap_defaults(&s) == NULL);
	site_release(&s);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_fallbacks_split_dotted_defaults),
		TEST(test_body_and_file_name),
		TEST(test_swap_and_self),
		TEST(test_site_errors),
		TEST(test_defaults_tree_and_computed),
	};
	return harness_run("fieldmap", cases, ARRAY_SIZE(cases));
}
