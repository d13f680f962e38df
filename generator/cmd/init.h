/*
 * init: `aftermath init [DIR]`, a new knowledge base from the init templates.
 *
 * The templates are files shipped with aftermath (init/ in the source tree,
 * share/aftermath/init installed), copied with {{version}} (this aftermath's
 * version), {{upstream}} (where aftermath's source is fetched from) and
 * {{action}} (its GitHub owner/name) replaced.  DIR must be new or empty but for .git.  Every file is created
 * with O_EXCL|O_NOFOLLOW below a directory opened with O_NOFOLLOW, so init
 * never overwrites a file and never writes through a symbolic link.
 */
#ifndef AFTERMATH_INIT_H
#define AFTERMATH_INIT_H

#include <stdbool.h>

struct init_opts {
	const char *dir;       /* the knowledge base to create */
	const char *templates; /* the directory of the init templates */
	const char *version;   /* {{version}} */
	const char *upstream;  /* {{upstream}} */
	bool quiet;
};

/*
 * Write the knowledge base.  Returns the exit status: 0; 2 (usage) when DIR
 * is not empty or not a directory; 3 when a template cannot be read or a
 * file cannot be written.  Problems are printed on stderr.
 */
int init_run(const struct init_opts *o);

struct options;
/* `aftermath init [DIR]`: init_run() with the command line's options and the shipped templates. */
int cmd_init(const struct options *o);

#endif
