/*
 * template: the Lua template engine for layouts/ (and the sandbox it runs in).
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
 * Sandbox: base functions without load, loadfile, dofile, require or
 * collectgarbage; string (no dump), table, math, utf8, os.time/date/clock;
 * no io, package or debug; print writes to stderr (1 MB a state, then
 * nothing).  The library tables are
 * read-only proxies, pairs() over them included, and the functions whose C
 * work Lua cannot interrupt are replaced by bounded ones (luasafe.h: the
 * pattern functions, string.rep, the table functions, no __gc, a guarded
 * xpcall).
 *
 * Limits.  A Lua state (a worker's engine, the lint rules', a worker's
 * redaction hook) holds at most TMPL_MEMORY_MB while its scripts run: what a
 * script keeps from one call to the next counts, so this is a cap for the
 * whole build, not per page (the context tables C builds are counted but
 * never refused).  One render writes at most TMPL_OUTPUT_MB (each page, and
 * each partial's text).  A call (a render, a hook, a rule) may use
 * TMPL_BUDGET_MS of CPU time (its thread's), so an endless loop ends after a
 * second in "time budget of 1000 ms exceeded (endless loop?)" at the
 * script's line; C functions that loop (the pattern matcher) ask
 * sandbox_check(), and a call still running ten budgets after it was told
 * to stop ends the process (the backstop, see on_tick).  The budget is measured without slowing Lua down: a timer
 * on the thread's CPU clock signals the thread (a real-time signal,
 * SA_RESTART) while a call runs; see "limits" in template.c.  A legitimate
 * render takes well under a millisecond, so no build is near the limit; a
 * script that is near it may pass on a fast machine and fail on a slow one.
 * One struct tmpl per thread: a Lua state is not shared; there is no global
 * mutable state, so states in different threads are independent.
 */
#ifndef AFTERMATH_TEMPLATE_H
#define AFTERMATH_TEMPLATE_H

#include "base/util.h"

struct lua_State;
struct tmpl;

/* CPU milliseconds one render (or one hook call) may use before it fails. */
#define TMPL_BUDGET_MS 1000L
/* Megabytes a Lua state may hold, by default (--lua-memory). */
#define TMPL_MEMORY_MB 1024
/* Megabytes of text one render may write, by default (--page-output). */
#define TMPL_OUTPUT_MB 256

/*
 * The memory and output limits of the states and engines made after this
 * call, in bytes (0 keeps the default).  Call before any thread makes one.
 */
void sandbox_set_limits(size_t memory_bytes, size_t output_bytes);

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
int tmpl_render_page(struct tmpl *t, const char *name, const char *text, size_t len, struct buf *out);

/* Text include_cached() may hold (per cache) before it starts over. */
#define TMPL_CACHE_BYTES (128u << 20)

/*
 * include_cached()'s texts.  Each engine has its own; the engines of one
 * build (one per worker) can share one, which is thread-safe, so a partial is
 * rendered once per build rather than once per worker.  The cache must
 * outlive the engines that use it.
 */
struct tmpl_cache;
struct tmpl_cache *tmpl_cache_new(void);
void tmpl_cache_free(struct tmpl_cache *c);
void tmpl_share_cache(struct tmpl *t, struct tmpl_cache *c);

/* What each template cost so far (for --timings): its renders and includes. */
struct tmpl_stat {
	const char *name; /* borrowed from the engine */
	size_t calls;
	size_t cached;       /* include_cached() answers from the cache (no render) */
	double seconds;      /* inclusive: the partials it included too */
	double self_seconds; /* without them */
};
/* Every template of t, sorted by name; *n set.  The caller frees the array. */
struct tmpl_stat *tmpl_stats(const struct tmpl *t, size_t *n);

/*
 * Create a sandboxed Lua state (safe libraries only), used by hooks too.
 * Out of memory while creating it ends the program, and so does an error
 * raised outside sandbox_call (a Lua panic).
 */
struct lua_State *sandbox_new(void);
/* Close a state made by sandbox_new (not lua_close: this frees its limits too). */
void sandbox_free(struct lua_State *L);
/*
 * Load Lua file `path` (text only, named "@path") and push it as a function.
 * 0, or -1 after a diagnostic "path:7: error: unexpected symbol near '}'"
 * (nothing pushed).
 */
int sandbox_load(struct lua_State *L, const char *path);
/*
 * Call the function below `nargs` arguments on L's stack in protected mode
 * under the time budget (reset by each outermost call).  0 on success
 * (results left on the stack), else -1 after a diagnostic at the file and
 * line the error names (a chunk loaded as "@path" is named by its full path,
 * even when Lua shortens it), else where the innermost Lua function was, else
 * at `what` (the memory limit); with a note "called from file:line, ..." when
 * Lua functions called the failing one.
 */
int sandbox_call(struct lua_State *L, int nargs, int nresults, const char *what);
/* Set the time budget of a sandboxed state, in CPU milliseconds (tests). */
void tmpl_set_budget(struct lua_State *L, long ms);
/* Set the memory limit of a sandboxed state, in bytes (tests). */
void sandbox_set_memory(struct lua_State *L, size_t bytes);
/* Set the output limit of an engine, in bytes (tests). */
void tmpl_set_output_limit(struct tmpl *t, size_t bytes);
/*
 * For C functions that loop: raise the time-budget error ("time budget of
 * 1000 ms exceeded", at the calling script's line) when the running call has
 * spent its budget; return otherwise.  Cheap: a flag, or the clock when the
 * state polls.
 */
void sandbox_check(struct lua_State *L);
/* Whether the running call has spent its budget (an error is on its way). */
bool sandbox_spent(struct lua_State *L);
/* Check the budget as when the system refuses a timer: by polling (tests). */
void sandbox_poll_budget(struct lua_State *L);

#endif
