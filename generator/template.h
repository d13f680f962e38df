/*
 * template: the Lua template engine for layouts/ (and the sandbox it runs in).
 *
 * A template is HTML with embedded Lua: `{{ expr }}` is HTML-escaped,
 * `{{{ expr }}}` is inserted raw, `{% statements %}` is code, and
 * `include("name", ctx)` renders a partial and returns its text.  Each file
 * is compiled once into a Lua function; line numbers are kept so an error
 * names the template file and line.  The fields of the context table are
 * visible as variables, then the globals of helpers.lua (if a theme has one),
 * then Lua's safe standard library.
 *
 * Sandbox: no os.execute, io.*, loadfile, dofile, require or file writes; a
 * render runs under an instruction budget, so a loop ends in an error.
 * One struct tmpl per thread: a Lua state is not shared.
 */
#ifndef AFTERMATH_TEMPLATE_H
#define AFTERMATH_TEMPLATE_H

#include "util.h"

struct lua_State;
struct tmpl;

/* Instructions one render (or one hook call) may run before it fails. */
#define TMPL_BUDGET 200000000L

/*
 * Compile every *.html template and helpers.lua found in `dirs` (searched in
 * order: a file in dirs[0] overrides the same name in dirs[1]).  Returns the
 * engine, or NULL after reporting every template that failed to compile.
 */
struct tmpl *tmpl_open(const char *const *dirs, size_t ndirs);
void tmpl_free(struct tmpl *t);

/* The engine's Lua state, for building context tables. */
struct lua_State *tmpl_lua(struct tmpl *t);
bool tmpl_exists(struct tmpl *t, const char *name);

/*
 * Render template `name` (e.g. "postmortem.html") with the table on top of
 * the Lua stack as its context; pops it.  Appends the text to `out`.  Returns
 * 0, or -1 after a diagnostic "layouts/x.html:12: error: ..." (the template's
 * file and line).
 */
int tmpl_render(struct tmpl *t, const char *name, struct buf *out);

/* Create a sandboxed Lua state (safe libraries only), used by hooks too. */
struct lua_State *sandbox_new(void);
/* Close a state made by sandbox_new. */
void sandbox_free(struct lua_State *L);
/*
 * Call the function below `nargs` arguments on L's stack in protected mode
 * under the instruction budget, with a traceback handler.  0 on success
 * (results left on the stack), else -1 after a diagnostic naming `what`.
 */
int sandbox_call(struct lua_State *L, int nargs, int nresults, const char *what);
/* Set the instruction budget of a sandboxed state (tests). */
void tmpl_set_budget(struct lua_State *L, long budget);

#endif
