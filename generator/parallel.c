/* parallel: a tiny work-sharing loop over pthreads (see parallel.h). */
#include "parallel.h"

#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <unistd.h>

struct job {
	size_t n;
	atomic_size_t next;
	void (*fn)(void *ctx, size_t i, int worker);
	void *ctx;
};

struct worker {
	struct job *job;
	int id;
	pthread_t thread;
};

static void *run(void *arg)
{
	struct worker *w = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&w->job->next, 1);
		if (i >= w->job->n)
			break;
		w->job->fn(w->job->ctx, i, w->id);
	}
	return NULL;
}

void parallel_for(size_t n, int jobs, void (*fn)(void *ctx, size_t i, int worker), void *ctx)
{
	struct job job = {.n = n, .fn = fn, .ctx = ctx};
	atomic_init(&job.next, 0);
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
