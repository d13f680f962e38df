/* parallel: a tiny work-sharing loop over pthreads (see parallel.h). */
#include "base/parallel.h"

#include "base/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

struct job {
	size_t n;
	atomic_size_t next;
	size_t split;	     /* parallel_for_split: items below it are worker 0's */
	atomic_size_t first; /* the next of those */
	void (*fn)(void *ctx, size_t i, int worker);
	void *ctx;
};

struct worker {
	struct job *job;
	int id;
	pthread_t thread;
};

/* The next item from [*next, end), or SIZE_MAX when none is left. */
static size_t take(atomic_size_t *next, size_t end)
{
	if (atomic_load_explicit(next, memory_order_relaxed) >= end)
		return SIZE_MAX;
	size_t i = atomic_fetch_add(next, 1);
	return i < end ? i : SIZE_MAX;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct job *j = w->job;
	for (;;) {
		size_t i;
		if (w->id == 0) {
			if ((i = take(&j->first, j->split)) == SIZE_MAX)
				i = take(&j->next, j->n);
		} else if ((i = take(&j->next, j->n)) == SIZE_MAX) {
			i = take(&j->first, j->split);
		}
		if (i == SIZE_MAX)
			break;
		j->fn(j->ctx, i, w->id);
	}
	return NULL;
}

void parallel_for(size_t n, int jobs, void (*fn)(void *ctx, size_t i, int worker), void *ctx)
{
	parallel_for_split(0, n, jobs, fn, ctx);
}

void parallel_for_split(size_t split, size_t n, int jobs,
			void (*fn)(void *ctx, size_t i, int worker), void *ctx)
{
	if (split > n)
		split = n;
	struct job job = {.n = n, .split = split, .fn = fn, .ctx = ctx};
	atomic_init(&job.next, split);
	atomic_init(&job.first, 0);
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = n ? (int)n : 1;
	struct worker *w = xcalloc((size_t)jobs, sizeof(*w));
	for (int i = 0; i < jobs; i++) {
		w[i].job = &job;
		w[i].id = i;
		if (i > 0 && pthread_create(&w[i].thread, NULL, run, &w[i]))
			die("cannot start a worker thread");
	}
	run(&w[0]);
	for (int i = 1; i < jobs; i++)
		pthread_join(w[i].thread, NULL);
	free(w);
}

int parallel_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (int)n;
}
