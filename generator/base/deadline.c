/* deadline: the whole build's time limit and what it is working on (see deadline.h). */
#include "base/deadline.h"

#include "base/diag.h"

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The files threads work on: a slot per thread (the first SLOTS threads), with the order they took them in. */
#define SLOTS 64

static struct {
	_Atomic(const char *) path;
	atomic_ulong seq;
} slots[SLOTS];
static atomic_int nslots;
static atomic_ulong seq;
static _Thread_local int my_slot = -1;

static _Atomic(const char *) stage;
static atomic_bool armed;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static bool disarmed; /* under lock */
static char *cleanup_dir;
static struct timespec until;
static int limit_seconds, exit_status;
static void (*on_expire)(void *);
static void *expire_ctx;

void deadline_stage(const char *s)
{
	atomic_store_explicit(&stage, s, memory_order_relaxed);
}

void deadline_file(const char *path)
{
	if (!atomic_load_explicit(&armed, memory_order_relaxed))
		return;
	if (my_slot < 0)
		my_slot = atomic_fetch_add(&nslots, 1);
	if (my_slot >= SLOTS)
		return;
	if (path)
		atomic_store_explicit(&slots[my_slot].seq,
				      atomic_fetch_add_explicit(&seq, 1, memory_order_relaxed),
				      memory_order_relaxed);
	atomic_store_explicit(&slots[my_slot].path, path, memory_order_release);
}

void deadline_cleanup(const char *dir)
{
	pthread_mutex_lock(&lock);
	free(cleanup_dir);
	cleanup_dir = dir ? xstrdup(dir) : NULL;
	pthread_mutex_unlock(&lock);
}

/* The file held longest by any thread, or NULL. */
static const char *oldest_file(void)
{
	const char *best = NULL;
	unsigned long best_seq = 0;
	int n = atomic_load(&nslots);
	for (int i = 0; i < n && i < SLOTS; i++) {
		const char *p = atomic_load_explicit(&slots[i].path, memory_order_acquire);
		unsigned long s = atomic_load_explicit(&slots[i].seq, memory_order_relaxed);
		if (p && (!best || s < best_seq)) {
			best = p;
			best_seq = s;
		}
	}
	return best;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* rm -rf, tried again while threads still write into it. */
static void remove_dir(const char *dir)
{
	for (int i = 0; i < 5 && access(dir, F_OK) == 0; i++)
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void expire(void)
{
	const char *what = atomic_load(&stage), *file = oldest_file();
	struct loc loc = {file, 0, 0};
	error(file ? &loc : NULL,
	      "--max-seconds %d ran out while %s%s (the build stopped; the previous output is kept)",
	      limit_seconds, what ? what : "starting", file ? ", at this file" : "");
	diag_hold(); /* the other threads' diagnostics stop here: the list is printed as it is */
	if (cleanup_dir)
		remove_dir(cleanup_dir);
	if (on_expire)
		on_expire(expire_ctx);
	fflush(stderr);
	_exit(exit_status);
}

static void *watch(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!disarmed) {
		if (pthread_cond_timedwait(&wake, &lock, &until) == ETIMEDOUT && !disarmed)
			expire(); /* never returns: the lock stays held, so deadline_disarm() waits for the end */
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void deadline_start(int seconds, void (*expire_cb)(void *ctx), void *ctx, int status)
{
	if (seconds <= 0)
		return;
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &attr);
	pthread_condattr_destroy(&attr);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += seconds;
	limit_seconds = seconds;
	on_expire = expire_cb;
	expire_ctx = ctx;
	exit_status = status;
	atomic_store(&armed, true);
	pthread_t t;
	if (pthread_create(&t, NULL, watch, NULL) == 0)
		pthread_detach(t);
}

void deadline_disarm(void)
{
	if (!atomic_load(&armed))
		return;
	pthread_mutex_lock(&lock);
	disarmed = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}
