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
/* The number of online CPUs (at least 1). */
int parallel_cpus(void);

#endif
