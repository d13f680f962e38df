/* template: Lua templates compiled once, rendered sandboxed (see template.h). */
#include "lua/template.h"

#include "base/diag.h"
#include "base/fsutil.h"
#include "lua/luasafe.h"
#include "base/strmap.h"
#include "base/url.h"

#include <ctype.h>
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * The limits of the states and engines made from now on (sandbox_set_limits,
 * before any worker starts; read-only after that).
 */
static size_t memory_limit = (size_t)TMPL_MEMORY_MB << 20;
static size_t output_limit = (size_t)TMPL_OUTPUT_MB << 20;
/* The CPU time between two ticks of a call's timer (see "limits" below). */
#define TICK_MS 10
/* Without a timer, the clock is read every HOOK_EVERY instructions and POLL_BYTES allocated. */
#define HOOK_EVERY 10000
#define POLL_BYTES ((size_t)1 << 20)
/* include() nesting; each level uses a few of Lua's 200 C calls. */
#define MAX_DEPTH 32
/* Stack levels looked at when locating an error. */
#define MAX_FRAMES 32
/* Callers named in the "called from" note. */
#define MAX_CALLERS 4

/*
 * Registry keys (only their addresses are used): the table mapping a
 * chunk's short name, as Lua prints it, to its full path; and the key under
 * which a render's environment keeps its context.
 */
static const char sources_key;
static const char ctx_key;
/*
 * The value of ctx.content while tmpl_render_page() renders: it stands for
 * the page's text, which only a template that writes `content` with
 * {{{ content }}} and uses it no other way (tfile.page_raw) sees; push_call()
 * gives every other template the text as a string.
 */
static const char page_key;

/* Per Lua state, reachable from the allocator (its ud) and lua_getextraspace. */
struct sandbox {
	lua_State *L;
	size_t used;  /* bytes the state holds */
	size_t limit; /* ... at most, while a call runs (memory_limit when made) */
	size_t printed;   /* bytes print() wrote */
	const char *what; /* the outermost call's `what` (the backstop names it) */
	long budget;  /* milliseconds of CPU time an outermost call may use */
	int calls;    /* sandbox_call nesting; limits apply while > 0 */
	bool hit_cap; /* an allocation was refused since the call began */
	char *cap_file; /* where the script was at the last refusal (NULL: no Lua frame) */
	int cap_line;
	/* The time budget (see "limits"); ticks, active and over change in the signal handler. */
	volatile sig_atomic_t ticks;  /* TICK_MS periods of CPU time the call has used */
	volatile sig_atomic_t active; /* an outermost call runs: ticks count */
	volatile sig_atomic_t over;   /* the budget is spent: the stop hook fires at once */
	bool has_timer;
	timer_t timer;      /* on the CPU clock of thread timer_tid */
	pid_t timer_tid;
	bool polling;       /* no timer: the count hook reads the clock */
	uint64_t start_ns;  /* polling: the thread's CPU time when the call began */
	size_t unpolled;    /* polling: bytes allocated since the clock was read */
	/* The error of the failing call, as msghandler found it. */
	char *err_file, *err_msg, *err_callers;
	int err_line;
	bool err_over; /* ... recorded once the budget was spent */
};

/* A template file: its name ("partials/head.html") and where it was found. */
struct tfile {
	char *name;
	char *path;
	int ref; /* the compiled function, in the registry */
	bool page_raw; /* names `content` only in {{{ content }}} (and never _ENV or __raw): see page_key */
	size_t calls;
	size_t cached;        /* include_cached() calls answered from the cache */
	uint64_t ns, self_ns; /* time in its renders, with and without its includes */
};

struct tmpl {
	lua_State *L;
	struct tfile *files; /* sorted by name */
	size_t nfiles;
	struct buf *cur;     /* where __out, __esc, __raw, __inc and __incc append */
	int depth;           /* include() nesting of the render in progress */
	struct buf bufs[MAX_DEPTH + 1]; /* include() output, by depth (reused) */
	uint64_t child_ns[MAX_DEPTH + 2]; /* time in includes made at each depth, for self time */
	struct buf scratch;  /* esc()'s result */
	int env_mt;          /* metatable of a render's environment over a context with a metatable */
	int env_fast_mt;     /* the same over a plain context (copied into the environment) */
	int helpers;         /* helpers.lua's globals */
	int ctxs;            /* ctxs[depth + 1]: the context at each depth */
	int writers[5];      /* __out, __esc, __raw, __inc, __incc */
	struct tmpl_cache *cache; /* include_cached()'s texts (maybe shared) */
	bool own_cache;
	struct buf key;      /* include_cached()'s full key */
	const char *page;    /* tmpl_render_page()'s text (ctx.content), while it renders */
	size_t page_len;
	size_t out_limit;    /* the most text one render may write (output_limit when made) */
	size_t out_held;     /* text in the include buffers below the one being written */
};

/* An include buffer that grew past this is freed after the render, not kept for the next. */
#define KEEP_BUF_BYTES ((size_t)4 << 20)

/*
 * include_cached()'s texts by "name\nkey", shared by the engines of a build.
 * A key belongs to one of CACHE_STRIPES stripes (by its hash), each with its
 * own lock, table and share of TMPL_CACHE_BYTES: workers asking for different
 * keys at once then rarely wait for each other (one lock made a worker sleep
 * while the other copied a text out, and moved its cache line at every call).
 */
#define CACHE_STRIPES 64 /* stripe_of() takes the top 6 bits of a hash */

struct cache_stripe {
	pthread_mutex_t lock;
	struct strmap index; /* full key -> slot */
	struct buf *texts;
	size_t n, alloc, bytes;
} __attribute__((aligned(64)));

struct tmpl_cache {
	struct cache_stripe stripes[CACHE_STRIPES];
};

struct tmpl_cache *tmpl_cache_new(void)
{
	struct tmpl_cache *c = aligned_alloc(64, sizeof(*c)); /* stripes on cache lines of their own */
	if (!c)
		die("out of memory");
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < CACHE_STRIPES; i++) {
		pthread_mutex_init(&c->stripes[i].lock, NULL);
		c->stripes[i].index = (struct strmap)STRMAP_INIT;
	}
	return c;
}

static void cache_clear(struct cache_stripe *s)
{
	for (size_t i = 0; i < s->n; i++)
		buf_release(&s->texts[i]);
	strmap_release(&s->index);
	s->index = (struct strmap)STRMAP_INIT;
	s->n = s->bytes = 0;
}

void tmpl_cache_free(struct tmpl_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CACHE_STRIPES; i++) {
		cache_clear(&c->stripes[i]);
		free(c->stripes[i].texts);
		pthread_mutex_destroy(&c->stripes[i].lock);
	}
	free(c);
}

void tmpl_share_cache(struct tmpl *t, struct tmpl_cache *c)
{
	if (t->own_cache)
		tmpl_cache_free(t->cache);
	t->cache = c;
	t->own_cache = false;
}

static struct sandbox *sandbox_of(lua_State *L)
{
	return *(struct sandbox **)lua_getextraspace(L);
}

/* ---- limits: memory and CPU time ------------------------------------------ */

/*
 * The time budget.  Counting instructions with a count hook makes Lua stop at
 * every instruction, which cost 6% of a whole build; so a call runs with no
 * hook.  Instead each state has a timer on the CPU clock of the thread it
 * runs on, armed while an outermost call runs: every TICK_MS of CPU time the
 * kernel sends TICK_SIGNAL to that thread, whose handler counts the tick.
 * When the call has used its budget the handler sets a count hook of one
 * instruction (lua_sethook may be called from a signal handler: lua.c stops
 * a script on Ctrl-C so), and the hook raises the error where the script is.
 * A pcall inside the script cannot keep it going: the hook fires again at
 * the next instruction until the outermost call returns.  Should the system
 * refuse a timer, a count hook reads the thread's CPU clock every
 * HOOK_EVERY instructions instead (slower, same limit).
 */
#define TICK_SIGNAL (SIGRTMIN + 4)

static _Thread_local pid_t thread_id; /* gettid(), once per thread */

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void stop_hook(lua_State *L, lua_Debug *ar);

/*
 * Once the budget is spent the hook fires at every instruction and at every
 * call, of C functions too: a C loop that calls back (table.concat over a
 * __index, a sort's comparisons) stops at its next call.
 */
#define STOP_MASK (LUA_MASKCOUNT | LUA_MASKCALL)

/* Polling: read the clock; when the budget is spent, stop at the next instruction. */
static void poll_budget(struct sandbox *sb)
{
	sb->unpolled = 0;
	if (!sb->over && thread_cpu_ns() - sb->start_ns >= (uint64_t)sb->budget * 1000000u) {
		sb->over = 1;
		lua_sethook(sb->L, stop_hook, STOP_MASK, 1);
	}
}

static void stop_hook(lua_State *L, lua_Debug *ar)
{
	struct sandbox *sb = sandbox_of(L);
	if (!sb->calls)
		return;
	if (sb->polling)
		poll_budget(sb);
	if (!sb->over)
		return;
	lua_getinfo(L, "Sl", ar);
	if (ar->currentline > 0)
		lua_pushfstring(L, "%s:%d: ", ar->short_src, ar->currentline);
	else
		lua_pushliteral(L, ""); /* a call of a C function: msghandler finds the Lua line */
	lua_pushfstring(L, "time budget of %d ms exceeded (endless loop?)", (int)sb->budget);
	lua_concat(L, 2);
	lua_error(L);
}

void sandbox_check(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	if (!sb->calls)
		return;
	if (sb->polling)
		poll_budget(sb);
	if (sb->over)
		luaL_error(L, "time budget of %d ms exceeded (endless loop?)", (int)sb->budget);
}

bool sandbox_spent(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	return sb->calls && sb->over;
}

/*
 * The backstop: a call still running BACKSTOP_TIMES budgets after it was
 * told to stop is in C work that neither calls a function nor asks
 * sandbox_check() (none is known: luasafe.c bounds every library loop that
 * was found).  Nothing can unwind it safely, so the build ends here, with
 * what was running named, and the previous site stays (output is swapped
 * in only when complete).  Async-signal-safe: write() and _exit().
 */
#define BACKSTOP_TIMES 10

static void backstop(const struct sandbox *sb)
{
	static const char head[] = "aftermath: error: ", tail[] = ": a script's C work ran far past its time budget "
								    "and could not be stopped; the build ends here\n";
	const char *what = sb->what ? sb->what : "(a script)";
	ssize_t ignored = write(STDERR_FILENO, head, sizeof(head) - 1);
	ignored = write(STDERR_FILENO, what, strlen(what));
	ignored = write(STDERR_FILENO, tail, sizeof(tail) - 1);
	(void)ignored;
	_exit(1);
}

static void on_tick(int sig, siginfo_t *info, void *uctx)
{
	(void)sig, (void)uctx;
	struct sandbox *sb = info->si_value.sival_ptr;
	if (!sb || !sb->active)
		return;
	long spent = (long)++sb->ticks * TICK_MS;
	if (!sb->over && spent >= sb->budget) {
		sb->over = 1;
		lua_sethook(sb->L, stop_hook, STOP_MASK, 1);
	} else if (sb->over && spent >= sb->budget * (BACKSTOP_TIMES + 1)) {
		backstop(sb);
	}
}

static void install_tick_handler(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_tick;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(TICK_SIGNAL, &sa, NULL) < 0)
		die("cannot handle signal %d: %s", TICK_SIGNAL, strerror(errno));
}

/* A timer on this thread's CPU clock for sb; false (sb then polls) when refused. */
static bool make_timer(struct sandbox *sb)
{
	if (sb->has_timer)
		timer_delete(sb->timer);
	sb->has_timer = false;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = TICK_SIGNAL;
	ev.sigev_value.sival_ptr = sb;
	ev._sigev_un._tid = thread_id;
	if (timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &sb->timer) < 0)
		return false;
	sb->has_timer = true;
	sb->timer_tid = thread_id;
	return true;
}

/*
 * ThreadSanitizer holds a signal back until the thread calls into libc, which
 * a Lua loop never does: its builds poll.
 */
#if defined(__SANITIZE_THREAD__)
#define POLL_ALWAYS true
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define POLL_ALWAYS true
#endif
#endif
#ifndef POLL_ALWAYS
#define POLL_ALWAYS false
#endif

static void budget_start(struct sandbox *sb)
{
	sb->ticks = 0;
	sb->over = 0;
	if (!thread_id)
		thread_id = gettid();
	if (!sb->polling && (!sb->has_timer || sb->timer_tid != thread_id) && !make_timer(sb))
		sb->polling = true;
	if (sb->polling) {
		sb->start_ns = thread_cpu_ns();
		sb->unpolled = 0;
		lua_sethook(sb->L, stop_hook, LUA_MASKCOUNT, HOOK_EVERY);
		return;
	}
	sb->active = 1;
	struct itimerspec tick = {{0, TICK_MS * 1000000L}, {0, TICK_MS * 1000000L}};
	timer_settime(sb->timer, 0, &tick, NULL);
}

/* A tick queued before the timer stops is handled when timer_settime returns: active is 0 by then. */
static void budget_stop(struct sandbox *sb)
{
	if (!sb->polling) {
		sb->active = 0;
		struct itimerspec off;
		memset(&off, 0, sizeof(off));
		timer_settime(sb->timer, 0, &off, NULL);
	}
	lua_sethook(sb->L, NULL, 0, 0);
}

static const char *frame_file(const lua_Debug *ar);

/*
 * Remember where the script is when an allocation is refused: Lua raises a
 * memory error without running the message handler, so this is the only
 * moment the line can be known.  (Reading the stack allocates nothing.)
 */
static void note_refusal(struct sandbox *sb)
{
	lua_Debug ar;
	for (int level = 0; level < MAX_FRAMES && lua_getstack(sb->L, level, &ar); level++) {
		lua_getinfo(sb->L, "Sl", &ar);
		if (ar.currentline > 0) {
			free(sb->cap_file);
			sb->cap_file = xstrdup(frame_file(&ar));
			sb->cap_line = ar.currentline;
			return;
		}
	}
}

/*
 * The allocator counts every byte the state holds.  While a call runs
 * (sb->calls > 0) it refuses to hold more than sb->limit: what scripts keep
 * between calls (a helper's upvalue, a hook's global) counts, so the limit
 * is the state's for the whole build.  Outside calls (C building context
 * tables) nothing is refused: an error there would have no protected call
 * to go to.  Lua collects the garbage and asks again before it gives up.
 */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct sandbox *sb = ud;
	if (!ptr)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		sb->used -= osize;
		return NULL;
	}
	if (nsize > osize && sb->calls) {
		if (nsize - osize > sb->limit || sb->used > sb->limit - (nsize - osize)) {
			sb->hit_cap = true;
			note_refusal(sb);
			return NULL; /* Lua collects, asks again, then raises a memory error */
		}
		/* a loop of huge string.rep calls runs few instructions */
		if (sb->polling && (sb->unpolled += nsize - osize) >= POLL_BYTES)
			poll_budget(sb);
	}
	void *p = realloc(ptr, nsize);
	if (!p)
		return nsize <= osize ? ptr : NULL; /* shrinking must not fail */
	sb->used = sb->used - osize + nsize;
	return p;
}

static int panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);
	die("unprotected Lua error: %s", msg ? msg : "(not a string)");
}

/* ---- the safe library ----------------------------------------------------- */

static const char *const safe_base[] = {
	"_VERSION", "assert", "error",    "getmetatable", "ipairs",   "next",     "pairs", "pcall",
	"rawequal", "rawget", "rawlen",   "select",       "setmetatable", "tonumber", "tostring", "type",
	"xpcall",   NULL,
};

static bool listed(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* What print() may write for one state; the rest is dropped (CI logs are not for gigabytes). */
#define PRINT_BYTES ((size_t)1 << 20)

/* print() writes to stderr, for debugging a template (PRINT_BYTES at most). */
static int l_print(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	if (sb->printed >= PRINT_BYTES)
		return 0;
	int n = lua_gettop(L);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_addchar(&b, '\n');
	luaL_pushresult(&b);
	size_t len;
	const char *s = lua_tolstring(L, -1, &len);
	if (len > PRINT_BYTES - sb->printed)
		len = PRINT_BYTES - sb->printed;
	sb->printed += len;
	fwrite(s, 1, len, stderr);
	if (sb->printed == PRINT_BYTES)
		fprintf(stderr, "\naftermath: print() wrote %zu MB; the rest of this script's output is dropped\n",
			PRINT_BYTES >> 20);
	return 0;
}

/* __newindex of a read-only table: upvalues are the message's two halves. */
static int ro_newindex(lua_State *L)
{
	const char *key = luaL_tolstring(L, 2, NULL);
	return luaL_error(L, "%s%s%s", lua_tostring(L, lua_upvalueindex(1)), key,
			  lua_tostring(L, lua_upvalueindex(2)));
}

/* The iterator over a read-only table: next() over the real one (upvalue 1), whatever it is given. */
static int ro_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)))
		return 2;
	lua_pushnil(L);
	return 1;
}

/*
 * __pairs of a read-only table (upvalue 1: its iterator).  The state the
 * loop is given is the proxy: handing out the real table, as next(real)
 * would, lets a script write to it (it did: pairs(string) was the way to
 * replace string.format for every later page).
 */
static int ro_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Replace the table on top by an empty proxy that reads it and refuses writes. */
static void make_readonly(lua_State *L, const char *before, const char *after)
{
	lua_newtable(L);          /* real proxy */
	lua_createtable(L, 0, 4); /* real proxy mt */
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushstring(L, before);
	lua_pushstring(L, after);
	lua_pushcclosure(L, ro_newindex, 2);
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, -3);
	lua_pushcclosure(L, ro_next, 1);
	lua_pushcclosure(L, ro_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_remove(L, -2); /* proxy */
}

static void set_library(lua_State *L, int g, const char *name)
{
	char *before = xstrfmt("cannot assign %s.", name);
	make_readonly(L, before, " (the standard library is read-only)");
	lua_setfield(L, g, name);
	free(before);
}

/* Open a library without making it global and publish it read-only (only `keep`, if given). */
static void add_library(lua_State *L, int g, const char *name, lua_CFunction open, const char *const *keep)
{
	luaL_requiref(L, name, open, 0); /* lib */
	if (keep) {
		lua_createtable(L, 0, 4);
		for (const char *const *k = keep; *k; k++) {
			lua_getfield(L, -2, *k);
			lua_setfield(L, -2, *k);
		}
		lua_remove(L, -2);
	}
	set_library(L, g, name);
}

/* Remove from the global table (at g) what safe_base does not list. */
static void drop_unsafe_base(lua_State *L, int g)
{
	lua_pushnil(L);
	while (lua_next(L, g)) { /* key value */
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING && listed(safe_base, lua_tostring(L, -1)))
			continue;
		lua_pushvalue(L, -1);
		lua_pushnil(L);
		lua_rawset(L, g); /* clearing a field while traversing is allowed */
	}
}

/* No string.dump, and no reaching the string library through getmetatable(""). */
static void harden_strings(lua_State *L)
{
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pushliteral(L, ""); /* string "" */
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 3);
}

/* math.random gives the same numbers on every run. */
static void seed_random(lua_State *L)
{
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, 0);
	lua_call(L, 1, 0);
	lua_pop(L, 1);
}

static void open_safe_libs(lua_State *L)
{
	static const char *const os_keep[] = {"time", "date", "clock", NULL};
	luaL_requiref(L, LUA_GNAME, luaopen_base, 1); /* G */
	int g = lua_gettop(L);
	drop_unsafe_base(L, g);
	lua_pushcfunction(L, l_print);
	lua_setfield(L, g, "print");
	luasafe_install(L, g);
	harden_strings(L);
	seed_random(L);
	add_library(L, g, LUA_STRLIBNAME, luaopen_string, NULL);
	add_library(L, g, LUA_TABLIBNAME, luaopen_table, NULL);
	add_library(L, g, LUA_MATHLIBNAME, luaopen_math, NULL);
	add_library(L, g, LUA_UTF8LIBNAME, luaopen_utf8, NULL);
	add_library(L, g, LUA_OSLIBNAME, luaopen_os, os_keep);
	lua_pushvalue(L, g);
	set_library(L, g, "_G");
	lua_pop(L, 1);
}

lua_State *sandbox_new(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, install_tick_handler);
	struct sandbox *sb = xcalloc(1, sizeof(*sb));
	sb->budget = TMPL_BUDGET_MS;
	sb->limit = memory_limit;
	sb->polling = POLL_ALWAYS;
	lua_State *L = lua_newstate(capped_alloc, sb);
	if (!L)
		die("cannot create a Lua state: out of memory");
	*(struct sandbox **)lua_getextraspace(L) = sb;
	lua_atpanic(L, panic);
	open_safe_libs(L);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &sources_key);
	sb->L = L;
	lua_gc(L, LUA_GCGEN, 0, 0); /* page contexts die young, summaries and templates live long */
	return L;
}

static void error_reset(struct sandbox *sb)
{
	free(sb->err_file);
	free(sb->err_msg);
	free(sb->err_callers);
	sb->err_file = sb->err_msg = sb->err_callers = NULL;
	sb->err_line = 0;
	sb->err_over = false;
}

void sandbox_free(lua_State *L)
{
	if (!L)
		return;
	struct sandbox *sb = sandbox_of(L);
	lua_close(L);
	if (sb->has_timer)
		timer_delete(sb->timer);
	error_reset(sb);
	free(sb->cap_file);
	free(sb);
}

void tmpl_set_budget(struct lua_State *L, long ms)
{
	sandbox_of(L)->budget = ms;
}

void sandbox_set_limits(size_t memory_bytes, size_t output_bytes)
{
	if (memory_bytes)
		memory_limit = memory_bytes;
	if (output_bytes)
		output_limit = output_bytes;
}

void sandbox_set_memory(struct lua_State *L, size_t bytes)
{
	sandbox_of(L)->limit = bytes;
}

void sandbox_poll_budget(struct lua_State *L)
{
	sandbox_of(L)->polling = true;
}

/* ---- errors ------------------------------------------------------------------- */

/*
 * Split "file:12: text" into the length of "file", the line and the text;
 * false when the first line of msg has no such prefix.
 */
static bool split_position(const char *msg, size_t *flen, int *line, const char **text)
{
	for (const char *c = msg; *c && *c != '\n'; c++) {
		if (*c != ':' || c == msg)
			continue;
		const char *d = c + 1;
		long n = 0;
		while (*d >= '0' && *d <= '9' && n < 100000000)
			n = n * 10 + (*d++ - '0');
		if (d == c + 1 || *d != ':' || n == 0)
			continue;
		*flen = (size_t)(c - msg);
		*line = (int)n;
		*text = d[1] == ' ' ? d + 2 : d + 1;
		return true;
	}
	return false;
}

/* The file a frame runs in: a chunk's full name, not Lua's shortened one. */
static const char *frame_file(const lua_Debug *ar)
{
	if (ar->source[0] == '@' || ar->source[0] == '=')
		return ar->source + 1;
	return ar->short_src;
}

/* The full path of the chunk that Lua's messages call `name` (n bytes). */
static char *resolve_source(lua_State *L, const char *name, size_t n)
{
	char *path = NULL;
	lua_Debug ar;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &sources_key);
	lua_pushlstring(L, name, n);
	if (lua_rawget(L, -2) == LUA_TSTRING)
		path = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 2);
	for (int level = 1; !path && level < MAX_FRAMES && lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "S", &ar);
		if (strlen(ar.short_src) == n && !memcmp(ar.short_src, name, n))
			path = xstrdup(frame_file(&ar));
	}
	return path ? path : xstrndup(name, n);
}

/*
 * "file:line, file:line" of the Lua frames that called the one where the
 * error is (all Lua frames when it is not on the stack: a partial's error
 * passed on by include), for a note; NULL when there are none.
 */
static char *callers(lua_State *L, const char *file, int line)
{
	char *frames[MAX_FRAMES];
	int n = 0, from = 0, named = 0;
	lua_Debug ar;
	struct buf b = BUF_INIT;
	for (int level = 1; n < MAX_FRAMES && lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.currentline > 0)
			frames[n++] = xstrfmt("%s:%d", frame_file(&ar), ar.currentline);
	}
	char *own = xstrfmt("%s:%d", file ? file : "", line);
	for (int i = 0; i < n && !from; i++)
		if (!strcmp(frames[i], own))
			from = i + 1;
	for (int i = from; i < n; i++) {
		if (!strcmp(frames[i], own) || (i > from && !strcmp(frames[i], frames[i - 1])))
			continue; /* recursion */
		if (named++ == MAX_CALLERS) {
			buf_adds(&b, ", ...");
			break;
		}
		buf_adds(&b, b.len ? ", " : "");
		buf_adds(&b, frames[i]);
	}
	for (int i = 0; i < n; i++)
		free(frames[i]);
	free(own);
	return b.len ? buf_detach(&b, NULL) : NULL;
}

/* Remember where the error happened: its position, else the innermost Lua frame. */
static void record_error(lua_State *L, struct sandbox *sb, const char *msg)
{
	size_t flen;
	const char *text;
	lua_Debug ar;
	error_reset(sb);
	if (split_position(msg, &flen, &sb->err_line, &text)) {
		sb->err_file = resolve_source(L, msg, flen);
		sb->err_msg = xstrdup(text);
	} else {
		sb->err_msg = xstrdup(msg);
		for (int level = 1; level < MAX_FRAMES && lua_getstack(L, level, &ar); level++) {
			lua_getinfo(L, "Sl", &ar);
			if (ar.currentline > 0) {
				sb->err_file = xstrdup(frame_file(&ar));
				sb->err_line = ar.currentline;
				break;
			}
		}
	}
	sb->err_callers = callers(L, sb->err_file, sb->err_line);
	sb->err_over = sb->over;
}

/* The message handler of sandbox_call: runs where the error happened. */
static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	struct sandbox *sb = sandbox_of(L);
	/*
	 * Once the budget is spent, the first error says where the script was;
	 * the later ones come from what runs while the stack unwinds (a
	 * to-be-closed variable's __close is a call, and calls are stopped too).
	 */
	if (!(sb->over && sb->err_over))
		record_error(L, sb, msg);
	return 1;
}

/* A memory error: at the line where the limit was hit, if a script was running. */
static void report_memory(const struct sandbox *sb, const struct loc *at)
{
	struct loc loc = *at;
	if (!sb->hit_cap) {
		error(&loc, "out of memory");
		return;
	}
	if (sb->cap_file) {
		loc.file = sb->cap_file;
		loc.line = sb->cap_line;
	}
	error(&loc, "memory limit of %zu MB exceeded (what the scripts of a Lua state hold, for the whole build; "
		    "see --lua-memory)", sb->limit >> 20);
}

/*
 * The diagnostic for a failed call: where msghandler found the error, else
 * at `what`.  A memory error has no handler and no place; one passed on by
 * include() reads "not enough memory" at the include.
 */
static void report(const struct sandbox *sb, int status, const char *msg, const char *what)
{
	struct loc loc = {what, 0, 0};
	if (status == LUA_ERRMEM) {
		report_memory(sb, &loc);
		return;
	}
	if (status != LUA_ERRRUN || !sb->err_msg) {
		error(&loc, "%s", msg ? msg : "unknown error");
		return;
	}
	if (sb->err_file) {
		loc.file = sb->err_file;
		loc.line = sb->err_line;
	}
	if (!strcmp(sb->err_msg, "not enough memory"))
		report_memory(sb, &loc);
	else
		error(&loc, "%s", sb->err_msg);
	if (sb->err_callers)
		note(&loc, "called from %s", sb->err_callers);
}

int sandbox_call(struct lua_State *L, int nargs, int nresults, const char *what)
{
	struct sandbox *sb = sandbox_of(L);
	int base = lua_gettop(L) - nargs;
	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	if (sb->calls++ == 0) {
		sb->what = what;
		sb->hit_cap = false;
		free(sb->cap_file);
		sb->cap_file = NULL;
		budget_start(sb);
	}
	error_reset(sb);
	int r = lua_pcall(L, nargs, nresults, base);
	if (--sb->calls == 0)
		budget_stop(sb);
	lua_remove(L, base);
	if (r == LUA_OK)
		return 0;
	report(sb, r, lua_tostring(L, -1), what);
	error_reset(sb);
	lua_pop(L, 1);
	return -1;
}

/* Remember the full path of the function on top (Lua shortens long names). */
static void register_source(lua_State *L, const char *path)
{
	lua_Debug ar;
	lua_pushvalue(L, -1);
	lua_getinfo(L, ">S", &ar);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &sources_key);
	lua_pushstring(L, path);
	lua_setfield(L, -2, ar.short_src);
	lua_pop(L, 1);
}

/* A template's message with the names the translation made up said as the user wrote them. */
static char *user_words(const char *msg)
{
	static const char *const from[] = {"'__out'", "'__esc'", "'__raw'", "'__inc'", "'__incc'"};
	static const char *const to[] = {"template text", "'{{'", "'{{{'", "'include'", "'include_cached'"};
	struct buf b = BUF_INIT;
	while (*msg) {
		size_t i = 0;
		while (i < ARRAY_SIZE(from) && !str_starts(msg, from[i]))
			i++;
		if (i < ARRAY_SIZE(from)) {
			buf_adds(&b, to[i]);
			msg += strlen(from[i]);
		} else {
			buf_addch(&b, *msg++);
		}
	}
	return buf_detach(&b, NULL);
}

/* A load error "path:7: msg" (on top of the stack, popped) becomes a diagnostic at path:7. */
static void report_load(lua_State *L, int status, const char *path, bool is_template)
{
	const char *msg = lua_tostring(L, -1), *text;
	struct loc loc = {path, 0, 0};
	size_t flen;
	char *words = NULL;
	if (msg && is_template) {
		words = user_words(msg);
		msg = words;
	}
	if (status == LUA_ERRMEM)
		error(&loc, "out of memory");
	else if (msg && split_position(msg, &flen, &loc.line, &text))
		error(&loc, "%s", text);
	else
		error(&loc, "%s", msg ? msg : "cannot load");
	free(words);
	lua_pop(L, 1);
}

int sandbox_load(struct lua_State *L, const char *path)
{
	char *src, *chunk;
	size_t len;
	if (fs_read(path, &src, &len) < 0)
		return -1;
	chunk = xstrfmt("@%s", path);
	int r = luaL_loadbufferx(L, src, len, chunk, "t");
	free(chunk);
	free(src);
	if (r != LUA_OK) {
		report_load(L, r, path, false);
		return -1;
	}
	register_source(L, path);
	return 0;
}

/* ---- translating a template into Lua --------------------------------------- */

/*
 * The Lua code keeps the template's lines: text becomes a string literal with
 * each newline written as a backslash and a real newline, code is copied as
 * it is.  `ahead` counts newlines the code has that the template has not yet
 * (after a tag that ends in a line comment); the next text newlines are then
 * written as \n until the lines agree again.
 *
 * Text and the {{ }} tags between it go out in runs, one writer call each:
 * __out(text, value, text, value, ...), texts at odd places (written as they
 * are), values at even places (escaped as __esc does).  A 10k build made 10.7
 * million writer calls, one per piece; a run makes one for a line's worth.
 * A run only takes values that cannot write output while they are evaluated
 * (no call: the arguments of a call are all evaluated before it writes
 * anything) and keeps them on the line the run starts on (a message from the
 * writer names the line of its call); it ends at a newline in the text.
 */
struct xlate {
	const char *path;
	const char *src;
	struct buf *code;
	int ahead;
	int run;         /* pieces in the open run (0: none open) */
	bool want_value; /* the run's next place is a value's */
};

/* At most this many pieces to a run: a Lua call takes at most about 250 arguments. */
#define RUN_MAX 64

static void run_close(struct xlate *x)
{
	if (x->run)
		buf_adds(x->code, "); ");
	x->run = 0;
}

/* Open the place of the next piece (a value when `value`) in the current run, or a new one. */
static void run_next(struct xlate *x, bool value)
{
	if (x->run && (x->run >= RUN_MAX || (!value && !x->want_value)))
		run_close(x);
	if (!x->run) {
		buf_adds(x->code, "__out(");
		x->want_value = false;
	} else {
		buf_addch(x->code, ',');
	}
	if (value && !x->want_value) {
		buf_adds(x->code, "\"\",");
		x->run++;
	}
	x->run++;
	x->want_value = !value;
}

enum tag_kind { TAG_STMT, TAG_ESC, TAG_RAW };

struct tag {
	enum tag_kind kind;
	const char *code, *code_end; /* the Lua inside the tag */
	const char *next;            /* after the closing tag */
	bool trim_before, trim_after;
	bool in_comment;             /* the code ends inside a -- comment */
};

/* The template has k newlines the code does not need. */
static void skip_newlines(struct xlate *x, int k)
{
	for (; k > 0; k--) {
		if (x->ahead > 0) {
			x->ahead--;
		} else {
			run_close(x);
			buf_addch(x->code, '\n');
		}
	}
}

static int count_newlines(const char *s, const char *end)
{
	int n = 0;
	for (; s < end; s++)
		n += *s == '\n';
	return n;
}

/* Text as a piece of a run: a Lua string whose newlines stay on their lines; one ends the run. */
static void emit_text(struct xlate *x, const char *s, const char *end)
{
	struct buf *c = x->code;
	if (s == end)
		return;
	bool newline = memchr(s, '\n', (size_t)(end - s)) != NULL;
	run_next(x, false);
	buf_addch(c, '"');
	for (const char *run = s; s <= end; s++) {
		if (s < end && *s != '\n' && *s != '\r' && *s != '\\' && *s != '"')
			continue;
		buf_add(c, run, (size_t)(s - run));
		run = s + 1;
		if (s == end)
			break;
		if (*s == '\n' && x->ahead > 0) {
			buf_adds(c, "\\n"); /* pays back a line the code is ahead */
			x->ahead--;
		} else if (*s == '\n') {
			buf_adds(c, "\\\n"); /* backslash-newline: a newline in the string and in the code */
		} else {
			buf_addch(c, '\\');
			buf_addch(c, *s == '\r' ? 'r' : *s);
		}
	}
	buf_addch(c, '"');
	if (newline)
		run_close(x);
}

/* Text after -%}: drop blanks up to and including one newline. */
static const char *trim_front(struct xlate *x, const char *s, const char *end)
{
	const char *p = s;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
		p++;
	if (p < end && *p == '\n') {
		skip_newlines(x, 1);
		return p + 1;
	}
	return p;
}

/* Text before {%-: the end after dropping blanks back to and including one newline. */
static const char *trim_back(const char *s, const char *end)
{
	const char *p = end;
	while (p > s && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	if (p > s && p[-1] == '\n') {
		p--;
		if (p > s && p[-1] == '\r')
			p--;
	}
	return p;
}

/* The length of the long bracket "[==[" at s (0 if none), and its level. */
static size_t long_open(const char *s, int *level)
{
	size_t i = 1;
	if (*s != '[')
		return 0;
	while (s[i] == '=')
		i++;
	if (s[i] != '[')
		return 0;
	*level = (int)i - 1;
	return i + 1;
}

/* Past the "]==]" of `level` in s, or NULL. */
static const char *long_close(const char *s, int level)
{
	for (const char *p = strchr(s, ']'); p; p = strchr(p + 1, ']')) {
		int i = 1;
		while (p[i] == '=')
			i++;
		if (i - 1 == level && p[i] == ']')
			return p + i + 1;
	}
	return NULL;
}

/* Past a quoted string starting at s (or at the end of its line). */
static const char *skip_quoted(const char *s)
{
	char q = *s++;
	while (*s && *s != q && *s != '\n') {
		if (*s == '\\' && s[1])
			s++;
		s++;
	}
	return *s == q ? s + 1 : s;
}

/*
 * Find the closing `tag` of a tag's Lua code, skipping strings and comments
 * as Lua reads them: `{% x = "%}" %}` closes at the second %}.  A line comment
 * ends at the closing tag; *comment is then where it starts.  NULL when the
 * tag is not closed.
 */
static const char *find_close(const char *p, const char *tag, const char **comment)
{
	size_t tlen = strlen(tag), n;
	int level;
	*comment = NULL;
	while (*p) {
		if (!strncmp(p, tag, tlen))
			return p;
		if (p[0] == '-' && p[1] == '-') {
			const char *start = p;
			n = long_open(p + 2, &level);
			if (n) {
				p = long_close(p + 2 + n, level);
				if (!p)
					return NULL;
				continue;
			}
			while (*p && *p != '\n' && strncmp(p, tag, tlen))
				p++;
			if (*p && *p != '\n')
				*comment = start;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			p = skip_quoted(p);
			continue;
		}
		n = long_open(p, &level);
		if (n) {
			p = long_close(p + n, level);
			if (!p)
				return NULL;
			continue;
		}
		p++;
	}
	return NULL;
}

/* The next "{{" or "{%" at or after p, or NULL. */
static const char *next_tag(const char *p)
{
	for (p = strchr(p, '{'); p; p = strchr(p + 1, '{'))
		if (p[1] == '{' || p[1] == '%')
			return p;
	return NULL;
}

static int unclosed(const struct xlate *x, const char *open, const char *opener, const char *closer)
{
	const char *bol = open;
	while (bol > x->src && bol[-1] != '\n')
		bol--;
	struct loc loc = {x->path, 1 + count_newlines(x->src, open), 1 + (int)(open - bol)};
	return error(&loc, "unclosed %s (expected %s)", opener, closer);
}

static int parse_tag(const struct xlate *x, const char *open, struct tag *tg)
{
	static const char *const openers[] = {"{%", "{{", "{{{"}, *const closers[] = {"%}", "}}", "}}}"};
	const char *comment;
	memset(tg, 0, sizeof(*tg));
	tg->kind = open[1] == '%' ? TAG_STMT : open[2] == '{' ? TAG_RAW : TAG_ESC;
	tg->code = open + strlen(openers[tg->kind]);
	if (tg->kind == TAG_STMT && tg->code[0] == '-' && tg->code[1] != '-') {
		tg->trim_before = true;
		tg->code++;
	}
	const char *close = find_close(tg->code, closers[tg->kind], &comment);
	if (!close)
		return unclosed(x, open, openers[tg->kind], closers[tg->kind]);
	tg->code_end = close;
	if (tg->kind == TAG_STMT && close > tg->code && close[-1] == '-') {
		tg->trim_after = true;
		tg->code_end--;
		if (comment && comment + 2 > tg->code_end)
			comment = NULL; /* "--%}" is "-" and "-%}" */
	}
	tg->in_comment = comment != NULL;
	tg->next = close + strlen(closers[tg->kind]);
	return 0;
}

static bool ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/*
 * Whether code[0..end) is one call of `fn` and nothing else (blanks aside):
 * "include(...)".  *paren is set to its "(".  Strings are skipped as Lua
 * reads them; code with a comment never matches.
 */
static bool whole_call(const char *code, const char *end, const char *fn, const char **paren)
{
	const char *p = code;
	size_t n = strlen(fn);
	while (p < end && isspace((unsigned char)*p))
		p++;
	if ((size_t)(end - p) < n || strncmp(p, fn, n) || (p + n < end && ident_char(p[n])))
		return false;
	for (p += n; p < end && isspace((unsigned char)*p); p++)
		;
	if (p == end || *p != '(')
		return false;
	*paren = p;
	int depth = 0, level;
	size_t open;
	while (p < end) {
		if (*p == '"' || *p == '\'') {
			p = skip_quoted(p);
		} else if (p[0] == '-' && p + 1 < end && p[1] == '-') {
			return false;
		} else if ((open = long_open(p, &level)) != 0) {
			p = long_close(p + open, level);
			if (!p)
				return false;
		} else {
			depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
			if (*p++ == ')' && depth == 0)
				break;
		}
	}
	if (depth != 0 || p > end)
		return false;
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p == end;
}

/*
 * `{{{ include(args) }}}` becomes `__inc(include, args)`, which renders the
 * partial straight into the output instead of into a string that is then
 * copied (the same for include_cached and __incc).  The function is passed
 * as the name resolves, so a context that defines its own `include` still
 * gets it called.
 */
static bool emit_include(struct xlate *x, const struct tag *tg)
{
	static const char *const fns[] = {"include", "include_cached"}, *const writers[] = {"__inc(", "__incc("};
	const char *paren;
	for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
		if (!whole_call(tg->code, tg->code_end, fns[i], &paren))
			continue;
		const char *args = paren + 1;
		while (args < tg->code_end && isspace((unsigned char)*args))
			args++;
		buf_adds(x->code, writers[i]);
		buf_add(x->code, tg->code, (size_t)(paren - tg->code));
		if (*args != ')')
			buf_addch(x->code, ',');
		buf_add(x->code, paren + 1, (size_t)(tg->code_end - paren - 1));
		buf_adds(x->code, " ; ");
		return true;
	}
	return false;
}

/* Whether {{ code }} can be a piece of a run: one line, no call, no comma (one value). */
static bool run_value(const struct tag *tg)
{
	if (tg->kind != TAG_ESC || tg->in_comment)
		return false;
	for (const char *p = tg->code; p < tg->code_end; p++)
		if (*p == '(' || *p == ',' || *p == '\n' || *p == '\r')
			return false;
	return true;
}

static void emit_tag(struct xlate *x, const struct tag *tg)
{
	struct buf *c = x->code;
	if (run_value(tg)) {
		run_next(x, true);
		buf_addch(c, '(');
		buf_add(c, tg->code, (size_t)(tg->code_end - tg->code));
		buf_addch(c, ')');
		return;
	}
	run_close(x);
	if (tg->kind == TAG_RAW && !tg->in_comment && emit_include(x, tg))
		return;
	if (tg->kind != TAG_STMT)
		buf_adds(c, tg->kind == TAG_RAW ? "__raw(" : "__esc(");
	buf_add(c, tg->code, (size_t)(tg->code_end - tg->code));
	if (tg->in_comment) {
		buf_addch(c, '\n');
		x->ahead++;
	}
	buf_adds(c, tg->kind == TAG_STMT ? " ; " : "); ");
}

/* Whether identifier `word` occurs in code[0..end) (in strings and comments too: callers want "maybe"). */
static bool mentions(const char *code, const char *end, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = code; p + n <= end; p++)
		if (!memcmp(p, word, n) && (p == code || !ident_char(p[-1])) && (p + n == end || !ident_char(p[n])))
			return true;
	return false;
}

/* Whether the tag is exactly {{{ content }}} (blanks aside). */
static bool writes_content(const struct tag *tg)
{
	const char *p = tg->code, *end = tg->code_end;
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	return tg->kind == TAG_RAW && end - p == 7 && !memcmp(p, "content", 7);
}

/*
 * Translate template src into Lua; -1 (with a diagnostic) on an unclosed tag.
 * *page_raw: whether the code names `content` only as {{{ content }}}, and
 * never _ENV (the globals as a table) or __raw (the writer it calls).
 */
static int translate(const char *path, const char *src, struct buf *code, bool *page_raw)
{
	struct xlate x = {path, src, code, 0, 0, false};
	const char *p = src;
	bool trim = false;
	*page_raw = true;
	buf_adds(code, "local _ENV, __out, __esc, __raw, __inc, __incc = ...; ");
	for (;;) {
		const char *open = next_tag(p);
		const char *end = open ? open : p + strlen(p), *keep = end;
		struct tag tg = {0};
		if (trim)
			p = trim_front(&x, p, end);
		if (open && parse_tag(&x, open, &tg) < 0)
			return -1;
		if (tg.trim_before)
			keep = trim_back(p, end);
		emit_text(&x, p, keep);
		skip_newlines(&x, count_newlines(keep, end));
		if (!open) {
			run_close(&x);
			return 0;
		}
		if (!writes_content(&tg) && (mentions(tg.code, tg.code_end, "content") ||
					     mentions(tg.code, tg.code_end, "_ENV") || mentions(tg.code, tg.code_end, "__raw")))
			*page_raw = false;
		emit_tag(&x, &tg);
		p = tg.next;
		trim = tg.trim_after;
	}
}

/* ---- rendering ------------------------------------------------------------------ */

/* name against a file name, as if name ended in ".html" when `ext` */
static int cmp_name(const char *name, bool ext, const char *file)
{
	while (*name && *name == *file)
		name++, file++;
	if (*name || !ext)
		return (unsigned char)*name - (unsigned char)*file;
	return strcmp(".html", file);
}

/* The template called `name`, with or without ".html" (without: no string built). */
static struct tfile *tmpl_find(const struct tmpl *t, const char *name)
{
	for (int ext = 0; ext < 2; ext++) {
		if (ext && str_ends(name, ".html"))
			break;
		size_t lo = 0, hi = t->nfiles;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = cmp_name(name, ext, t->files[mid].name);
			if (!c)
				return &t->files[mid];
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return NULL;
}

/* The buffer the running template writes to. */
static struct buf *sink(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	if (!t->cur)
		luaL_error(L, "template output outside a render");
	return t->cur;
}

static void output_over(lua_State *L, const struct tmpl *t)
{
	luaL_error(L, "page output over the limit of %d MB (see --page-output)", (int)(t->out_limit >> 20));
}

/*
 * Append s[0..len) to b, HTML-escaped when `html`.  The text a render holds
 * (its output and the partials' texts being written, t->out_held) never
 * grows past t->out_limit: the append that would is an error at the
 * template's line, and b is left as it was.
 */
static void out_add(lua_State *L, const struct tmpl *t, struct buf *b, const char *s, size_t len, bool html)
{
	size_t room = t->out_limit - (t->out_held < t->out_limit ? t->out_held : t->out_limit);
	if (len > room || b->len > room - len)
		output_over(L, t);
	if (!html) {
		buf_add(b, s, len);
		return;
	}
	size_t old = b->len;
	buf_add_html(b, s, len);
	if (b->len > room) {
		b->len = old;
		b->ptr[old] = '\0';
		output_over(L, t);
	}
}

/* Decimal digits of v into num (at least 21 bytes), as Lua's tostring writes an integer. */
static const char *int_text(lua_Integer v, char *num, size_t *len)
{
	char tmp[24];
	size_t n = 0;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do
		tmp[n++] = (char)('0' + u % 10);
	while (u /= 10);
	size_t k = 0;
	if (v < 0)
		num[k++] = '-';
	while (n)
		num[k++] = tmp[--n];
	num[k] = '\0';
	*len = k;
	return num;
}

/* The text of value idx for {{ }} and {{{ }}}; num is room for an integer's digits. */
static const char *insert_text(lua_State *L, int idx, size_t *len, char *num)
{
	switch (lua_type(L, idx)) {
	case LUA_TNONE:
	case LUA_TNIL:
		*len = 0;
		return "";
	case LUA_TSTRING:
		return lua_tolstring(L, idx, len);
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) /* the common case, without snprintf */
			return int_text(lua_tointeger(L, idx), num, len);
		return luaL_tolstring(L, idx, len);
	case LUA_TBOOLEAN:
		return luaL_tolstring(L, idx, len);
	default:
		if (luaL_getmetafield(L, idx, "__tostring") == LUA_TNIL)
			luaL_error(L, "cannot insert a %s (expected text)", luaL_typename(L, idx));
		lua_pop(L, 1);
		return luaL_tolstring(L, idx, len);
	}
}

/* __out(text, value, text, ...): a run (see struct xlate); texts are string literals. */
static int w_out(lua_State *L)
{
	struct buf *b = sink(L);
	const struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		char num[24];
		if (i & 1) {
			const char *s = lua_tolstring(L, i, &len);
			out_add(L, t, b, s, len, false);
		} else {
			const char *s = insert_text(L, i, &len, num);
			out_add(L, t, b, s, len, true);
			if (lua_gettop(L) != n)
				lua_settop(L, n); /* what a __tostring left */
		}
	}
	return 0;
}

/* __esc(v): {{ v }}. */
static int w_esc(lua_State *L)
{
	size_t len;
	char num[24];
	const char *s = insert_text(L, 1, &len, num);
	out_add(L, lua_touserdata(L, lua_upvalueindex(1)), sink(L), s, len, true);
	return 0;
}

/* __raw(v): {{{ v }}}. */
static int w_raw(lua_State *L)
{
	const struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	if (lua_touserdata(L, 1) == &page_key) { /* {{{ content }}} in a page_raw template */
		out_add(L, t, sink(L), t->page, t->page_len, false);
		return 0;
	}
	size_t len;
	char num[24];
	const char *s = insert_text(L, 1, &len, num);
	out_add(L, t, sink(L), s, len, false);
	return 0;
}

/* esc(v): v as escaped HTML text (built in the engine's scratch buffer: no leak on error). */
static int l_esc(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	size_t len;
	char num[24];
	const char *s = insert_text(L, 1, &len, num);
	buf_reset(&t->scratch);
	out_add(L, t, &t->scratch, s, len, true);
	lua_pushlstring(L, buf_cstr(&t->scratch), t->scratch.len);
	return 1;
}

/* raw(v): v as text, unescaped. */
static int l_raw(lua_State *L)
{
	size_t len;
	char num[24];
	const char *s = insert_text(L, 1, &len, num);
	lua_pushlstring(L, s, len);
	return 1;
}

/* safe_url(v): v when it is a URL url_safe() allows (url.h), else nil. */
static int l_safe_url(lua_State *L)
{
	const char *s = lua_type(L, 1) == LUA_TSTRING ? lua_tostring(L, 1) : NULL;
	if (s && url_safe(s))
		lua_pushvalue(L, 1);
	else
		lua_pushnil(L);
	return 1;
}

/*
 * __index of every render's environment (upvalues: helpers, library): a
 * name is looked up in the context, then the helpers, then the library.
 */
static int env_index(lua_State *L)
{
	/* E k */
	if (lua_rawgetp(L, 1, &ctx_key) == LUA_TTABLE) { /* E k ctx */
		lua_pushvalue(L, 2);
		if (lua_gettable(L, 3) != LUA_TNIL)
			return 1;
		lua_pop(L, 1);
	}
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	lua_pushvalue(L, 2);
	lua_rawget(L, lua_upvalueindex(2));
	return 1;
}

/*
 * Push f's function and its arguments: a fresh environment over ctx, the
 * writers.  A plain context (no metatable, as every one aftermath builds) is
 * copied into the environment, whose __index is the helpers table (whose
 * __index is the library): a name then resolves inside the VM, with no C
 * call per lookup.  A context with a metatable keeps env_index, which asks it
 * with its metamethods.  Either way a name is the context's, else a helper's,
 * else the library's.
 */
static void push_call(lua_State *L, const struct tmpl *t, const struct tfile *f, int ctx)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, f->ref);
	if (!lua_getmetatable(L, ctx)) {
		lua_createtable(L, 0, 8); /* the render's own globals, over a copy of ctx */
		lua_pushnil(L);
		while (lua_next(L, ctx)) { /* E k v */
			if (lua_type(L, -2) == LUA_TSTRING) {
				if (lua_touserdata(L, -1) == &page_key && !f->page_raw) {
					lua_pop(L, 1);
					lua_pushlstring(L, t->page ? t->page : "", t->page_len);
				}
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_rawset(L, -4);
			} else {
				lua_pop(L, 1);
			}
		}
		lua_rawgeti(L, LUA_REGISTRYINDEX, t->env_fast_mt);
		lua_setmetatable(L, -2);
	} else {
		lua_pop(L, 1);
		lua_createtable(L, 0, 1); /* the render's own globals */
		lua_rawgeti(L, LUA_REGISTRYINDEX, t->env_mt);
		lua_setmetatable(L, -2);
		lua_pushvalue(L, ctx);
		lua_rawsetp(L, -2, &ctx_key);
	}
	for (size_t i = 0; i < ARRAY_SIZE(t->writers); i++)
		lua_rawgeti(L, LUA_REGISTRYINDEX, t->writers[i]);
}

/* Monotonic nanoseconds, for the template timings. */
static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Account a render of f at `depth` that began at t0 (includes it made are in child_ns[depth + 1]). */
static void account(struct tmpl *t, struct tfile *f, int depth, uint64_t t0)
{
	uint64_t spent = now_ns() - t0;
	f->calls++;
	f->ns += spent;
	f->self_ns += spent - (t->child_ns[depth + 1] < spent ? t->child_ns[depth + 1] : spent);
	t->child_ns[depth] += spent;
}

/*
 * Render the partial named at index `at` with the context at at + 1 (nil:
 * the current one), the top two values on the stack, appending to b.  On an
 * error b is cut back to where it was and the error is raised again.
 */
static void render_include(lua_State *L, struct tmpl *t, struct buf *b, int at)
{
	const char *name = luaL_checkstring(L, at);
	int ctx = at + 1, ctxs = at + 2;
	struct tfile *f = tmpl_find(t, name);
	if (!f)
		luaL_error(L, "no template \"%s\" to include", name);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->ctxs); /* name ctx ctxs */
	if (lua_isnil(L, ctx)) {
		lua_rawgeti(L, ctxs, t->depth + 1);
		lua_replace(L, ctx);
	}
	if (!lua_istable(L, ctx))
		luaL_error(L, "the context of include(\"%s\") must be a table, not %s", name, luaL_typename(L, ctx));
	if (t->depth >= MAX_DEPTH)
		luaL_error(L, "includes nested more than %d deep (does \"%s\" include itself?)", MAX_DEPTH, name);
	push_call(L, t, f, ctx); /* name ctx ctxs fn E writers... */
	struct buf *saved = t->cur;
	size_t old = b->len, held = saved && saved != b ? saved->len : 0; /* the caller's text, while b grows */
	lua_pushvalue(L, ctx);
	lua_rawseti(L, ctxs, t->depth + 2); /* preallocated: cannot fail */
	t->depth++;
	t->cur = b;
	t->child_ns[t->depth + 1] = 0;
	uint64_t t0 = now_ns();
	t->out_held += held;
	int r = lua_pcall(L, 1 + (int)ARRAY_SIZE(t->writers), 0, 0);
	t->out_held -= held;
	account(t, f, t->depth, t0);
	t->depth--;
	t->cur = saved;
	lua_pushnil(L);
	lua_rawseti(L, ctxs, t->depth + 2);
	if (r != LUA_OK) {
		b->len = old;
		if (b->ptr)
			b->ptr[old] = '\0';
		lua_error(L);
	}
	lua_settop(L, ctx);
}

/* include(name [, ctx]): render a partial into a string. */
static int l_include(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	lua_settop(L, 2);
	struct buf *b = &t->bufs[t->depth + 1];
	buf_reset(b);
	render_include(L, t, b, 1);
	lua_pushlstring(L, buf_cstr(b), b->len);
	return 1;
}

/*
 * include_cached(name, key, ctx): include(name, ctx) the first time the
 * build sees (name, key), the same text after that.  The cache is dropped
 * stripe by stripe when it would hold more than TMPL_CACHE_BYTES, so it stays bounded;
 * the text never depends on what was dropped.  Texts are copied out under
 * the lock, into memory Lua does not own, so a Lua error cannot leave it held.
 */

/* Check the key at index 2 and set t->key to "name\nkey". */
static void cache_key(lua_State *L, struct tmpl *t, const char *name)
{
	int kt = lua_type(L, 2);
	if (kt != LUA_TSTRING && kt != LUA_TNUMBER)
		luaL_error(L, "the key of include_cached(\"%s\", key, ctx) must be a string or a number, not %s", name,
			   luaL_typename(L, 2));
	size_t klen;
	const char *key = lua_tolstring(L, 2, &klen);
	if (memchr(key, '\0', klen))
		luaL_error(L, "the key of include_cached(\"%s\", key, ctx) must not contain a zero byte", name);
	buf_reset(&t->key);
	buf_adds(&t->key, name);
	buf_addch(&t->key, '\n');
	buf_add(&t->key, key, klen);
}

/* t->key's stripe (by the top bits of its hash: the map of the stripe uses the low ones). */
static struct cache_stripe *stripe_of(struct tmpl *t, uint64_t hash)
{
	return &t->cache->stripes[hash >> 58];
}

/* Append the text cached under t->key to b: false when there is none. */
static bool cache_get(struct tmpl *t, const char *name, struct buf *b)
{
	uint64_t hash = hash_fnv1a(t->key.ptr, t->key.len);
	struct cache_stripe *s = stripe_of(t, hash);
	bool found = false;
	pthread_mutex_lock(&s->lock);
	size_t slot = strmap_get_hashed(&s->index, buf_cstr(&t->key), hash);
	if (slot != SIZE_MAX) {
		buf_add(b, s->texts[slot].ptr, s->texts[slot].len);
		found = true;
	}
	pthread_mutex_unlock(&s->lock);
	if (found) {
		struct tfile *f = tmpl_find(t, name);
		if (f)
			f->cached++;
	}
	return found;
}

/* Cache text under t->key (unless another engine did meanwhile). */
static void cache_put(struct tmpl *t, const char *text, size_t len)
{
	uint64_t hash = hash_fnv1a(t->key.ptr, t->key.len);
	struct cache_stripe *s = stripe_of(t, hash);
	pthread_mutex_lock(&s->lock);
	if (strmap_get_hashed(&s->index, buf_cstr(&t->key), hash) == SIZE_MAX) {
		if (s->bytes + t->key.len + len > TMPL_CACHE_BYTES / CACHE_STRIPES)
			cache_clear(s);
		if (s->n == s->alloc)
			s->texts = xrealloc(s->texts, (s->alloc = s->alloc ? s->alloc * 2 : 64) * sizeof(*s->texts));
		s->texts[s->n] = (struct buf)BUF_INIT;
		buf_add(&s->texts[s->n], text, len);
		strmap_put_hashed(&s->index, buf_cstr(&t->key), hash, s->n++);
		s->bytes += t->key.len + len;
	}
	pthread_mutex_unlock(&s->lock);
}

/*
 * include_cached with name, key and ctx at 1, 2, 3 (the whole stack),
 * appending to b.  A render may use t->key (an include_cached of its own),
 * so the key is made again before the text is stored.
 */
static void include_cached_into(lua_State *L, struct tmpl *t, struct buf *b)
{
	lua_settop(L, 3);
	const char *name = luaL_checkstring(L, 1);
	cache_key(L, t, name);
	size_t old = b->len;
	if (cache_get(t, name, b)) {
		if (b->len > t->out_limit - (t->out_held < t->out_limit ? t->out_held : t->out_limit)) {
			b->len = old;
			b->ptr[old] = '\0';
			output_over(L, t);
		}
		return;
	}
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 3); /* name key ctx name ctx */
	size_t start = b->len;
	render_include(L, t, b, 4);
	cache_key(L, t, name);
	cache_put(t, b->ptr + start, b->len - start);
}

static int l_include_cached(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	struct buf *b = &t->bufs[t->depth + 1];
	buf_reset(b);
	include_cached_into(L, t, b);
	lua_pushlstring(L, buf_cstr(b), b->len);
	return 1;
}

/*
 * __inc(fn, ...) and __incc(fn, ...) (w_include): {{{ include(...) }}} and
 * {{{ include_cached(...) }}}, rendered straight into the output when fn is
 * the library's function (upvalue 2), else fn(...) inserted as __raw would.
 */
static int insert_call(lua_State *L)
{
	lua_call(L, lua_gettop(L) - 1, 1);
	size_t len;
	char num[24];
	const char *s = insert_text(L, -1, &len, num);
	out_add(L, lua_touserdata(L, lua_upvalueindex(1)), sink(L), s, len, false);
	return 0;
}

/* luaL_checkstring's message for argument 1, naming the function as the template does. */
static void check_name(lua_State *L, const char *fn)
{
	if (!lua_isstring(L, 1))
		luaL_error(L, "bad argument #1 to '%s' (string expected, got %s)", fn, luaL_typename(L, 1));
}

/* Upvalues: the engine, the library's function, whether it is include_cached. */
static int w_include(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	if (!lua_rawequal(L, 1, lua_upvalueindex(2)))
		return insert_call(L);
	bool cached = lua_toboolean(L, lua_upvalueindex(3));
	struct buf *b = sink(L);
	lua_remove(L, 1);
	check_name(L, cached ? "include_cached" : "include");
	if (cached) {
		include_cached_into(L, t, b);
	} else {
		lua_settop(L, 2);
		render_include(L, t, b, 1);
	}
	return 0;
}

/* Run by sandbox_call: ctx, t and f are the arguments. */
static int render_entry(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, 2);
	const struct tfile *f = lua_touserdata(L, 3);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->ctxs);
	lua_pushvalue(L, 1);
	lua_rawseti(L, -2, 1);
	push_call(L, t, f, 1);
	lua_call(L, 1 + (int)ARRAY_SIZE(t->writers), 0);
	return 0;
}

/* After a render: an include buffer that a big page grew is not kept for every later page. */
static void release_big_buffers(struct tmpl *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(t->bufs); i++)
		if (t->bufs[i].alloc > KEEP_BUF_BYTES)
			buf_release(&t->bufs[i]);
	if (t->scratch.alloc > KEEP_BUF_BYTES)
		buf_release(&t->scratch);
}

int tmpl_render(struct tmpl *t, const char *name, struct buf *out)
{
	lua_State *L = t->L;
	struct tfile *f = tmpl_find(t, name);
	size_t old = out->len;
	if (!f) {
		lua_pop(L, 1);
		return error(NULL, "no template \"%s\" in the layout directories", name);
	}
	if (!lua_istable(L, -1))
		BUG("context of %s is a %s", name, luaL_typename(L, -1));
	lua_pushcfunction(L, render_entry); /* ctx entry */
	lua_insert(L, -2);                  /* entry ctx */
	lua_pushlightuserdata(L, t);
	lua_pushlightuserdata(L, (void *)f);
	t->cur = out;
	t->depth = 0;
	t->child_ns[0] = t->child_ns[1] = 0;
	uint64_t t0 = now_ns();
	int r = sandbox_call(L, 3, 0, f->path);
	account(t, f, 0, t0);
	t->cur = NULL;
	release_big_buffers(t);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->ctxs);
	lua_pushnil(L);
	lua_rawseti(L, -2, 1); /* let the context go */
	lua_pop(L, 1);
	if (r < 0) {
		out->len = old;
		if (out->ptr)
			out->ptr[old] = '\0';
	}
	return r;
}

int tmpl_render_page(struct tmpl *t, const char *name, const char *text, size_t len, struct buf *out)
{
	lua_State *L = t->L;
	if (lua_getmetatable(L, -1)) { /* env_index would hand page_key to any template: a string then */
		lua_pop(L, 1);
		lua_pushlstring(L, text, len);
	} else {
		lua_pushlightuserdata(L, (void *)&page_key);
	}
	lua_setfield(L, -2, "content");
	t->page = text;
	t->page_len = len;
	int r = tmpl_render(t, name, out);
	t->page = NULL;
	t->page_len = 0;
	return r;
}

struct tmpl_stat *tmpl_stats(const struct tmpl *t, size_t *n)
{
	struct tmpl_stat *v = xcalloc(t->nfiles ? t->nfiles : 1, sizeof(*v));
	for (size_t i = 0; i < t->nfiles; i++)
		v[i] = (struct tmpl_stat){t->files[i].name, t->files[i].calls, t->files[i].cached,
					  (double)t->files[i].ns / 1e9, (double)t->files[i].self_ns / 1e9};
	*n = t->nfiles;
	return v;
}

/* ---- opening ---------------------------------------------------------------- */

/* Writers, include(), esc(), raw(), the helpers table and the environment's metatable. */
static void engine_setup(struct tmpl *t)
{
	static const lua_CFunction writers[] = {w_out, w_esc, w_raw};
	lua_State *L = t->L;
	lua_pushglobaltable(L);
	int g = lua_gettop(L);
	lua_newtable(L); /* G H: helpers fall back to the library */
	lua_createtable(L, 0, 1);
	lua_pushvalue(L, g);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_createtable(L, 0, 2); /* G H mt */
	lua_pushvalue(L, -2);
	lua_pushvalue(L, g);
	lua_pushcclosure(L, env_index, 2);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	t->env_mt = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, 0, 2); /* G H fastmt */
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	t->env_fast_mt = luaL_ref(L, LUA_REGISTRYINDEX);
	t->helpers = luaL_ref(L, LUA_REGISTRYINDEX); /* G */
	for (size_t i = 0; i < ARRAY_SIZE(writers); i++) {
		lua_pushlightuserdata(L, t);
		lua_pushcclosure(L, writers[i], 1);
		t->writers[i] = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	static const struct {
		const char *name;
		lua_CFunction fn;
	} includes[] = {{"include", l_include}, {"include_cached", l_include_cached}};
	for (size_t i = 0; i < ARRAY_SIZE(includes); i++) { /* and their writers __inc, __incc */
		lua_pushlightuserdata(L, t);
		lua_pushcclosure(L, includes[i].fn, 1);
		lua_pushvalue(L, -1);
		lua_setfield(L, g, includes[i].name); /* G fn */
		lua_pushlightuserdata(L, t);
		lua_insert(L, -2);
		lua_pushboolean(L, i == 1);
		lua_pushcclosure(L, w_include, 3);
		t->writers[ARRAY_SIZE(writers) + i] = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	lua_pushlightuserdata(L, t);
	lua_pushcclosure(L, l_esc, 1);
	lua_setfield(L, g, "esc");
	lua_pushcfunction(L, l_raw);
	lua_setfield(L, g, "raw");
	lua_pushcfunction(L, l_safe_url);
	lua_setfield(L, g, "safe_url");
	lua_createtable(L, MAX_DEPTH + 2, 0);
	t->ctxs = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 1);
}

static int cmp_tfile(const void *a, const void *b)
{
	return strcmp(((const struct tfile *)a)->name, ((const struct tfile *)b)->name);
}

/* Every *.html below dirs; the first dir that has a name wins. */
static int collect_files(struct tmpl *t, const char *const *dirs, size_t ndirs)
{
	size_t alloc = 0;
	int ret = 0;
	for (size_t d = 0; d < ndirs; d++) {
		struct fs_entry *e;
		size_t n, have = t->nfiles;
		if (fs_walk(dirs[d], ".html", &e, &n) < 0)
			ret = -1;
		for (size_t i = 0; i < n; i++) {
			struct tfile key = {.name = e[i].rel};
			if (have && bsearch(&key, t->files, have, sizeof(*t->files), cmp_tfile))
				continue; /* overridden by an earlier dir */
			ALLOC_GROW(t->files, t->nfiles + 1, alloc);
			t->files[t->nfiles++] = (struct tfile){.name = xstrdup(e[i].rel), .path = xstrdup(e[i].path), .ref = LUA_NOREF};
		}
		fs_entries_free(e, n);
		sort_array(t->files, t->nfiles, sizeof(*t->files), cmp_tfile);
	}
	return ret;
}

/* Where the NUL byte in src[0..len) is, as a diagnostic. */
static int nul_byte(const char *path, const char *src)
{
	const char *bol = src + strlen(src);
	while (bol > src && bol[-1] != '\n')
		bol--;
	struct loc loc = {path, 1 + count_newlines(src, bol), 1 + (int)(src + strlen(src) - bol)};
	return error(&loc, "NUL byte in template");
}

static int compile_file(struct tmpl *t, struct tfile *f)
{
	lua_State *L = t->L;
	struct buf code = BUF_INIT;
	char *src, *chunk = NULL;
	size_t len;
	int ret = -1;
	if (fs_read(f->path, &src, &len) < 0)
		return -1;
	if (strlen(src) != len) {
		nul_byte(f->path, src);
		goto out;
	}
	if (translate(f->path, src, &code, &f->page_raw) < 0)
		goto out;
	chunk = xstrfmt("@%s", f->path);
	int r = luaL_loadbufferx(L, code.ptr, code.len, chunk, "t");
	if (r != LUA_OK) {
		report_load(L, r, f->path, true);
		goto out;
	}
	register_source(L, f->path);
	f->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	ret = 0;
out:
	free(src);
	free(chunk);
	buf_release(&code);
	return ret;
}

/* Run helpers.lua with the helpers table as its globals, then make them read-only. */
static int run_helpers(struct tmpl *t, const char *path)
{
	lua_State *L = t->L;
	if (sandbox_load(L, path) < 0)
		return -1;
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->helpers); /* chunk H */
	lua_setupvalue(L, -2, 1);                      /* _ENV = H */
	lua_pushvalue(L, -1);                          /* chunk chunk */
	if (sandbox_call(L, 0, 0, path) < 0) {
		lua_pop(L, 1);
		return -1;
	}
	/* The chunk's functions share its _ENV: point it at a read-only view. */
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->helpers);
	make_readonly(L, "cannot assign global '", "' in a helper (helpers are shared by every page: use a local)");
	lua_setupvalue(L, -2, 1);
	lua_pop(L, 1);
	return 0;
}

/* Load the first helpers.lua found in dirs. */
static int load_helpers(struct tmpl *t, const char *const *dirs, size_t ndirs)
{
	for (size_t d = 0; d < ndirs; d++) {
		char *path = path_join(dirs[d], "helpers.lua");
		int ret = 0;
		bool found = fs_exists(path);
		if (found)
			ret = run_helpers(t, path);
		free(path);
		if (found)
			return ret;
	}
	return 0;
}

struct tmpl *tmpl_open(const char *const *dirs, size_t ndirs)
{
	struct tmpl *t = xcalloc(1, sizeof(*t));
	int ret = 0;
	t->cache = tmpl_cache_new();
	t->own_cache = true;
	t->out_limit = output_limit;
	t->L = sandbox_new();
	engine_setup(t);
	if (collect_files(t, dirs, ndirs) < 0)
		ret = -1;
	for (size_t i = 0; i < t->nfiles; i++)
		if (compile_file(t, &t->files[i]) < 0)
			ret = -1;
	if (load_helpers(t, dirs, ndirs) < 0)
		ret = -1;
	if (ret < 0) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	sandbox_free(t->L);
	if (t->own_cache)
		tmpl_cache_free(t->cache);
	buf_release(&t->key);
	for (size_t i = 0; i < t->nfiles; i++) {
		free(t->files[i].name);
		free(t->files[i].path);
	}
	free(t->files);
	for (size_t i = 0; i < ARRAY_SIZE(t->bufs); i++)
		buf_release(&t->bufs[i]);
	buf_release(&t->scratch);
	free(t);
}

void tmpl_set_output_limit(struct tmpl *t, size_t bytes)
{
	t->out_limit = bytes;
}

struct lua_State *tmpl_lua(struct tmpl *t)
{
	return t->L;
}

bool tmpl_exists(struct tmpl *t, const char *name)
{
	return tmpl_find(t, name) != NULL;
}
