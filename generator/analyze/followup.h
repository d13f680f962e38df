/*
 * followup: what needs following up as of a date, computed once for every
 * writer (the pages, the calendars, `aftermath overdue`): open items overdue
 * or due soon, the overdue ones escalated (policy.escalate_after), and
 * write-ups still draft or in review past policy.write_up_within.
 *
 * "Open" is open or in progress.  Overdue: due before the as-of date (as
 * stats.h's ai_overdue).  Due soon: due on the as-of date or within
 * policy.due_soon days after it.  Escalated: overdue by more than
 * policy.escalate_after days; it goes to the registry owner of each of its
 * postmortem's services.  A write-up is due policy.write_up_within[severity]
 * days after impact.resolved (else the postmortem's date) and late after that
 * day.  Indices are positions in corpus->pms and in a postmortem's actions.
 */
#ifndef AFTERMATH_FOLLOWUP_H
#define AFTERMATH_FOLLOWUP_H

#include "analyze/graph.h"
#include "load/corpus.h"

struct fu_item {
	size_t pm, item;
	int64_t due_day;
	int64_t days; /* overdue: days past due (> 0); due soon: days left (>= 0) */
	bool overdue, escalated;
};

struct fu_writeup {
	size_t pm;
	int64_t from_day; /* resolution (else the postmortem's date) */
	int64_t due_day;
	int64_t days_late; /* as-of minus due: > 0 when late */
};

struct followup {
	int64_t as_of_day;
	const struct policy *policy;
	/* Overdue items (most days late first), then due soon (soonest first); ties in corpus order. */
	struct fu_item *items;
	size_t nitems, noverdue, ndue_soon, nescalated;
	/* Draft or in-review postmortems with a write-up deadline, by due day (the latest write-up first). */
	struct fu_writeup *writeups;
	size_t nwriteups, nlate;
};

void followup_compute(struct followup *f, const struct corpus *c, int64_t as_of_day);

/*
 * The review meeting's agenda (/actions/review/), since the previous review
 * (since_day): items due within REVIEW_WINDOW days before or after the as-of
 * date, whatever their status (by due date); items that became overdue
 * since then (due on or after since_day, before the as-of date; most days
 * late first); and by team (the services registry's team of each of the
 * item's services, once each; NULL: none), items done since then (closed on
 * or after since_day), open, overdue and escalated now.
 */
#define REVIEW_WINDOW 14
struct fu_ref {
	size_t pm, item;
};
struct fu_team {
	const char *name; /* NULL: items of no team (last) */
	size_t done_since, open, overdue, escalated;
};
struct fu_review {
	int64_t since_day;
	struct fu_ref *due, *newly_overdue;
	size_t ndue, nnewly_overdue;
	struct fu_team *teams;
	size_t nteams;
};
void followup_review(struct fu_review *rv, const struct followup *f, const struct corpus *c,
		     const struct graph *g, int64_t since_day);
void followup_review_release(struct fu_review *rv);
void followup_release(struct followup *f);

/*
 * Who an escalated item of postmortem pm goes to: the registry owner of each
 * of its services with one, once each, in the order the services are written.
 * Fills out[0..max) with pointers owned by the site; returns how many.
 */
size_t followup_escalate_to(const struct graph *g, size_t pm, const char **out, size_t max);

#endif
