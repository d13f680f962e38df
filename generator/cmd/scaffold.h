/*
 * scaffold: a fresh postmortem from the template, for `aftermath new` (cmd/new.c).
 *
 * The template is the site's layouts/new/postmortem.md, else the default
 * theme's.  It may use {{id}}, {{title}}, {{date}}, {{year}}, {{owner}} and
 * {{severities}}.  The id is the next free one in site.yaml's id_pattern
 * (default "PM-{year}-{seq:3}": PM-2026-001, PM-2026-002, ...).
 */
#ifndef AFTERMATH_SCAFFOLD_H
#define AFTERMATH_SCAFFOLD_H

#include "load/corpus.h"

/*
 * The next free id for `pattern` in `year`, given the ids in use (a
 * strmap's keys).  Caller frees.  NULL (with a diagnostic) when the pattern
 * has no {seq} or {seq:N} part.
 */
char *newpm_next_id(const char *pattern, int year, const struct strmap *ids);

/*
 * Write content_dir/postmortems/YEAR/<slug of id>.md from the template found
 * in layout_dirs and store its path in *path (caller frees).  `date` is
 * "YYYY-MM-DD".  Returns 0, or -1 after a diagnostic (the file exists, the
 * template is missing, ...); never overwrites a file.
 */
int newpm_create(const struct corpus *c, const char *const *layout_dirs, size_t ndirs, const char *title,
		 const char *date, const char *owner, char **path);

#endif
