/*
 * fieldmap: a postmortem's fields in our names, wherever the author put them.
 *
 * Owns site.yaml's `fields:`, `defaults:`, `import:`, `taxonomies:` and
 * `computed:` (where on_postmortem's fields may go, hooks.h).  For
 * each field of ours, fieldmap_apply() takes the first present, non-empty
 * value of: the names `fields:` gives for it, in order (front matter keys,
 * then the body's metadata labels), else the front matter key of that name;
 * then what the body says (bodyread.h: H1, metadata lines, the action-item
 * section, the timeline, durations) and the file name (id and title); then
 * `defaults:`.  The result is a new mapping in our names that frontmatter.c
 * validates as if the author had written it; every value keeps its own
 * location, so a problem is reported where it was written (front matter
 * line, body line or site.yaml line).  `fields:` reads the author's tree
 * only, never its own result, so mappings cannot chain or cycle
 * (`id: title` with `title: id` swaps the two).
 */
#ifndef AFTERMATH_FIELDMAP_H
#define AFTERMATH_FIELDMAP_H

#include "model/fieldsource.h"
#include "model/importcfg.h"
#include "model/model.h"
#include "yaml/yamltree.h"

struct site;
struct hooks;

/*
 * site.yaml key `key` (fields, defaults, import, taxonomies, computed) into
 * s->import (made on first use).  Returns 1 when the key is not one of
 * these, 0 when read, -1 after reporting its problems at file:line:col.
 * fieldmap_site_check() then checks what depends on the whole file (a
 * `fields:` target may be a taxonomy declared below it): 0 or -1.
 */
int fieldmap_site_key(struct site *s, const char *key, const struct ynode *v);
/*
 * site.yaml as the load stage reads it: the hooks of `dir` (below), then
 * site_load() (model/siteconfig.h), then its keys above, then the check.  0,
 * or -1 after reporting every problem found.
 */
int fieldmap_site_load(struct site *s, const char *dir);
int fieldmap_site_check(struct site *s);
/* The content directory's scripts/NAME.lua hooks into s->import (made when there are any). */
void fieldmap_site_hooks(struct site *s, const char *dir);
void import_cfg_free(struct import_cfg *ic);

/* What fieldmap_apply() found besides the fields. */
struct fm_result {
	struct ynode *root; /* the fields in our names (a new tree: ynode_free it) */
	bool actions_from_body;
	bool impact_from_timeline;
	struct loc actions_section; /* the body's "Action items" section (line 0: none) */
	bool failed;		    /* an on_load hook failed (reported) */
};

/*
 * The fields of postmortem pm (pm->path, pm->rel and pm->body set; `front`
 * its front matter, NULL when it has none) by s->import's rules.  Notes an
 * empty value passed over, warns of a body value that cannot be read.  ex,
 * when not NULL, gets a row per field.
 */
void fieldmap_apply(struct fm_result *res, const struct site *s, const struct postmortem *pm,
		    const struct ynode *front, struct explain *ex);

/*
 * Without s->import: the action items of a body whose front matter has no
 * action_items key (a table or plain list under "Action items"; a task list
 * under a heading is left to markdown.c).  Returns a tree with the list as
 * its root (ynode_free it), or NULL; *section is the section's place.
 */
struct ynode *fieldmap_body_actions(const struct postmortem *pm, struct loc *section);

/*
 * site.yaml's defaults: as a tree in our names (dotted impact.* keys under
 * impact), values at their site.yaml places, for frontmatter.c to validate
 * once; NULL when there are none.  ynode_free it.
 */
struct ynode *fieldmap_defaults(const struct site *s);

/* The names looked for `ours` in the front matter ("start_time, Date"; `ours` without a rule), appended to out. */
void fieldmap_looked_for(const struct site *s, const char *ours, struct buf *out);

/* Keep only the computed fields `keep` names (a public build: site.yaml computed.public). */
void fieldmap_keep_computed(struct ynode *computed, const struct name_list *keep);

/*
 * Warn, at its site.yaml line, of each name in computed.search and
 * computed.public that no postmortem of pms has (a typo, or a hook that
 * never returns it); in a public build, of the public ones only.
 */
void fieldmap_check_computed(const struct import_cfg *ic, const struct postmortem *pms, size_t n,
			     bool public_build);

/* Whether `name` is in list l. */
bool name_list_has(const struct name_list *l, const char *name);

/* Whether n is empty: null, "", [] or {}. */
bool ynode_is_empty(const struct ynode *n);

#endif
