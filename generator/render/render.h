/*
 * render: every HTML page of the site, through the Lua templates.
 *
 * render_site() builds the list of pages (home, one per postmortem, the
 * timeline, service/factor/tag/owner pages, pages/), then renders them on
 * `jobs` threads, each with its own template engine, and writes each to the
 * output.  What a template receives is documented in docs/templates.md; the
 * page template's result is wrapped by base.html.  Output bytes depend only
 * on the inputs and the as-of date, never on the thread count.
 */
#ifndef AFTERMATH_RENDER_H
#define AFTERMATH_RENDER_H

#include "analyze/figures.h"
#include "analyze/graph.h"
#include "base/output.h"
#include "load/corpus.h"
#include "model/renderopts.h"

/*
 * Copy the theme's assets/ (site's files override the theme's) to
 * assets/NAME.HASH.EXT in the output, and note their paths in opts.
 */
int render_assets(struct render_opts *opts, struct output *out);

/*
 * Render and write every page; 0, or -1 after diagnostics.  Consumes each
 * postmortem's body HTML (freed, set to NULL) once its page has it: nothing
 * after rendering reads it, and a big site needs the memory.
 */
int render_site(struct corpus *c, const struct graph *g, const struct figures *f,
		struct render_opts *opts, struct output *out);

void render_opts_release(struct render_opts *opts);

#endif
