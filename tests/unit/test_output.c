/* Unit tests for output.c: refusals and the atomic swap. */
#include "base/confine.h"
#include "base/diag.h"
#include "base/fsutil.h"
#include "base/output.h"
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[] = "/tmp/aftermath-test-output-XXXXXX";

static char *at(const char *rel)
{
	return path_join(tmp, rel);
}

static bool has_error(const char *needle)
{
	size_t n;
	const struct diag *d = diag_list(&n);
	for (size_t i = 0; i < n; i++)
		if (strstr(d[i].msg, needle))
			return true;
	return false;
}

/* Entries of the test directory whose name contains `needle`. */
static int entries_named(const char *needle)
{
	DIR *d = opendir(tmp);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL)
		if (strstr(de->d_name, needle))
			n++;
	if (d)
		closedir(d);
	return n;
}

static void test_refuses_content_and_ancestors(void)
{
	struct output o;
	char *content = at("site/content"), *site = at("site");
	fs_mkdirs(content);
	CHECK(output_open(&o, content, content, 2) < 0);
	CHECK(has_error("refusing to write the site over the content directory"));
	diag_clear();
	CHECK(output_open(&o, site, content, 2) < 0);
	diag_clear();
	CHECK(output_open(&o, "/", content, 2) < 0);
	CHECK(has_error("refusing to write the site to /"));
	diag_clear();
	free(content);
	free(site);
}

static void test_refuses_foreign_dir(void)
{
	struct output o;
	char *foreign = at("foreign"), *file = at("foreign/keep.txt"), *content = at("c");
	fs_mkdirs(content);
	fs_write(file, "mine", 4);
	CHECK(output_open(&o, foreign, content, 2) < 0);
	CHECK(has_error("refusing to replace a non-empty directory"));
	CHECK(fs_exists(file));
	diag_clear();
	free(foreign);
	free(file);
	free(content);
}

static void test_swap_and_abort(void)
{
	struct output o;
	char *out = at("out"), *content = at("c");
	char *data;
	size_t len;
	CHECK(output_open(&o, out, content, 2) == 0);
	output_write(&o, "a/index.html", "one", 3);
	output_write(&o, "stale.html", "old", 3);
	CHECK(output_commit(&o) == 0);
	CHECK_INT(entries_named("aftermath-tmp"), 0);
	char *a = at("out/a/index.html"), *stale = at("out/stale.html"),
	     *marker = at("out/" OUTPUT_MARKER);
	CHECK(fs_read(a, &data, &len) == 0 && !strcmp(data, "one"));
	free(data);
	CHECK(fs_exists(marker));
	/* A second build replaces everything: no stale file survives. */
	CHECK(output_open(&o, out, content, 2) == 0);
	output_write(&o, "a/index.html", "two", 3);
	CHECK(output_commit(&o) == 0);
	/* The old site, swapped out into the temporary, is gone with it. */
	CHECK_INT(entries_named("aftermath-tmp"), 0);
	CHECK(fs_read(a, &data, &len) == 0 && !strcmp(data, "two"));
	free(data);
	CHECK(!fs_exists(stale));
	/* A failed build leaves the old output exactly as it was. */
	CHECK(output_open(&o, out, content, 2) == 0);
	output_write(&o, "a/index.html", "three", 5);
	output_abort(&o);
	CHECK(fs_read(a, &data, &len) == 0 && !strcmp(data, "two"));
	free(data);
	/* Only the output dir is left beside the content: no temporary (its
	 * name has this process's id). */
	char *rel = xstrfmt(".out.aftermath-tmp-%ld", (long)getpid());
	char *tmpdir = at(rel);
	CHECK(!fs_exists(tmpdir));
	CHECK_INT(entries_named("aftermath-tmp"), 0);
	free(rel);
	free(tmpdir);
	free(a);
	free(stale);
	free(marker);
	free(out);
	free(content);
	diag_clear();
}

/*
 * output_write makes every missing directory of a path, and a file it cannot
 * write is an error that names the file below the temporary directory.
 */
static void test_write_paths(void)
{
	struct output o;
	char *out = at("paths"), *content = at("c");
	char *data;
	size_t len;
	CHECK(output_open(&o, out, content, 2) == 0);
	CHECK(output_write(&o, "top.html", "t", 1) == 0);
	CHECK(output_write(&o, "x/index.html", "1", 1) == 0);
	CHECK(output_write(&o, "x/y.html", "2", 1) == 0);	/* a directory that exists */
	CHECK(output_write(&o, "p/q/r/s.html", "3", 1) == 0);	/* three that do not */
	CHECK(output_write(&o, "top.html/z.html", "4", 1) < 0); /* below a file */
	char *want = xstrfmt("%s/top.html/z.html", o.tmp);
	size_t n;
	const struct diag *d = diag_list(&n);
	CHECK_INT(n, 1);
	CHECK(n == 1 && d[0].file && !strcmp(d[0].file, want));
	CHECK(has_error("cannot write file: Not a directory"));
	diag_clear();
	CHECK(output_commit(&o) == 0);
	static const char *const files[][2] = {{"paths/x/index.html", "1"},
					       {"paths/x/y.html", "2"},
					       {"paths/p/q/r/s.html", "3"},
					       {"paths/top.html", "t"}};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *f = at(files[i][0]);
		CHECK(fs_read(f, &data, &len) == 0 && !strcmp(data, files[i][1]));
		free(data);
		free(f);
	}
	free(want);
	free(out);
	free(content);
}

/*
 * Dropped-condition bug class in the ancestor test: an ancestor of the
 * content is refused even when it is an old output of ours (so only the
 * ancestor rule stops it), and a directory whose name merely starts like the
 * content's is not an ancestor.
 */
static void test_ancestor_rule_alone(void)
{
	struct output o;
	char *site = at("anc"), *content = at("anc/content"), *mark = at("anc/" OUTPUT_MARKER);
	char *prefix = at("anc/cont"), *prefix2 = at("an");
	fs_mkdirs(content);
	fs_write(mark, "x", 1);
	CHECK(output_open(&o, site, content, 2) < 0);
	CHECK(has_error("refusing to write the site over the content directory"));
	diag_clear();
	CHECK(output_open(&o, prefix, content, 2) == 0);
	output_abort(&o);
	CHECK(output_open(&o, prefix2, content, 2) == 0);
	output_abort(&o);
	CHECK(diag_count(DIAG_ERROR) == 0);
	diag_clear();
	free(site);
	free(content);
	free(mark);
	free(prefix);
	free(prefix2);
}

/*
 * Leftover bug class: a temporary left by an earlier run with the same pid
 * (a crash) is emptied first, so none of its files is published; the marker
 * is exactly its text; a copied tree arrives whole and is no error.
 */
static void test_stale_temporary_marker_and_copy(void)
{
	struct output o;
	char *out = at("st"), *content = at("c"), *src = at("static-src");
	char *rel = xstrfmt(".st.aftermath-tmp-%ld/stale.html", (long)getpid());
	char *stale = at(rel), *stale_out = at("st/stale.html"), *mark = at("st/" OUTPUT_MARKER);
	char *copied = at("st/files/a/b.txt"), *srcfile = at("static-src/a/b.txt");
	fs_mkdirs(content);
	CHECK(fs_write(stale, "old", 3) == 0);
	CHECK(fs_write(srcfile, "bee", 3) == 0);
	CHECK(output_open(&o, out, content, 2) == 0);
	CHECK(output_copy_tree(&o, src, "files") == 0);
	CHECK(output_commit(&o) == 0);
	CHECK(!fs_exists(stale_out));
	char *data;
	size_t len;
	CHECK(fs_read(mark, &data, &len) == 0);
	CHECK_INT(len,
		  strlen("This directory is written by aftermath and replaced on every build.\n"));
	CHECK(len &&
	      !strcmp(data,
		      "This directory is written by aftermath and replaced on every build.\n"));
	free(data);
	CHECK(fs_read(copied, &data, &len) == 0 && len == 3 && !strcmp(data, "bee"));
	free(data);
	CHECK(diag_count(DIAG_ERROR) == 0);
	free(out);
	free(content);
	free(src);
	free(rel);
	free(stale);
	free(stale_out);
	free(mark);
	free(copied);
	free(srcfile);
}

/* Boundary bug class: descriptor 0 is a descriptor (a daemon may run with stdin closed). */
static void test_descriptor_zero_is_valid(void)
{
	struct output o;
	char *out = at("fd0"), *content = at("c");
	fs_mkdirs(content);
	int saved = dup(0);
	close(0);
	int ret = output_open(&o, out, content, 2);
	CHECK_INT(ret, 0);
	CHECK_INT(o.tmp_fd, 0);
	if (ret == 0) {
		output_write(&o, "index.html", "x", 1);
		CHECK(output_commit(&o) == 0);
	}
	dup2(saved, 0);
	close(saved);
	CHECK(diag_count(DIAG_ERROR) == 0);
	diag_clear();
	free(out);
	free(content);
}

/*
 * Bug class: a refusal closing a descriptor it never opened.  The caller's
 * struct output is not initialised (output_open fills it in); when the
 * output directory is refused, output_abort must not close whatever number
 * the struct happened to hold -- here a pipe the caller still uses.
 */
static void test_refusal_closes_no_caller_descriptor(void)
{
	char *content = at("rc"), *foreign = at("rc-foreign"), *file = at("rc-foreign/mine.txt");
	fs_mkdirs(content);
	fs_mkdirs(foreign);
	fs_write(file, "not a site", 10);
	int p[2];
	CHECK(pipe(p) == 0);
	for (int round = 0; round < 2; round++) {
		struct output o;
		memset(&o, 0, sizeof(o));
		o.tmp_fd = p[round]; /* what the stack held before output_open */
		CHECK(output_open(&o, round ? content : foreign, content, 2) < 0);
		diag_clear();
		CHECK(fcntl(p[round], F_GETFD) != -1); /* still open */
	}
	CHECK(write(p[1], "x", 1) == 1);
	char c = 0;
	CHECK(read(p[0], &c, 1) == 1 && c == 'x');
	close(p[0]);
	close(p[1]);
	free(content);
	free(foreign);
	free(file);
}

struct watcher {
	const char *path;
	atomic_bool stop;
	atomic_long looks, misses;
};

static void *watch(void *arg)
{
	struct watcher *w = arg;
	struct stat st;
	while (!atomic_load(&w->stop)) {
		if (stat(w->path, &st) < 0)
			atomic_fetch_add(&w->misses, 1);
		atomic_fetch_add(&w->looks, 1);
	}
	return NULL;
}

/*
 * Atomicity bug class: a reader of the output directory always finds a whole
 * site, before or after, never none.  A thread looks for index.html while the
 * site is replaced again and again; a swap by delete-then-rename (or by two
 * renames) leaves moments with no site, which the thread sees.
 */
static void test_atomic_swap_never_leaves_no_site(void)
{
	struct output o;
	char *out = at("atomic"), *content = at("c"), *index = at("atomic/index.html");
	fs_mkdirs(content);
	CHECK(output_open(&o, out, content, 2) == 0);
	output_write(&o, "index.html", "0", 1);
	CHECK(output_commit(&o) == 0);
	struct watcher w = {.path = index};
	pthread_t th;
	CHECK(pthread_create(&th, NULL, watch, &w) == 0);
	for (int round = 0; round < 20; round++) {
		CHECK(output_open(&o, out, content, 2) == 0);
		for (int i = 0; i < 40; i++) {
			char *p = xstrfmt("pms/pm-%02d/index.html", i);
			output_write(&o, p, "x", 1);
			free(p);
		}
		output_write(&o, "index.html", "1", 1);
		CHECK(output_commit(&o) == 0);
	}
	atomic_store(&w.stop, true);
	pthread_join(th, NULL);
	CHECK(atomic_load(&w.looks) > 0);
	CHECK_INT(atomic_load(&w.misses), 0);
	CHECK_INT(entries_named("aftermath-tmp"), 0);
	free(out);
	free(content);
	free(index);
}

/* rm -rf on threads: every level goes, a symbolic link is removed and not followed. */
static void test_remove_tree(void)
{
	char *keep = at("keep/file.txt"), *keepdir = at("keep"), *tree = at("tree");
	fs_write(keep, "keep", 4);
	for (int i = 0; i < 40; i++) {
		char *p = xstrfmt("%s/pms/pm-%02d/index.html", tree, i);
		CHECK(fs_write(p, "x", 1) == 0);
		free(p);
	}
	char *deep = xstrfmt("%s/a/b/c/d/e.txt", tree), *top = xstrfmt("%s/top.txt", tree);
	char *link = xstrfmt("%s/a/link", tree), *empty = xstrfmt("%s/a/empty", tree);
	CHECK(fs_write(deep, "e", 1) == 0 && fs_write(top, "t", 1) == 0 && fs_mkdirs(empty) == 0);
	CHECK(symlink(keepdir, link) == 0);
	CHECK(fs_remove_tree_jobs(tree, 2) == 0);
	CHECK(!fs_exists(tree));
	CHECK(fs_exists(keep));			  /* the link's target survives */
	CHECK(fs_remove_tree_jobs(tree, 2) == 0); /* a missing tree is not an error */
	/* A plain file is removed too. */
	CHECK(fs_remove_tree_jobs(keep, 2) == 0 && !fs_exists(keep));
	CHECK(diag_count(DIAG_ERROR) == 0);
	free(keep);
	free(keepdir);
	free(tree);
	free(deep);
	free(top);
	free(link);
	free(empty);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_refuses_content_and_ancestors),
		TEST(test_refuses_foreign_dir),
		TEST(test_swap_and_abort),
		TEST(test_write_paths),
		TEST(test_atomic_swap_never_leaves_no_site),
		TEST(test_ancestor_rule_alone),
		TEST(test_stale_temporary_marker_and_copy),
		TEST(test_descriptor_zero_is_valid),
		TEST(test_refusal_closes_no_caller_descriptor),
		TEST(test_remove_tree),
	};
	if (!mkdtemp(tmp))
		return 1;
	confine_add_root(tmp, NULL); /* as the program does for its content directory (confine.h) */
	int ret = harness_run("output", cases, ARRAY_SIZE(cases));
	fs_remove_tree(tmp);
	return ret;
}
