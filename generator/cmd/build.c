/* build: the `build` command (see build.h). */
#include "cmd/build.h"

#include "base/deadline.h"
#include "base/fsutil.h"
#include "base/output.h"
#include "cmd/pipeline.h"
#include "emit/api.h"
#include "emit/calendar.h"
#include "emit/feeds.h"
#include "publish/leakcheck.h"
#include "render/render.h"
#include "search/search.h"

#include <pthread.h>
#include <stdlib.h>

/*
 * The API files and the feeds, written on a thread of their own while the
 * search index is built: the index keeps the cores only partly busy (its
 * merge is serial), and these read nothing the index or the pages change.
 */
struct side_job {
	const struct site_model *m;
	const struct render_opts *ro;
	struct output *out;
	int ret;
};

static void *write_api_and_feeds(void *arg)
{
	struct side_job *j = arg;
	const struct site_model *m = j->m;
	j->ret = api_write(&m->c, &m->g, &m->f, j->ro, j->out) |
		 feeds_write(&m->c, &m->g, j->ro->base_url, j->out) |
		 calendar_write(&m->c, &m->g, j->ro, j->out);
	return NULL;
}

/* The search index, with the API files and feeds beside it; then the texts only the index read are dropped. */
static int write_index_api_feeds(struct site_model *m, const struct render_opts *ro,
				 struct output *out)
{
	struct side_job api = {m, ro, out, 0};
	pthread_t thread;
	bool threaded = !pthread_create(&thread, NULL, write_api_and_feeds, &api);
	if (!threaded)
		write_api_and_feeds(&api);
	int ok = search_write(&m->c, &m->g, ro, out);
	if (threaded)
		pthread_join(thread, NULL);
	/* the leak check's last look at what the bodies published */
	if (m->c.profile == PROFILE_PUBLIC)
		leak_note_prose(&m->c);
	corpus_drop_texts(&m->c); /* the index was their last reader: pages need the memory */
	return ok | api.ret;
}

/* The site into a temporary sibling of o->out_dir, swapped in when complete; an exit status. */
static int write_site(const struct options *o, struct site_model *m, struct steps *st)
{
	struct output out;
	char *theme = find_theme();
	char *site_layouts = path_join(o->content_dir, "layouts");
	char *static_dir = path_join(o->content_dir, "static");
	const char *dirs[] = {site_layouts, theme};
	struct when asof;
	when_parse(&asof, o->as_of);
	struct render_opts ro = {.layout_dirs = dirs,
				 .nlayout_dirs = 2,
				 .as_of = o->as_of,
				 .as_of_day = when_day(&asof),
				 .base_url = normalized_base_url(o->base_url, &m->c.site),
				 .jobs = o->jobs,
				 .timings = o->timings};
	ro.since_day = ro.as_of_day - 14; /* the previous review: --since, else two weeks ago */
	if (o->since && when_parse(&asof, o->since) == 0)
		ro.since_day = when_day(&asof);
	int ret = EXIT_USAGE, ok;
	step(st, "open output and assets", "copying the theme's assets and static files");
	if (output_open(&out, o->out_dir, o->content_dir, o->jobs) < 0)
		goto out;
	deadline_cleanup(out.tmp);
	ok = render_assets(&ro, &out) | output_copy_tree(&out, static_dir, "");
	step(st, "search index, api and feeds",
	     "writing the search index, the API files and the feeds");
	ok |= write_index_api_feeds(m, &ro, &out);
	step(st, "pages", "rendering pages");
	ok |= render_site(&m->c, &m->g, &m->f, &ro, &out);
	if (m->c.profile == PROFILE_PUBLIC) {
		step(st, "leak check", "checking the public build for leaks");
		if (ok >= 0 && leak_check(&m->c, out.tmp, o->out_dir, o->jobs) < 0)
			ok = -1;
	}
	/* from here the old site is swapped out or the new one removed: never half */
	deadline_disarm();
	ret = EXIT_CONTENT;
	if (ok < 0 || (o->strict && diag_count(DIAG_WARNING))) {
		output_abort(&out);
		goto out;
	}
	step(st, "swap in and remove the old site", "swapping the new site in");
	ret = output_commit(&out) < 0 ? EXIT_IO : 0;
out:
	steps_end(st);
	free((char *)ro.base_url);
	render_opts_release(&ro);
	free(theme);
	free(site_layouts);
	free(static_dir);
	return ret;
}

int cmd_build(struct options *o)
{
	struct site_model m;
	struct steps st;
	if (content_dir_missing(o))
		return EXIT_USAGE;
	steps_begin(&st, o);
	model_load(&m, o, &st, 0); /* load, apply the profile, link, count */
	int ret = build_blocked(o) ? EXIT_CONTENT : write_site(o, &m, &st);
	steps_end(&st);
	int diag_ret = report(o);
	if (!ret)
		ret = diag_ret;
	if (!ret && !o->quiet)
		fprintf(stderr,
			"aftermath: built %zu %s into %s/ in %.2f s (as of %s, %s profile)\n",
			m.c.npms, plural(m.c.npms, "postmortem", "postmortems"), o->out_dir,
			steps_elapsed(&st), o->as_of,
			o->profile == PROFILE_PUBLIC ? "public" : "internal");
	/* The process ends here: the kernel takes the memory back at once, where
	 * freeing every node and YAML tree took 0.1 s of a 10k build.  (exit, not
	 * return: m stays on the stack, so leak checkers see it reachable.) */
	if (o->exit_when_built)
		exit(ret);
	model_release(&m);
	return ret;
}
