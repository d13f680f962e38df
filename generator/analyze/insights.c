/* insights: durations, timeliness and trends (see insights.h). */
#include "analyze/insights.h"

#include "analyze/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *insights_age_bucket_name(size_t i)
{
	static const char *const names[NAGE_BUCKETS] = {"1–30 days", "31–90 days", "91–180 days",
							"181–365 days", "over a year"};
	return names[i];
}

const char *insights_resolve_bucket_name(size_t i)
{
	static const char *const names[NRESOLVE_BUCKETS] = {
		"under 15 min", "15–60 min", "1–4 h", "4–24 h", "1–7 days", "over a week"};
	return names[i];
}

static size_t age_bucket(int64_t days)
{
	return days <= 30 ? 0 : days <= 90 ? 1 : days <= 180 ? 2 : days <= 365 ? 3 : 4;
}

static size_t resolve_bucket(long long m)
{
	return m < 15 ? 0 : m < 60 ? 1 : m < 240 ? 2 : m < 1440 ? 3 : m < 10080 ? 4 : 5;
}

/* Collected minute values of one group. */
struct samples {
	long long *v[3];
	size_t n[3];
	size_t count;
};

static void dist_of(struct dist *d, long long *v, size_t n)
{
	d->count = n;
	if (n)
		percentiles(v, n, &d->median, &d->p90);
}

static void samples_add(struct samples *s, const struct impact *im, size_t cap)
{
	const struct when *to[3] = {&im->detected, &im->mitigated, &im->resolved};
	if (!s->v[0])
		for (int k = 0; k < 3; k++)
			s->v[k] = xmalloc((cap ? cap : 1) * sizeof(long long));
	s->count++;
	for (int k = 0; k < 3; k++) {
		long long m = duration_minutes(im, to[k]);
		if (m >= 0)
			s->v[k][s->n[k]++] = m;
	}
}

static void samples_finish(struct samples *s, struct duration_row *row, size_t node)
{
	row->node = node;
	row->count = s->count;
	dist_of(&row->detect, s->v[0], s->n[0]);
	dist_of(&row->mitigate, s->v[1], s->n[1]);
	dist_of(&row->resolve, s->v[2], s->n[2]);
	for (int k = 0; k < 3; k++)
		free(s->v[k]);
	memset(s, 0, sizeof(*s));
}

static void compute_durations(struct insights *in, const struct corpus *c, const struct graph *g)
{
	size_t nsev = c->site.nseverities, nsvc = g->nnodes[TERM_SERVICE];
	struct samples *sev = xcalloc(nsev, sizeof(*sev));
	struct samples *svc = xcalloc(nsvc ? nsvc : 1, sizeof(*svc));
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		if (pm->kind == KIND_DRILL) {
			in->drills++;
			continue;
		}
		if (pm->kind == KIND_NEAR_MISS) {
			in->near_misses++;
			continue;
		}
		if (pm->status == STATUS_DRAFT) { /* its times are still being written down */
			in->drafts++;
			continue;
		}
		in->incidents++;
		samples_add(&sev[pm->severity], &pm->impact, c->npms);
		for (size_t k = 0; k < g->pm[i].nservices; k++)
			samples_add(&svc[g->pm[i].services[k]], &pm->impact,
				    g->nodes[TERM_SERVICE][g->pm[i].services[k]].npms);
		long long m = duration_minutes(&pm->impact, &pm->impact.resolved);
		if (m >= 0)
			in->resolve_hist[resolve_bucket(m)]++;
	}
	in->by_severity = xcalloc(nsev, sizeof(struct duration_row));
	for (size_t s = 0; s < nsev; s++)
		samples_finish(&sev[s], &in->by_severity[s], s);
	in->by_service = xcalloc(nsvc ? nsvc : 1, sizeof(struct duration_row));
	for (size_t s = 0; s < nsvc; s++) {
		if (svc[s].count)
			samples_finish(&svc[s], &in->by_service[in->nby_service++], s);
	}
	free(sev);
	free(svc);
}

static void compute_timeliness(struct insights *in, const struct corpus *c)
{
	long long *v = xmalloc((c->npms ? c->npms : 1) * sizeof(long long));
	size_t n = 0, w3 = 0, w7 = 0, wp = 0;
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		if (!pm->published.set || !pm->impact.resolved.set || pm->kind == KIND_DRILL)
			continue;
		long long days =
			(long long)(when_day(&pm->published) - when_day(&pm->impact.resolved));
		if (days < 0)
			days = 0;
		v[n++] = days;
		w3 += days <= 3;
		w7 += days <= 7;
		int limit = policy_write_up_days(&c->site.policy, pm->severity);
		if (limit != POLICY_NONE) {
			in->npolicy++;
			wp += days <= limit;
		}
	}
	in->within_policy = in->npolicy ? (double)wp / (double)in->npolicy : 0;
	dist_of(&in->timeliness, v, n);
	in->within3 = n ? (double)w3 / (double)n : 0;
	in->within7 = n ? (double)w7 / (double)n : 0;
	free(v);
}

static int month_key(const struct when *w)
{
	char d[11];
	when_date(w, d);
	return atoi(d) * 12 + atoi(d + 5) - 1;
}

static void compute_months(struct insights *in, const struct corpus *c)
{
	if (!c->npms)
		return;
	int first = month_key(&c->pms[c->npms - 1].date), last = month_key(&c->pms[0].date);
	in->nmonths = (size_t)(last - first + 1);
	in->months = xcalloc(in->nmonths, sizeof(*in->months));
	in->incidents_per_month = xcalloc(in->nmonths, sizeof(double));
	in->near_misses_per_month = xcalloc(in->nmonths, sizeof(double));
	in->opened_per_month = xcalloc(in->nmonths, sizeof(double));
	in->closed_per_month = xcalloc(in->nmonths, sizeof(double));
	for (size_t m = 0; m < in->nmonths; m++) {
		int k = first + (int)m;
		snprintf(in->months[m], sizeof(in->months[m]), "%04u-%02u",
			 (unsigned)(k / 12) % 10000u, (unsigned)(k % 12 + 1) % 100u);
	}
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		size_t m = (size_t)(month_key(&pm->date) - first);
		if (pm->kind == KIND_INCIDENT)
			in->incidents_per_month[m]++;
		else if (pm->kind == KIND_NEAR_MISS)
			in->near_misses_per_month[m]++;
		in->opened_per_month[m] += (double)pm->nactions;
		for (size_t k = 0; k < pm->nactions; k++) {
			const struct action_item *a = &pm->actions[k];
			if (a->status != AI_DONE || !a->closed.set)
				continue;
			int ck = month_key(&a->closed);
			if (ck >= first && ck <= last)
				in->closed_per_month[ck - first]++;
		}
	}
}

static int cmp_closed(const void *va, const void *vb, void *ctx)
{
	const struct corpus *sort_corpus = ctx;
	const struct item_ref *a = va, *b = vb;
	const struct action_item *x = &sort_corpus->pms[a->pm].actions[a->item];
	const struct action_item *y = &sort_corpus->pms[b->pm].actions[b->item];
	if (x->closed.epoch != y->closed.epoch)
		return x->closed.epoch > y->closed.epoch ? -1 : 1;
	if (a->pm != b->pm)
		return a->pm < b->pm ? -1 : 1;
	return a->item < b->item ? -1 : a->item > b->item;
}

static void compute_items(struct insights *in, const struct corpus *c, int64_t as_of_day)
{
	struct item_ref *v = NULL;
	size_t n = 0, alloc = 0;
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		for (size_t k = 0; k < pm->nactions; k++) {
			const struct action_item *a = &pm->actions[k];
			if (ai_overdue(a, as_of_day))
				in->ageing[age_bucket(ai_days_overdue(a, as_of_day))]++;
			if (a->status == AI_DONE && a->closed.set) {
				ALLOC_GROW(v, n + 1, alloc);
				v[n++] = (struct item_ref){i, k};
			}
		}
	}
	sort_array_r(v, n, sizeof(*v), cmp_closed, (void *)c);
	in->recently_closed = v;
	in->nrecently_closed = n < 20 ? n : 20;
}

void insights_compute(struct insights *in, const struct corpus *c, const struct graph *g,
		      int64_t as_of_day)
{
	memset(in, 0, sizeof(*in));
	compute_durations(in, c, g);
	compute_timeliness(in, c);
	compute_months(in, c);
	compute_items(in, c, as_of_day);
}

void insights_release(struct insights *in)
{
	free(in->by_severity);
	free(in->by_service);
	free(in->months);
	free(in->incidents_per_month);
	free(in->near_misses_per_month);
	free(in->opened_per_month);
	free(in->closed_per_month);
	free(in->recently_closed);
	memset(in, 0, sizeof(*in));
}
