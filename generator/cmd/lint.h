/*
 * lint: the checker's rules, written in Lua.
 *
 * Rules are Lua files: the default built-in rules in lint/ (beside layouts/ in
 * the source tree, installed under share/aftermath/lint) and the site's own rules in its scripts/lint folder, a site rule
 * replacing a built-in one with the same id.  Each file returns
 *
 *     return {
 *       id = "blame-language", level = "warning",
 *       rationale = "Blameless postmortems talk about systems, not people.",
 *       check = function(pm, report) ... report(line, col, message) ... end,
 *     }
 *
 * site.yaml's `lint:` mapping sets a rule's level by id: off, note,
 * warning or error.  Rules run sandboxed under the time budget; a
 * rule that fails is reported at its own file and line, and the others
 * still run.  What `pm` holds is documented in docs/lint.md.
 */
#ifndef AFTERMATH_LINT_H
#define AFTERMATH_LINT_H

#include "load/corpus.h"

/*
 * Run every rule found in `dirs` (in order; later dirs override earlier
 * ones by rule id) over every postmortem of c.  Findings are diagnostics
 * tagged with the rule id.  `scaffold` is the text of the template
 * `aftermath new` fills (newpm_template), NULL when there is none: rules
 * see it as pm.scaffold.  Returns 0, or -1 when a rule could not be loaded
 * or failed.
 */
int lint_run(const struct corpus *c, const char *const *dirs, size_t ndirs, const char *scaffold);

#endif
