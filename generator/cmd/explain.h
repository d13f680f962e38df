/*
 * explain: `aftermath check --explain FILE`, where each value of one
 * postmortem came from.
 *
 * Reads site.yaml and FILE as a build would (fields:, defaults:, import:,
 * the body) and prints every field found with its value and its source: the
 * front matter line, the `fields:` name, a default, a body line, a timeline
 * row, the file name, or a task list (markdown.c); then what aftermath's own
 * defaults give.  Problems are diagnostics, as in a build.  So an import can
 * be audited before it is published.
 */
#ifndef AFTERMATH_EXPLAIN_H
#define AFTERMATH_EXPLAIN_H

#include <stdio.h>

/* Explain `file` of the site in `dir` to out.  0, or -1 when the file could not be read or has errors (reported). */
int explain_file(const char *dir, const char *file, FILE *out);

#endif
