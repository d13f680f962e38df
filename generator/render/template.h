/*
 * template: the Lua template engine for layouts/.
 *
 * A template is HTML with embedded Lua: `{{ expr }}` is HTML-escaped (nil is
 * "", numbers and booleans as tostring, a table without __tostring is an
 * error), `{{{ expr }}}` is inserted raw, `{% statements %}` is code, and
 * `include("name", ctx)` renders a partial ("name" with or without .html; ctx
 * defaults to the current context) and returns its text, so it is used as
 * `{{{ include("partials/head") }}}` (a tag that is just that call renders the
 * partial straight into the output, with no string in between).
 * `include_cached("name", key, ctx)` renders it once per key and engine (like
 * Hugo's partialCached): the key must name everything the text depends on.
 * `{%-` drops the blanks before the tag back to and including one newline,
 * `-%}` those after it.  Each file is
 * compiled once into a Lua function that keeps the template's lines, so an
 * error names the template file and line.  As in Lua, `return` must end a
 * block: stop early with `{% if done then return end %}` or `{% do return end %}`.
 *
 * A name in a template is looked up in the context table, then in the
 * globals of helpers.lua (the first theme dir that has one), then in the safe
 * library, which adds include, esc(v) and raw(v).  Assignments go to the
 * render's own table: nothing a template sets outlives its render.  The
 * library tables and helpers' globals are read-only.
 *
 *
 * The templates run in a sandboxed Lua state (lua/sandbox.h): its limits
 * apply to each render, and one render writes at most the output limit
 * (--page-output, SANDBOX_OUTPUT_MB by default).
 */
#ifndef AFTERMATH_TEMPLATE_H
#define AFTERMATH_TEMPLATE_H

#include "base/util.h"
#include "lua/sandbox.h"
#include "render/textcache.h"

struct lua_State;
struct tmpl;

/*
 * Compile every *.html template and helpers.lua found in `dirs` (searched in
 * order: a file in dirs[0] overrides the same name in dirs[1]).  Returns the
 * engine, or NULL after reporting every template that failed to compile.
 */
struct tmpl *tmpl_open(const char *const *dirs, size_t ndirs);
void tmpl_free(struct tmpl *t);

/* The engine's Lua state, for building context tables. */
struct lua_State *tmpl_lua(struct tmpl *t);
/* Whether template `name` exists (with or without ".html"). */
bool tmpl_exists(struct tmpl *t, const char *name);

/*
 * Render template `name` (e.g. "postmortem.html") with the table on top of
 * the Lua stack as its context; pops it.  Appends the text to `out`.  Returns
 * 0, or -1 after a diagnostic "layouts/x.html:12: error: ..." (the template's
 * file and line; a note "called from ..." names the templates that led there
 * when the error is in a partial or a helper); `out` is then as it was.
 */
int tmpl_render(struct tmpl *t, const char *name, struct buf *out);

/*
 * tmpl_render() with ctx.content set to text[0..len): how a page's content is
 * wrapped in base.html.  A template that names `content` only in
 * {{{ content }}} writes the text from `text` itself, never copied into a Lua
 * string (a 10k build's pages hold 340 MB); every other template the render
 * reaches sees `content` as the string, as if it had been set.  The text must
 * not change until the call returns.
 */
int tmpl_render_page(struct tmpl *t, const char *name, const char *text, size_t len,
		     struct buf *out);

/*
 * include_cached()'s texts (textcache.h).  Each engine has its own; the
 * engines of one build (one per worker) can share one, which is thread-safe,
 * so a partial is rendered once per build rather than once per worker.  The
 * cache must outlive the engines that use it.
 */
void tmpl_share_cache(struct tmpl *t, struct tmpl_cache *c);

/* What each template cost so far (for --timings): its renders and includes. */
struct tmpl_stat {
	const char *name; /* borrowed from the engine */
	size_t calls;
	size_t cached;	     /* include_cached() answers from the cache (no render) */
	double seconds;	     /* inclusive: the partials it included too */
	double self_seconds; /* without them */
};
/* Every template of t, sorted by name; *n set.  The caller frees the array. */
struct tmpl_stat *tmpl_stats(const struct tmpl *t, size_t *n);

/* Set the output limit of an engine, in bytes (tests). */
void tmpl_set_output_limit(struct tmpl *t, size_t bytes);

#endif
