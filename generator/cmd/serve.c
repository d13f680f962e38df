/* serve: the `serve` command (see serve.h). */
#include "cmd/serve.h"

#include "base/fsutil.h"
#include "cmd/build.h"
#include "cmd/devserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* serve's rebuild: a normal build with its diagnostics captured. */
static int serve_build(void *ctx, char **diags)
{
	struct options *o = ctx;
	size_t len;
	FILE *mem = open_memstream(diags, &len);
	o->diag_out = mem;
	int ret = cmd_build(o);
	o->diag_out = NULL;
	fclose(mem);
	return ret;
}

/* serve's temporary site: a new directory in $TMPDIR (else /tmp); caller frees. */
static char *serve_tmpdir(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	char *tmp = xstrfmt("%s/aftermath-serve-XXXXXX", dir);
	if (!mkdtemp(tmp))
		die("cannot create a temporary directory in %s: %s", dir, strerror(errno));
	return tmp;
}

int cmd_serve(struct options *o)
{
	char *tmp = NULL, *out = NULL;
	if (content_dir_missing(o))
		return EXIT_USAGE;
	if (!o->out_set) {
		tmp = serve_tmpdir();
		out = path_join(tmp, "site");
		o->out_dir = out;
	}
	char *theme = find_theme();
	const char *watch[] = {o->content_dir, theme};
	struct serve_opts so = {
		.out_dir = o->out_dir,
		.watch = watch,
		.nwatch = 2,
		.port = o->port,
		.build = serve_build,
		.ctx = o,
		.max_seconds = o->max_seconds,
		.follow_outside = o->allow_outside_links,
	};
	/* Returns after a stop signal too, so the temporary site goes. */
	int ret = serve_run(&so);
	if (tmp)
		fs_remove_tree(tmp);
	free(tmp);
	free(out);
	free(theme);
	return ret;
}
