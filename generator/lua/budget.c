/* budget: a Lua state's memory cap and CPU time budget (see budget.h). */
#include "lua/budget.h"

#include <errno.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The CPU time between two ticks of a call's timer (see "limits" below). */
#define TICK_MS	   10
/* Without a timer, the clock is read every HOOK_EVERY instructions and POLL_BYTES allocated. */
#define HOOK_EVERY 10000
#define POLL_BYTES ((size_t)1 << 20)

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
	static const char head[] = "aftermath: error: ",
			  tail[] = ": a script's C work ran far past its time budget "
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

void budget_install_handler(void)
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
const bool budget_poll_always = POLL_ALWAYS;

void budget_start(struct sandbox *sb)
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
void budget_stop(struct sandbox *sb)
{
	if (!sb->polling) {
		sb->active = 0;
		struct itimerspec off;
		memset(&off, 0, sizeof(off));
		timer_settime(sb->timer, 0, &off, NULL);
	}
	lua_sethook(sb->L, NULL, 0, 0);
}

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
void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
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
