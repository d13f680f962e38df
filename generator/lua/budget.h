/*
 * budget: the limits of one sandboxed Lua state, its memory cap and its CPU
 * time budget, and the record (struct sandbox) that the allocator, the timer's
 * signal handler and the sandbox share (lua/ only: sandbox.h is the public face).
 *
 * The memory cap is the state's allocator (budget_alloc); the time budget a
 * timer on the thread's CPU clock armed while an outermost call runs
 * (budget_start/budget_stop), or a count hook reading the clock where the
 * system refuses a timer.  C functions that loop ask sandbox_check().
 */
#ifndef AFTERMATH_BUDGET_H
#define AFTERMATH_BUDGET_H

#include "base/util.h"

#include <lua.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

/* Stack levels looked at when locating an error. */
#define MAX_FRAMES 32

/* Per Lua state, reachable from the allocator (its ud) and lua_getextraspace. */
struct sandbox {
	lua_State *L;
	size_t used;	  /* bytes the state holds */
	size_t limit;	  /* ... at most, while a call runs (memory_limit when made) */
	size_t printed;	  /* bytes print() wrote */
	const char *what; /* the outermost call's `what` (the backstop names it) */
	long budget;	  /* milliseconds of CPU time an outermost call may use */
	int calls;	  /* sandbox_call nesting; limits apply while > 0 */
	bool hit_cap;	  /* an allocation was refused since the call began */
	char *cap_file;	  /* where the script was at the last refusal (NULL: no Lua frame) */
	int cap_line;
	/* The time budget (see "limits"); ticks, active and over change in the signal handler. */
	volatile sig_atomic_t ticks;  /* TICK_MS periods of CPU time the call has used */
	volatile sig_atomic_t active; /* an outermost call runs: ticks count */
	volatile sig_atomic_t over;   /* the budget is spent: the stop hook fires at once */
	bool has_timer;
	timer_t timer; /* on the CPU clock of thread timer_tid */
	pid_t timer_tid;
	bool polling;	   /* no timer: the count hook reads the clock */
	uint64_t start_ns; /* polling: the thread's CPU time when the call began */
	size_t unpolled;   /* polling: bytes allocated since the clock was read */
	/* The error of the failing call, as msghandler found it. */
	char *err_file, *err_msg, *err_callers;
	int err_line;
	bool err_over; /* ... recorded once the budget was spent */
};

static inline struct sandbox *sandbox_of(lua_State *L)
{
	return *(struct sandbox **)lua_getextraspace(L);
}

/* The file a frame runs in: a chunk's full name, not Lua's shortened one. */
static inline const char *frame_file(const lua_Debug *ar)
{
	if (ar->source[0] == '@' || ar->source[0] == '=')
		return ar->source + 1;
	return ar->short_src;
}

/* Once per process, before the first state: the timer's signal handler. */
void budget_install_handler(void);
/* The allocator of a sandboxed state (ud is its struct sandbox). */
void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Arm the budget for an outermost call on this thread, and disarm it. */
void budget_start(struct sandbox *sb);
void budget_stop(struct sandbox *sb);
/* Whether builds poll the clock rather than use a timer (ThreadSanitizer's do). */
extern const bool budget_poll_always;

/*
 * For C functions that loop: raise the time-budget error ("time budget of
 * 1000 ms exceeded", at the calling script's line) when the running call has
 * spent its budget; return otherwise.  Cheap: a flag, or the clock when the
 * state polls.
 */
void sandbox_check(struct lua_State *L);
/* Whether the running call has spent its budget (an error is on its way). */
bool sandbox_spent(struct lua_State *L);

#endif
