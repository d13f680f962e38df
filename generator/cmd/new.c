/* new: the `new` command (see new.h). */
#include "cmd/new.h"

#include "base/fsutil.h"
#include "cmd/scaffold.h"
#include "load/corpus.h"

#include <stdlib.h>

int cmd_new(struct options *o)
{
	struct corpus c;
	char *theme = find_theme();
	char *site_layouts = path_join(o->content_dir, "layouts");
	const char *dirs[] = {site_layouts, theme};
	const char *owner = getenv("GIT_AUTHOR_NAME");
	char *path = NULL;
	int ret;
	if (!owner || !*owner)
		owner = getenv("USER");
	if (!owner || !*owner)
		owner = "unassigned";
	if (content_dir_missing(o)) {
		ret = EXIT_USAGE;
		goto out;
	}
	/* Existing files only matter for their ids: their problems are check's job. */
	corpus_load(&c, o->content_dir, PROFILE_INTERNAL, o->jobs, false);
	diag_clear();
	ret = newpm_create(&c, dirs, 2, o->title ? o->title : "Untitled incident", o->as_of, owner, &path);
	corpus_release(&c);
	if (ret < 0) {
		diag_flush(stderr, o->format);
		ret = EXIT_CONTENT;
		goto out;
	}
	printf("%s\n", path);
	if (!o->quiet)
		fprintf(stderr, "aftermath: wrote %s; fill it in, then run: aftermath check %s\n", path, o->content_dir);
out:
	free(path);
	free(theme);
	free(site_layouts);
	return ret;
}
