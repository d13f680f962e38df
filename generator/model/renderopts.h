/*
 * renderopts: what the output stages (search, render, emit) are told about
 * the build besides the model: where the layouts are, the as-of date, the
 * base URL, the threads, and where the assets were written.
 */
#ifndef AFTERMATH_RENDEROPTS_H
#define AFTERMATH_RENDEROPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct render_opts {
	const char *const *layout_dirs; /* site's layouts first, then the theme */
	size_t nlayout_dirs;
	const char *as_of; /* "YYYY-MM-DD" */
	int64_t as_of_day;
	int64_t since_day;    /* the previous review (--since), for /actions/review/ */
	const char *base_url; /* "/" or an absolute URL ending in '/' */
	int jobs;
	bool timings; /* print each template's calls and time to stderr (--timings) */
	/* Asset paths (from the output root) by source name: set by render_assets(). */
	char **asset_names, **asset_paths;
	size_t nassets;
};

#endif
