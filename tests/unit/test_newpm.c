/* Unit tests for newpm.c: the default severity, and scaffolds that read back as what was given. */
#include "base/fsutil.h"
#include "cmd/scaffold.h"
#include "harness.h"
#include "load/frontmatter.h"

#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/aftermath-test-newpm-XXXXXX";

/* A knowledge base in dir with this site.yaml, loaded. */
static void load(struct corpus *c, const char *site_yaml)
{
	char *path = path_join(dir, "site.yaml");
	fs_write(path, site_yaml, strlen(site_yaml));
	free(path);
	corpus_load(c, dir, PROFILE_INTERNAL, 1, false);
}

static const char tpl_dir[] = "layouts"; /* the theme, from the repository's root */

/* Scaffold with o, parse the file back into *pm (0), or the return of newpm_create. */
static int scaffold(const char *site_yaml, const struct newpm_opts *o, struct postmortem *pm,
		    char **text)
{
	struct corpus c;
	const char *dirs[] = {tpl_dir};
	char *path = NULL;
	size_t len;
	load(&c, site_yaml);
	int ret = newpm_create(&c, dirs, 1, o, &path);
	corpus_release(&c);
	if (ret < 0)
		return ret;
	struct site s;
	site_init(&s);
	site_load(&s, dir);
	memset(pm, 0, sizeof(*pm));
	pm->path = path;
	fs_read(path, text, &len);
	ret = frontmatter_parse(pm, &s, *text, len);
	site_release(&s);
	unlink(path);
	return ret;
}

static void test_default_severity(void)
{
	struct site s;
	site_init(&s);
	CHECK_STR(newpm_default_severity(&s), "SEV4");
	site_release(&s);
	struct corpus c;
	load(&c, "severities: [P1, P2, P3]\ndefaults: {severity: p2}\n");
	CHECK_STR(newpm_default_severity(&c.site), "P2");
	corpus_release(&c);
	/* not one of them: the least severe */
	load(&c, "severities: [P1, P2, P3]\ndefaults: {severity: P9}\n");
	CHECK_STR(newpm_default_severity(&c.site), "P3");
	corpus_release(&c);
}

static void test_hostile_values_read_back(void)
{
	static const struct {
		const char *given, *read;
	} names[] = {
		{"Ana Diaz", "Ana Diaz"},
		{"Eve\nstatus: complete", "Eve status: complete"},
		{"a: b # c", "a: b # c"},
		{"\"quoted\" \\ back", "\"quoted\" \\ back"},
		{"[x], {y}", "[x], {y}"},
		{"*alias &anchor !tag", "*alias &anchor !tag"},
		{"yes", "yes"},
		{"null", "null"},
		{"- dash", "- dash"},
		{"tab\there\r\nand\xc2\x85nel\xe2\x80\xa8ls", "tab here  and nel ls"},
		{"bell\x07", "bell\x07"},
		{"日本語", "日本語"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const char *services[] = {names[i].given};
		struct newpm_opts o = {.title = names[i].given,
				       .date = "2025-01-02",
				       .owner = names[i].given,
				       .services = services,
				       .nservices = strchr(names[i].given, ',') ? 0 : 1};
		struct postmortem pm;
		char *text = NULL;
		int ret = scaffold("title: T\n", &o, &pm, &text);
		CHECK_INT(ret, 0);
		if (ret == 0) {
			CHECK_STR(pm.owner, names[i].read);
			CHECK_STR(pm.title, names[i].read);
			CHECK_INT(pm.status, STATUS_DRAFT);
			CHECK_INT(pm.nservices, o.nservices);
			if (pm.nservices)
				CHECK_STR(pm.services[0].name, names[i].read);
			CHECK(!pm.impact.started.set && !pm.impact.resolved.set);
		}
		if (ret)
			fprintf(stderr, "case %zu:\n%s\n", i, text ? text : "");
		free((char *)pm.path);
		pm.path = NULL;
		pm_release(&pm);
		free(text);
		diag_clear();
	}
}

static void test_no_owner_no_line(void)
{
	struct newpm_opts o = {.date = "2025-01-03"};
	struct postmortem pm;
	char *text = NULL;
	CHECK_INT(scaffold("title: T\n", &o, &pm, &text), 0);
	CHECK(text && !strstr(text, "\nowner:") && !strstr(text, "\nauthors:"));
	CHECK(pm.owner == NULL);
	CHECK_STR(pm.title, NEWPM_DEFAULT_TITLE);
	free((char *)pm.path);
	pm.path = NULL;
	pm_release(&pm);
	free(text);
}

static void test_site_checks(void)
{
	static const char reg[] = "severities: [high, low]\naliases: {payments-db: [PaymentsDB]}\n"
				  "services:\n  checkout-api: {}\n  payments-db: {}\n";
	const char *ok[] = {"Checkout API, paymentsdb", "checkout-api"};
	struct newpm_opts o = {
		.date = "2025-01-04", .severity = "HIGH", .services = ok, .nservices = 2};
	struct postmortem pm;
	char *text = NULL;
	CHECK_INT(scaffold(reg, &o, &pm, &text), 0);
	CHECK_INT(pm.nservices, 2);
	if (pm.nservices == 2) {
		CHECK_STR(pm.services[0].name, "checkout-api");
		CHECK_STR(pm.services[1].name, "payments-db");
	}
	CHECK_INT(pm.severity, 0);
	free((char *)pm.path);
	pm.path = NULL;
	pm_release(&pm);
	free(text);
	const char *bad[] = {"cart"};
	struct newpm_opts b = {
		.date = "2025-01-04", .severity = "SEV1", .services = bad, .nservices = 1};
	diag_clear();
	CHECK_INT(scaffold(reg, &b, &pm, &text), -2);
	CHECK_INT(diag_count(DIAG_ERROR), 2);
	diag_clear();
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	char *pms = path_join(dir, "postmortems");
	fs_mkdirs(pms);
	free(pms);
	static const struct harness_case cases[] = {
		TEST(test_default_severity),
		TEST(test_hostile_values_read_back),
		TEST(test_no_owner_no_line),
		TEST(test_site_checks),
	};
	int ret = harness_run("newpm", cases, ARRAY_SIZE(cases));
	char *cmd = xstrfmt("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ret = 1;
	free(cmd);
	return ret;
}
