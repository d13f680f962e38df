/* stats: action-item counts and durations (see stats.h). */
#include "analyze/stats.h"

#include <math.h>

bool ai_overdue(const struct action_item *a, int64_t as_of_day)
{
	if (a->status != AI_OPEN && a->status != AI_IN_PROGRESS)
		return false;
	return a->due.set && when_day(&a->due) < as_of_day;
}

int64_t ai_days_overdue(const struct action_item *a, int64_t as_of_day)
{
	return ai_overdue(a, as_of_day) ? as_of_day - when_day(&a->due) : 0;
}

void counts_add(struct counts *c, const struct action_item *a, int64_t as_of_day)
{
	c->total++;
	switch (a->status) {
	case AI_DONE: c->done++; break;
	case AI_OPEN: c->open++; break;
	case AI_IN_PROGRESS: c->in_progress++; break;
	case AI_WONT_DO: c->wont_do++; break;
	}
	if (ai_overdue(a, as_of_day))
		c->overdue++;
}

void counts_merge(struct counts *into, const struct counts *from)
{
	into->total += from->total;
	into->done += from->done;
	into->open += from->open;
	into->in_progress += from->in_progress;
	into->wont_do += from->wont_do;
	into->overdue += from->overdue;
}

void counts_of_pm(struct counts *c, const struct postmortem *pm, int64_t as_of_day)
{
	*c = (struct counts){0};
	for (size_t i = 0; i < pm->nactions; i++)
		counts_add(c, &pm->actions[i], as_of_day);
}

bool counts_rate(const struct counts *c, double *rate)
{
	size_t denom = c->total - c->wont_do;
	if (!denom)
		return false;
	*rate = round((double)c->done / (double)denom * 10000.0) / 10000.0;
	return true;
}

void counts_json(struct buf *out, const struct counts *c)
{
	double rate;
	buf_addf(
		out,
		"{\"total\": %zu, \"done\": %zu, \"open\": %zu, \"in_progress\": %zu, \"wont_do\": %zu, \"overdue\": %zu, \"completion_rate\": ",
		c->total, c->done, c->open, c->in_progress, c->wont_do, c->overdue);
	if (counts_rate(c, &rate))
		buf_addf(out, "%.4g}", rate);
	else
		buf_adds(out, "null}");
}

long long duration_minutes(const struct impact *im, const struct when *to)
{
	if (!im->started.set || !to->set || to->epoch < im->started.epoch)
		return -1;
	return (long long)((to->epoch - im->started.epoch) / 60);
}

void duration_text(struct buf *out, long long m)
{
	if (m < 60)
		buf_addf(out, "%lld min", m);
	else if (m < 24 * 60)
		buf_addf(out, m % 60 ? "%lld h %lld min" : "%lld h", m / 60, m % 60);
	else
		buf_addf(out, (m / 60) % 24 ? "%lld d %lld h" : "%lld d", m / (24 * 60),
			 (m / 60) % 24);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

void percentiles(long long *v, size_t n, double *median, long long *p90)
{
	sort_array(v, n, sizeof(*v), cmp_ll);
	*median = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
	size_t rank = (size_t)ceil(0.9 * (double)n);
	*p90 = v[rank ? rank - 1 : 0];
}
