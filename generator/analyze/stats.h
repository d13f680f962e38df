/*
 * stats: action-item counts and incident durations, exactly as the brief
 * defines them.
 *
 * An action item counts once for its postmortem and once for each service,
 * factor, owner, severity and priority it belongs to.  overdue: open or
 * in-progress with a due date before the as-of date.  completion_rate =
 * done / (total - wont_do), undefined when that is 0.
 */
#ifndef AFTERMATH_STATS_H
#define AFTERMATH_STATS_H

#include "model/model.h"

struct counts {
	size_t total, done, open, in_progress, wont_do, overdue;
};

/* True when a is open or in progress and due before as_of_day. */
bool ai_overdue(const struct action_item *a, int64_t as_of_day);
/* Days past due (0 when not overdue). */
int64_t ai_days_overdue(const struct action_item *a, int64_t as_of_day);
void counts_add(struct counts *c, const struct action_item *a, int64_t as_of_day);
void counts_merge(struct counts *into, const struct counts *from);
/* Counts of every action item of pm. */
void counts_of_pm(struct counts *c, const struct postmortem *pm, int64_t as_of_day);
/* done / (total - wont_do) rounded to 4 places; false when undefined. */
bool counts_rate(const struct counts *c, double *rate);
/* Append COUNTS as a JSON object. */
void counts_json(struct buf *out, const struct counts *c);

/*
 * Minutes from impact.started to `to`, when both are set and to is not
 * before started; -1 otherwise.
 */
long long duration_minutes(const struct impact *im, const struct when *to);
/* "9 min", "1 h 40 min", "2 d 3 h" */
void duration_text(struct buf *out, long long minutes);

/*
 * The median (mean of the two middle values for an even count) and the
 * nearest-rank 90th percentile of v[0..n) (sorted in place); n > 0.
 */
void percentiles(long long *v, size_t n, double *median, long long *p90);

#endif
