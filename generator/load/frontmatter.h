/*
 * frontmatter: one postmortem file to a typed struct postmortem.
 *
 * Splits the `---` fenced YAML header from the Markdown body, parses it with
 * yamltree and validates every field of the brief: required id, title and
 * date; ISO dates and date-times; the enums; lists that also accept a single
 * value; nested impact and action items.  Field names go through site.yaml's
 * `fields:` map first.  Unknown keys stay in pm->front.
 */
#ifndef AFTERMATH_FRONTMATTER_H
#define AFTERMATH_FRONTMATTER_H

#include "model/model.h"
#include "model/siteconfig.h"

/*
 * Fill *pm (zeroed by the caller; pm->path and pm->rel already set) from the
 * file's `text` of `len` bytes.  Reports every problem found as a diagnostic
 * at its file:line:col and returns -1 if there was any error, else 0.  Even
 * on -1 the fields that did parse are set and pm_release() frees them.
 */
int frontmatter_parse(struct postmortem *pm, const struct site *site, const char *text, size_t len);

/*
 * The same, through site.yaml's fields:, defaults: and import: when given
 * (fieldmap.h), and with a row in *ex (when not NULL) for every field found:
 * where its value came from.
 */
struct explain;
int frontmatter_explain(struct postmortem *pm, const struct site *site, const char *text,
			size_t len, struct explain *ex);

/*
 * Validate site.yaml's defaults: once, as front matter is (an unknown
 * severity, a date that is not one), each problem at its site.yaml
 * line:column, before any postmortem uses them.  0, or -1 after reporting.
 */
int frontmatter_check_defaults(const struct site *site);

/*
 * The same split for a pages/ Markdown file file: the front matter (optional) gives
 * the title.  Fills pg->front, pg->title and returns the body through
 * body and body_line (pointing into text).  0 or -1.
 */
int frontmatter_page(struct page *pg, const char *text, size_t len, const char **body,
		     int *body_line);

#endif
