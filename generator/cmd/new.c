/* new: the `new` command (see new.h). */
#include "cmd/new.h"

#include "base/fsutil.h"
#include "cmd/scaffold.h"
#include "load/corpus.h"

#include <stdlib.h>
#include <string.h>

/* new's text options: UTF-8 (they are written into a file that must be), and a real date. */
static int check_new_options(const struct options *o)
{
	const char *texts[] = {o->title, o->owner, o->severity};
	static const char *const names[] = {"--title", "--owner", "--severity"};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if (texts[i] && utf8_valid(texts[i], strlen(texts[i])) < strlen(texts[i]))
			return usage_error("%s is not valid UTF-8 (expected UTF-8 text)", names[i]);
	for (size_t i = 0; i < o->nservices; i++)
		if (utf8_valid(o->services[i], strlen(o->services[i])) < strlen(o->services[i]))
			return usage_error("%s is not valid UTF-8 (expected UTF-8 text)",
					   "--service");
	struct when w;
	if (o->date && (strlen(o->date) != 10 || when_parse(&w, o->date) < 0 || w.has_time))
		return usage_error("invalid --date \"%s\" (expected YYYY-MM-DD)", o->date);
	return 0;
}

int cmd_new(struct options *o)
{
	struct corpus c;
	char *theme = find_theme();
	char *site_layouts = path_join(o->content_dir, "layouts");
	const char *dirs[] = {site_layouts, theme};
	char *git_user = NULL, *path = NULL;
	int ret;
	if ((ret = check_new_options(o)) != 0)
		goto out;
	if (content_dir_missing(o)) {
		ret = EXIT_USAGE;
		goto out;
	}
	/* The owner: --owner, else git's author (GIT_AUTHOR_NAME, then user.name), else none. */
	const char *owner = o->owner;
	if (!owner && getenv("GIT_AUTHOR_NAME") && *getenv("GIT_AUTHOR_NAME"))
		owner = getenv("GIT_AUTHOR_NAME");
	if (!owner)
		owner = git_user = newpm_git_user(o->content_dir);
	/* Existing files only matter for their ids: their problems are check's job. */
	corpus_load(&c, o->content_dir, PROFILE_INTERNAL, o->jobs, false);
	diag_clear();
	struct newpm_opts no = {.title = o->title,
				.date = o->date ? o->date : o->as_of,
				.owner = owner,
				.owner_given = o->owner != NULL,
				.severity = o->severity,
				.services = o->services,
				.nservices = o->nservices};
	ret = newpm_create(&c, dirs, 2, &no, &path);
	corpus_release(&c);
	diag_flush(stderr, o->format);
	if (ret < 0) {
		ret = ret == -2 ? EXIT_USAGE : EXIT_CONTENT;
		goto out;
	}
	printf("%s\n", path);
	if (!o->quiet)
		fprintf(stderr, "aftermath: wrote %s; fill it in, then run: aftermath check %s\n",
			path, o->content_dir);
out:
	free(path);
	free(git_user);
	free(theme);
	free(site_layouts);
	return ret;
}
