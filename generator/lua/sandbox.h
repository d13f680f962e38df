/*
 * sandbox: sandboxed Lua states, for templates, hooks, redaction and lint rules.
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
 * redaction hook) holds at most SANDBOX_MEMORY_MB while its scripts run: what a
 * script keeps from one call to the next counts, so this is a cap for the
 * whole build, not per page (the context tables C builds are counted but
 * never refused).  One render writes at most SANDBOX_OUTPUT_MB (each page, and
 * each partial's text).  A call (a render, a hook, a rule) may use
 * SANDBOX_BUDGET_MS of CPU time (its thread's), so an endless loop ends after a
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
#ifndef AFTERMATH_SANDBOX_H
#define AFTERMATH_SANDBOX_H

#include "base/util.h"

struct lua_State;

/* CPU milliseconds one call (a render, a hook, a rule) may use before it fails. */
#define SANDBOX_BUDGET_MS 1000L
/* Megabytes a Lua state may hold, by default (--lua-memory). */
#define SANDBOX_MEMORY_MB 1024
/* Megabytes of text one render may write, by default (--page-output). */
#define SANDBOX_OUTPUT_MB 256

/*
 * The memory and output limits of the states and engines made after this
 * call, in bytes (0 keeps the default).  Call before any thread makes one.
 */
void sandbox_set_limits(size_t memory_bytes, size_t output_bytes);

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
void sandbox_set_budget(struct lua_State *L, long ms);
/* Set the memory limit of a sandboxed state, in bytes (tests). */
void sandbox_set_memory(struct lua_State *L, size_t bytes);
/* Check the budget as when the system refuses a timer: by polling (tests). */
void sandbox_poll_budget(struct lua_State *L);

/* For the template engine (render/template.c). */
/* The output limit set by sandbox_set_limits (bytes one render may write). */
size_t sandbox_output_limit(void);
/* Make the table at the top of the stack a read-only proxy; `before`/`after` name it in errors. */
void sandbox_make_readonly(struct lua_State *L, const char *before, const char *after);
/* Remember that chunks named from `path` come from it (errors name the full path). */
void sandbox_register_source(struct lua_State *L, const char *path);
/* Report a failed load of `path` (status from luaL_loadbuffer). */
void sandbox_report_load(struct lua_State *L, int status, const char *path, bool is_template);
/* "file:line, file:line" of the Lua callers above the frame at file:line, or NULL; caller frees. */
char *sandbox_callers(struct lua_State *L, const char *file, int line);

#endif
