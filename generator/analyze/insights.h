/*
 * insights: the figures behind /actions/ and /metrics/.
 *
 * Incident durations (minutes from impact.started to detected, mitigated and
 * resolved) by severity and by service, as count, median and p90, with
 * drills and drafts left out and near-misses counted apart; postmortem timeliness
 * (published minus resolved); incidents per month; action items opened and
 * closed per month, overdue ageing and the most recently closed.  Computed
 * once per build; everything is owned by struct insights.
 */
#ifndef AFTERMATH_INSIGHTS_H
#define AFTERMATH_INSIGHTS_H

#include "analyze/graph.h"
#include "load/corpus.h"

struct dist {
	size_t count;
	double median;
	long long p90;
};

struct duration_row {
	size_t node;  /* service node, or severity index */
	size_t count; /* incidents in the group */
	struct dist detect, mitigate, resolve;
};

#define NAGE_BUCKETS	 5
#define NRESOLVE_BUCKETS 6

struct item_ref {
	size_t pm, item;
};

struct insights {
	/* incidents: those whose durations count (drafts left out) */
	size_t incidents, near_misses, drills;
	/* incidents still draft: left out of durations, as drills are */
	size_t drafts;
	struct duration_row *by_severity; /* one per site severity */
	struct duration_row *by_service;  /* one per service node with incidents */
	size_t nby_service;
	size_t resolve_hist[NRESOLVE_BUCKETS]; /* see insights_resolve_bucket_name */
	/* published - resolved, in days */
	struct dist timeliness;
	double within3, within7; /* shares 0..1 of those with both dates */
	/* of those, how many have a policy.write_up_within deadline (policy.h) */
	size_t npolicy;
	double within_policy; /* share 0..1 of those published by it */
	/* months from the oldest to the newest postmortem, "YYYY-MM" */
	char (*months)[12];
	size_t nmonths;
	double *incidents_per_month, *near_misses_per_month;
	/* action items: by the postmortem's month / closed */
	double *opened_per_month, *closed_per_month;
	size_t ageing[NAGE_BUCKETS];	  /* overdue items by days late */
	struct item_ref *recently_closed; /* newest closed first, at most 20 */
	size_t nrecently_closed;
};

void insights_compute(struct insights *in, const struct corpus *c, const struct graph *g,
		      int64_t as_of_day);
void insights_release(struct insights *in);

const char *insights_age_bucket_name(size_t i);	    /* "1–30 days", ... */
const char *insights_resolve_bucket_name(size_t i); /* "under 15 min", ... */

#endif
