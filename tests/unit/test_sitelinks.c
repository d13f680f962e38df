/* Unit tests for sitelinks.c: tickets:, edit_url:, teams: read, checked and expanded. */
#include "base/diag.h"
#include "harness.h"
#include "model/sitelinks.h"

#include <stdlib.h>

/* Read `yaml` (one top-level key) into l; the key's return value. */
static int read_key(struct site_links *l, const char *yaml)
{
	struct ynode *tree = NULL;
	int ret = -2;
	if (yaml_parse("site.yaml", yaml, strlen(yaml), 1, &tree) == 0 && tree &&
	    tree->type == YN_MAP && tree->n == 1)
		ret = site_links_key(l, tree->keys[0], tree->items[0]);
	ynode_free(tree);
	return ret;
}

static const char *first_diag(int *line, int *col)
{
	size_t n;
	const struct diag *d = diag_list(&n);
	*line = n ? d[0].line : 0;
	*col = n ? d[0].col : 0;
	return n ? d[0].msg : "(none)";
}

static void test_ticket_urls(void)
{
	static const struct {
		const char *ticket, *want;
	} cases[] = {
		{"OPS-2645", "https://jira.example.com/browse/OPS-2645?x=1"},
		{"a b/c?d#e&f", "https://jira.example.com/browse/a%20b%2Fc%3Fd%23e%26f?x=1"},
		{"\"><script>", "https://jira.example.com/browse/%22%3E%3Cscript%3E?x=1"},
		{"ü_~.", "https://jira.example.com/browse/%C3%BC_~.?x=1"},
	};
	struct site_links l = {0};
	CHECK_INT(read_key(&l, "tickets: \"https://jira.example.com/browse/{}?x=1\"\n"), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;
		CHECK(site_ticket_url(&l, cases[i].ticket, &b));
		CHECK_STR(buf_cstr(&b), cases[i].want);
		buf_release(&b);
	}
	struct buf b = BUF_INIT;
	CHECK(!site_ticket_url(&l, "", &b) && b.len == 0);
	CHECK(!site_ticket_url(&l, NULL, &b) && b.len == 0);
	site_links_release(&l);
	CHECK(!site_ticket_url(&l, "OPS-1", &b) && b.len == 0); /* no template */
	buf_release(&b);
}

static void test_edit_urls(void)
{
	struct site_links l = {0};
	struct buf b = BUF_INIT;
	CHECK_INT(read_key(&l, "edit_url: https://github.com/o/kb/edit/main/{path}\n"), 0);
	CHECK(site_edit_url(&l, "postmortems/2024/pm 17#.md", &b));
	CHECK_STR(buf_cstr(&b), "https://github.com/o/kb/edit/main/postmortems/2024/pm%2017%23.md");
	site_links_release(&l);
	buf_release(&b);
}

static void test_teams(void)
{
	struct site_links l = {0};
	CHECK_INT(
		read_key(
			&l,
			"teams:\n  Payments: [Priya Natarajan, Tom Ruiz]\n  Data Platform: Lee Park\n"),
		0);
	CHECK_INT(l.nteams, 2);
	CHECK_STR(l.teams[1].slug, "data-platform");
	CHECK_INT(l.teams[1].nmembers, 1);
	CHECK_STR(l.teams[1].members[0], "Lee Park");
	CHECK_INT(l.teams[0].loc.line, 2);
	CHECK_INT(read_key(&l, "title: x\n"), 1); /* not ours */
	site_links_release(&l);
}

static void test_errors(void)
{
	static const struct {
		const char *yaml, *msg;
		int line, col, ret;
	} cases[] = {
		{"tickets: \"ftp://x/{}\"\n",
		 "tickets \"ftp://x/{}\" must be an http or https URL (expected a template such as "
		 "\"https://jira.example.com/browse/{}\")",
		 1, 10, -1},
		{"tickets: \"https://x/{}{}\"\n",
		 "tickets \"https://x/{}{}\" must hold {} exactly once (it holds it 2 times; expected a template such as "
		 "\"https://jira.example.com/browse/{}\")",
		 1, 10, -1},
		{"tickets: {a: b}\n",
		 "tickets must be a URL template such as \"https://jira.example.com/browse/{}\" (got a mapping)",
		 1, 10, -1},
		{"edit_url: \"https://x/edit/{}\"\n",
		 "edit_url \"https://x/edit/{}\" must hold {path} exactly once (it holds it 0 times; expected a template "
		 "such as \"https://github.com/org/kb/edit/main/{path}\")",
		 1, 11, -1},
		{"edit_url: \"java\\tscript://x/{path}\"\n",
		 "edit_url \"java\\x09script://x/{path}\" must be an http or https URL (expected a template such as "
		 "\"https://github.com/org/kb/edit/main/{path}\")",
		 1, 11, -1},
		{"teams: x\n",
		 "teams must be a mapping from a team's name to its members (got a text value)", 1,
		 8, -1},
		{"teams:\n  A: {b: c}\n",
		 "team \"A\" must be a list of its members' names (got a mapping)", 2, 6, -1},
		{"teams:\n  A: [x, {b: c}]\n",
		 "a member of team \"A\" must be a person's name (got a mapping)", 2, 10, -1},
		{"teams:\n  A: [x, \"\"]\n",
		 "a member of team \"A\" must be a person's name (got an empty text)", 2, 10, -1},
		{"teams:\n  A B: [x]\n  a-b: [y]\n",
		 "team \"a-b\" is the same team as \"A B\" at line 2 (team names are matched by slug)",
		 3, 3, -1},
		{"teams:\n  \"--\": [x]\n",
		 "team \"--\" needs a letter or digit in its name (its page is /teams/<name>/)", 2,
		 3, -1},
		{"teams:\n  A: [Lee Park, lee  park]\n",
		 "\"lee  park\" is listed twice in team \"A\" (names are matched by slug)", 2, 17,
		 0},
		{"teams:\n  A: []\n", "team \"A\" has no members (expected a list of names)", 2, 6,
		 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct site_links l = {0};
		int line, col;
		CHECK_INT(read_key(&l, cases[i].yaml), cases[i].ret);
		CHECK_STR(first_diag(&line, &col), cases[i].msg);
		CHECK_INT(line, cases[i].line);
		CHECK_INT(col, cases[i].col);
		diag_clear();
		site_links_release(&l);
	}
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_ticket_urls),
		TEST(test_edit_urls),
		TEST(test_teams),
		TEST(test_errors),
	};
	return harness_run("sitelinks", cases, ARRAY_SIZE(cases));
}
