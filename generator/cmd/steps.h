/*
 * steps: a command's steps as its user sees them.  Beginning a step ends
 * the one before; a step's `what` ("rendering pages") is the progress line on
 * a terminal and the stage --max-seconds names when it runs out, and with
 * --timings each step's wall and CPU time and the peak memory so far are
 * printed when it ends ("timings: pages 0.812 s (cpu 1.530 s, peak RSS so far
 * 212 MB)").  So a command reads as its pipeline, with the clocks kept here.
 */
#ifndef AFTERMATH_STEPS_H
#define AFTERMATH_STEPS_H

#include "cmd/cli.h"

struct steps {
	const struct options *o;
	const char *name; /* the running step's name in --timings (NULL: none) */
	double wall, cpu; /* when it began */
	double start;	  /* when the command began */
};

void steps_begin(struct steps *s, const struct options *o);
/* Begin step `name` ("pages"), doing `what` ("rendering pages"). */
void step(struct steps *s, const char *name, const char *what);
/* End the running step (and clear the progress line). */
void steps_end(struct steps *s);
/* Seconds since steps_begin. */
double steps_elapsed(const struct steps *s);

#endif
