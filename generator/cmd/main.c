/*
 * aftermath: a static site generator for a postmortem knowledge base.
 *
 * main.c reads the command and its options (cli.h) and runs the command's
 * file: build.c, check.c, stats.c, new.c, overdue.c, serve.c, init.c or help.c.  The
 * pipeline they share is pipeline.h (load, profile, link, count); build.c
 * writes the site from it.
 */
#include "base/deadline.h"
#include "base/parallel.h"
#include "cmd/build.h"
#include "cmd/check.h"
#include "cmd/cli.h"
#include "cmd/help.h"
#include "cmd/init.h"
#include "cmd/new.h"
#include "cmd/overdue.h"
#include "cmd/serve.h"
#include "cmd/stats.h"
#include "lua/sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * jemalloc's settings (read at its start; glibc's malloc ignores the name):
 * back the heap with transparent huge pages where the kernel allows them
 * (THP "always" or "madvise").  A 10k build walks a few hundred MB of Lua
 * tables, trees and buffers; with 2 MB pages it spends about 10% less time
 * on TLB misses and page faults, for about 20 MB more peak memory
 * (BENCHMARKS.md).  And keep freed pages for a minute rather than 10 s
 * before giving them back to the kernel: a build reuses them soon, and
 * jemalloc gives back a growing share of them as the seconds pass, so a
 * long build (100k postmortems, 17 s) was clearing the same memory again
 * and again: 6-12% of its time, with the same peak memory.  MALLOC_CONF in the
 * environment still overrides both.
 */
const char *malloc_conf = "thp:always,dirty_decay_ms:60000";

/* Written by the Makefile: `git describe` in a clone, else the VERSION file. */
extern const char aftermath_version[];

/* --max-seconds ran out (deadline.h): print the diagnostics so far and the deadline's. */
static void expire(void *ctx)
{
	const struct options *o = ctx;
	progress(o, "");
	report(o);
	fflush(stdout); /* the process ends with _exit: stdio's buffers are not flushed for us */
	fflush(stderr);
}

/* `aftermath help [COMMAND]` (and --help): the overview, or one command's. */
static int cmd_help(int argc, char **argv)
{
	if (argc < 3) {
		fputs(help_usage(), stdout);
		return 0;
	}
	if (argc > 3)
		return usage_error("unexpected argument \"%s\" (expected one command)", argv[3]);
	const char *text = help_command(argv[2]);
	if (!text)
		return usage_error(
			"no help for \"%s\" (expected build, check, init, new, overdue, serve, stats or help)",
			argv[2]);
	fputs(text, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = {.content_dir = "content",
			    .out_dir = "public",
			    .jobs = parallel_cpus(),
			    .port = 8080};
	if (argc < 2) {
		fputs(help_usage(), stderr);
		return EXIT_USAGE;
	}
	o.command = argv[1];
	if (!strcmp(o.command, "-h") || !strcmp(o.command, "--help") || !strcmp(o.command, "help"))
		return cmd_help(argc, argv);
	if (!strcmp(o.command, "--version") || !strcmp(o.command, "version")) {
		printf("aftermath %s\n", aftermath_version);
		return 0;
	}
	if (!help_command(o.command) || !strcmp(o.command, "help"))
		return usage_error(
			"unknown command \"%s\" (expected build, check, init, new, overdue, serve or stats)",
			o.command);
	if (!strcmp(o.command, "overdue")) /* its own options (overdue.h) */
		return overdue_main(argc - 1, argv + 1);
	if (!strcmp(o.command, "init"))
		o.content_dir = ".";
	int ret = parse_options(&o, argc - 1, argv + 1);
	if (ret) {
		free(o.services);
		return ret;
	}
	if (!strcmp(o.command, "init")) /* reads only what is shipped; writes O_NOFOLLOW */
		return cmd_init(&o);
	confine_roots(&o);
	/* before any Lua state is made */
	sandbox_set_limits(o.lua_memory_mb << 20, o.page_output_mb << 20);
	if (o.explain && strcmp(o.command, "check"))
		return usage_error(
			"--explain is an option of check (aftermath check %s --explain FILE)",
			o.content_dir);
	if (!strcmp(o.command, "stats"))
		return cmd_stats(&o);
	if (!strcmp(o.command, "new")) {
		ret = cmd_new(&o);
		free(o.services);
		return ret;
	}
	if (!strcmp(o.command, "serve"))
		return cmd_serve(&o);
	o.exit_when_built = true;
	deadline_start(o.max_seconds, expire, &o, EXIT_CONTENT);
	return !strcmp(o.command, "build") ? cmd_build(&o) : cmd_check(&o);
}
