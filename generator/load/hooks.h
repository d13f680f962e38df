/*
 * hooks: the site's own Lua run on every postmortem as it loads.
 *
 * Each scripts/NAME.lua of the content directory (not scripts/redact.lua, which
 * is redact.c's, nor the site's lint rules below scripts/lint/) may define
 * on_load(raw, file): `raw` is the postmortem's fields as a table in our
 * names, after fields:, the body and defaults (fieldmap.h), every value a
 * string, list or table; `file` its path below the content directory.  It
 * returns the table to validate.  Scripts run in file-name order, each on
 * the result of the one before, in the sandbox (template.h) under its time
 * and memory budget; an error names the script and its line.  A value a hook
 * changed is reported, when it is invalid, at the line where the script
 * defines on_load.  on_postmortem(pm) then adds computed fields to the
 * validated postmortem: templates read them as pm.computed on every page that
 * lists it, api/postmortems.json has them, and site.yaml `computed:` says
 * which go into the search records and which a public build may publish
 * (none unless named).  Each thread has its own Lua state.
 */
#ifndef AFTERMATH_HOOKS_H
#define AFTERMATH_HOOKS_H

#include "yaml/yamltree.h"

struct hooks;
struct explain;

/* The hooks of `content_dir`, or NULL when it has no scripts/NAME.lua of its own. */
struct hooks *hooks_open(const char *content_dir);
void hooks_free(struct hooks *h);

/*
 * Run every on_load on `root` (a mapping) for the postmortem `path` (in
 * diagnostics) at `rel` (given to the hooks).  Returns the mapping they
 * return, made in arena `a` (values they left as they were are root's own
 * nodes, locations kept), or NULL after a diagnostic.  ex, when not NULL,
 * gets a row per field a hook set.
 */
struct ynode *hooks_on_load(struct hooks *h, struct arena *a, const struct ynode *root,
			    const char *path, const char *rel, struct explain *ex);

/*
 * Run every on_postmortem(pm) on the validated postmortem (a table of our
 * fields, values as text: dates ISO 8601, severity by name (s's), lists of
 * names, action items with their statuses; `file` its path).  In a public
 * build the fields public.strip names are not in the table, so a hook
 * cannot compute from them.  Each returns nil or a table of computed
 * fields; later scripts' values win.  Sets *out to the merged mapping (its
 * own tree: ynode_free it), NULL when no script defines on_postmortem.  0,
 * or -1 after a diagnostic naming the script and line.
 */
struct postmortem;
struct site;
int hooks_on_postmortem(struct hooks *h, const struct postmortem *pm, const struct site *s,
			bool public_build, struct ynode **out);

#endif
