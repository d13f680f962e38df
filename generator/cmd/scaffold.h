/*
 * scaffold: a fresh postmortem from the template, for `aftermath new` (cmd/new.c).
 *
 * The template is the site's layouts/new/postmortem.md, else the default
 * theme's.  It may use {{id}}, {{title}}, {{date}}, {{year}}, {{owner}},
 * {{severity}}, {{services}} (a comma-separated list, for inside [...]) and
 * {{severities}}.  The id is the next free one in site.yaml's id_pattern
 * (default "PM-{year}-{seq:3}": PM-2026-001, PM-2026-002, ...).  Text values
 * are written as YAML that reads back as exactly that text: plain when that
 * is safe, else double-quoted with escapes, so a title, owner or service
 * with quotes, colons, '#' or newlines cannot add a field.  With no owner,
 * the template's lines that use {{owner}} are left out.
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

/* The title `new` writes when none is given (the template-text lint rule knows it). */
#define NEWPM_DEFAULT_TITLE "Untitled incident"

struct newpm_opts {
	const char *title; /* NULL: NEWPM_DEFAULT_TITLE */
	const char *date;  /* "YYYY-MM-DD" */
	const char *owner; /* NULL: no owner */
	/* owner came from --owner (a template without {{owner}} is told) */
	bool owner_given;
	const char *severity;	     /* NULL: the site's default */
	const char *const *services; /* each a name or a comma-separated list */
	size_t nservices;
};

/*
 * The site's default severity: site.yaml's defaults: severity when it names
 * one of the severities, else the last (least severe) one.  Owned by the site.
 */
const char *newpm_default_severity(const struct site *s);

/*
 * The name `git config user.name` gives in `dir` (caller frees), or NULL
 * when git is not installed, fails, or has no name set.  Never fails.
 */
char *newpm_git_user(const char *dir);

/*
 * Write content_dir/postmortems/YEAR/<slug of id>.md from the template found
 * in layout_dirs and store its path in *path (caller frees).  Returns 0; -2
 * after a diagnostic when an option is wrong (a severity or a service the
 * site does not have, a date that is not YYYY-MM-DD, text that is not UTF-8):
 * nothing is written; -1 after a diagnostic when the file cannot be written
 * (it exists, the template is missing, ...).  Never overwrites a file.
 */
int newpm_create(const struct corpus *c, const char *const *layout_dirs, size_t ndirs,
		 const struct newpm_opts *o, char **path);

/* The template's text, from the first of dirs that has new/postmortem.md (caller frees); NULL when none has. */
char *newpm_template(const char *const *dirs, size_t n);

#endif
