/* Unit tests for confine.c, through fsutil's readers: what a run may read. */
#include "base/confine.h"
#include "base/diag.h"
#include "base/fsutil.h"
#include "harness.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[] = "/tmp/aftermath-test-confine-XXXXXX";

static char *at(const char *rel)
{
	return path_join(tmp, rel);
}

static bool has_error(const char *needle)
{
	size_t n;
	const struct diag *d = diag_list(&n);
	for (size_t i = 0; i < n; i++)
		if (d[i].level == DIAG_ERROR && strstr(d[i].msg, needle))
			return true;
	return false;
}

static void put(const char *rel, const char *text)
{
	char *p = at(rel);
	fs_write(p, text, strlen(text));
	free(p);
}

static void link_to(const char *target, const char *rel)
{
	char *p = at(rel);
	unlink(p);
	if (symlink(target, p) < 0)
		perror(p);
	free(p);
}

/* 0 when fs_read reads `rel` (and frees what it read). */
static int read_rel(const char *rel)
{
	char *p = at(rel), *data = NULL;
	size_t len;
	int ret = fs_read(p, &data, &len);
	free(data);
	free(p);
	return ret;
}

/* A content root with a file, an inside link, and links out to a file, a directory and /proc. */
static void setup(void)
{
	put("content/static/a.txt", "inside\n");
	put("outside/secret.txt", "secret\n");
	link_to("a.txt", "content/static/same.txt");
	link_to("../../outside/secret.txt", "content/static/up.txt");
	link_to("/proc/self/environ", "content/static/env.txt");
	link_to("../../outside", "content/static/dir");
	link_to("../static", "content/static/self");
	char *root = at("content");
	confine_reset();
	confine_add_root(root, "the content directory");
	free(root);
}

static void test_reads_inside_refuses_outside(void)
{
	setup();
	CHECK_INT(read_rel("content/static/a.txt"), 0);
	CHECK_INT(read_rel("content/static/same.txt"), 0);
	CHECK_INT(read_rel("content/static/up.txt"), -1);
	CHECK(has_error("symbolic link leads outside the content directory, to \""));
	CHECK(has_error("/outside/secret.txt\" (expected a link that stays inside"));
	diag_clear();
	CHECK_INT(read_rel("content/static/env.txt"), -1);
	CHECK(has_error("a file of the kernel's (/proc or /sys)"));
	diag_clear();
	/* a path that reaches outside with "..", no link at all */
	CHECK_INT(read_rel("content/../outside/secret.txt"), -1);
	diag_clear();
}

static void test_allow_outside_keeps_proc_out(void)
{
	setup();
	confine_allow_outside(true);
	CHECK_INT(read_rel("content/static/up.txt"), 0);
	CHECK_INT(read_rel("content/static/env.txt"), -1);
	CHECK(has_error("a file of the kernel's"));
	diag_clear();
	confine_allow_outside(false);
	CHECK_INT(read_rel("content/static/up.txt"), -1);
	diag_clear();
}

static bool walked(struct fs_entry *e, size_t n, const char *rel)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].rel, rel))
			return true;
	return false;
}

static void test_walk_skips_links_out(void)
{
	setup();
	char *dir = at("content/static");
	struct fs_entry *e;
	size_t n;
	CHECK_INT(fs_walk(dir, "", &e, &n), -1);
	CHECK(walked(e, n, "a.txt"));
	CHECK(walked(e, n, "same.txt"));
	CHECK(!walked(e, n, "up.txt"));
	CHECK(!walked(e, n, "env.txt"));
	CHECK(!walked(e, n, "dir/secret.txt"));
	CHECK(has_error("symbolic link leads outside"));
	fs_entries_free(e, n);
	diag_clear();
	/* a walk that starts on a link out is refused whole */
	char *out = at("content/static/dir");
	CHECK_INT(fs_walk(out, "", &e, &n), -1);
	CHECK_INT(n, 0);
	fs_entries_free(e, n);
	diag_clear();
	free(out);
	free(dir);
}

static void test_fifo_is_refused_without_waiting(void)
{
	setup();
	char *fifo = at("content/static/pipe.txt");
	CHECK_INT(mkfifo(fifo, 0600), 0);
	alarm(10); /* a blocking open would hang here: fail loudly instead */
	CHECK_INT(read_rel("content/static/pipe.txt"), -1);
	alarm(0);
	CHECK(has_error("not a regular file"));
	diag_clear();
	unlink(fifo);
	free(fifo);
}

static void test_no_roots_reads_anything(void)
{
	setup();
	confine_reset();
	CHECK_INT(read_rel("content/static/up.txt"), 0);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_reads_inside_refuses_outside), TEST(test_allow_outside_keeps_proc_out),
		TEST(test_walk_skips_links_out),	 TEST(test_fifo_is_refused_without_waiting),
		TEST(test_no_roots_reads_anything),
	};
	if (!mkdtemp(tmp))
		return 1;
	int ret = harness_run("confine", cases, ARRAY_SIZE(cases));
	confine_reset();
	fs_remove_tree(tmp);
	return ret;
}
