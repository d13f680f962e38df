/* steps: progress, --max-seconds stage names and --timings of a command's steps (see steps.h). */
#include "cmd/steps.h"

#include "base/deadline.h"

#include <sys/resource.h>
#include <time.h>

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* User and system CPU seconds of every thread so far: a step's CPU over its wall time is how many cores it kept busy. */
static double cpu_seconds(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The peak resident memory so far, in MB. */
static long peak_mb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_maxrss / 1024;
}

void steps_begin(struct steps *s, const struct options *o)
{
	*s = (struct steps){.o = o, .start = now_seconds()};
}

static void step_end(struct steps *s)
{
	if (s->name && s->o->timings)
		fprintf(stderr, "timings: %s %.3f s (cpu %.3f s, peak RSS so far %ld MB)\n",
			s->name, now_seconds() - s->wall, cpu_seconds() - s->cpu, peak_mb());
	s->name = NULL;
}

void step(struct steps *s, const char *name, const char *what)
{
	step_end(s);
	s->name = name;
	s->wall = now_seconds();
	s->cpu = cpu_seconds();
	deadline_stage(what);
	char line[160];
	snprintf(line, sizeof(line), "%s...", what);
	progress(s->o, line);
}

void steps_end(struct steps *s)
{
	step_end(s);
	progress(s->o, "");
}

double steps_elapsed(const struct steps *s)
{
	return now_seconds() - s->start;
}
