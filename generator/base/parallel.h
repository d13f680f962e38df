/*
 * parallel: run a function over 0..n-1 on a fixed number of threads.
 *
 * Work is handed out one index at a time from an atomic counter, so a slow
 * item does not hold up the others.  Results must go to per-index slots (or
 * per-worker state): the order items run in is not fixed, the output must
 * not depend on it.
 */
#ifndef AFTERMATH_PARALLEL_H
#define AFTERMATH_PARALLEL_H

#include <stddef.h>

/* fn(ctx, i, worker) for every i < n; worker is 0..jobs-1.  jobs < 1 means 1. */
void parallel_for(size_t n, int jobs, void (*fn)(void *ctx, size_t i, int worker), void *ctx);
/*
 * The same over two kinds of items: worker 0 takes items 0..split-1 first,
 * the other workers items split..n-1; a worker whose kind has run out takes
 * the other kind.  For items that share state a worker builds once (a page
 * that lists many postmortems makes their tables in its worker's Lua state):
 * with the items that need it on one worker, it is built once, not once a
 * worker.  With one job, the order is 0..n-1.
 */
void parallel_for_split(size_t split, size_t n, int jobs,
			void (*fn)(void *ctx, size_t i, int worker), void *ctx);
/* The number of online CPUs (at least 1). */
int parallel_cpus(void);

#endif
