/*
 * deadline: the whole build's time limit (--max-seconds), and what the build
 * is working on when it runs out.
 *
 * deadline_start() arms a watchdog thread.  The stages say where they are
 * (deadline_stage(), and deadline_file() for the file a thread works on: a
 * store or two, cheap enough for every file).  When the time is up the
 * watchdog reports "build stopped: --max-seconds N ran out while STAGE" at
 * the file held longest (or without a file), removes the directory given to
 * deadline_cleanup() (the output's temporary: the previous site is never
 * touched), calls the expire callback (which prints the diagnostics) and
 * ends the process with the given status.  It ends the process rather than
 * asking the stages to stop: the work that overruns may be inside cmark-gfm,
 * PCRE2 or Lua, which never look at a flag.  deadline_disarm() before the
 * output is swapped in makes the rest of the build safe from it.
 *
 * Without deadline_start() every function here does nothing.
 */
#ifndef AFTERMATH_DEADLINE_H
#define AFTERMATH_DEADLINE_H

#include "base/util.h"

/*
 * Arm the deadline `seconds` from now (0: none).  When it passes, the
 * watchdog reports, cleans up, calls expire(ctx) (print the diagnostics;
 * it must not return to the build) and then _exit(status).
 */
void deadline_start(int seconds, void (*expire)(void *ctx), void *ctx, int status);

/* The stage being run, for the report ("parsing postmortems"; a string that lives as long as the build). */
void deadline_stage(const char *stage);

/* The file this thread works on now (a path that lives as long as the build), or NULL when done with it. */
void deadline_file(const char *path);

/* The directory to remove if the time runs out (NULL: none); the path is copied. */
void deadline_cleanup(const char *dir);

/* Stop the watchdog for good; waits while it is reporting (the process then ends). */
void deadline_disarm(void);

#endif
