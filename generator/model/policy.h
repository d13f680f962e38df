/*
 * policy: site.yaml's `policy:`, the follow-through rules a site sets for
 * itself: the due date an action item leaves out, the "due soon" window,
 * when an overdue item escalates, how soon a write-up is due after its
 * incident is resolved, and what each severity requires of a postmortem.
 *
 * Durations are written `Nd` (days) or `Nw` (weeks).  A site without
 * `policy:` has policy_init()'s values: nothing derived, nothing required,
 * no escalation, no write-up deadline, due soon within 14 days.
 */
#ifndef AFTERMATH_POLICY_H
#define AFTERMATH_POLICY_H

#include "model/model.h"
#include "yaml/yamltree.h"

#define POLICY_NONE (-1) /* a duration that is not set */

/* require: for one severity.  A draft is exempt (it is still being written). */
struct policy_require {
	bool set;
	int action_items;	   /* at least this many items (0: no rule) */
	enum ai_priority priority; /* at least one item this urgent or more (PRI_NONE: no rule) */
	bool owner, due;	   /* every item names an owner / has a written due date */
	struct loc loc;		   /* the rule in site.yaml */
};

struct policy {
	bool set; /* site.yaml has policy: */
	/* days after the postmortem's date, by enum ai_priority (PRI_NONE: `default`) */
	int due[4];
	struct loc due_loc;
	int due_soon; /* days: due within this many days of the as-of date is "due soon" (default 14) */
	int escalate_after;		/* days overdue before an item escalates */
	int *write_up;			/* days from resolution to published, by severity index */
	int write_up_default;		/* `default` of write_up_within */
	struct policy_require *require; /* by severity index */
	size_t nseverities;
};

/* No policy: the defaults above. */
void policy_init(struct policy *p);
void policy_release(struct policy *p);

/*
 * Read `policy:` (node n) against the site's severities.  Every misuse is
 * an error at its file:line:column; returns 0 or -1.
 */
int policy_parse(struct policy *p, const struct ynode *n, char *const *severities,
		 size_t nseverities);

/*
 * Parse a duration, "28d" or "2w", into days; -1 when s is not one.
 */
int policy_duration(const char *s);

/* Days from resolution to published for severity sev (POLICY_NONE: no rule). */
int policy_write_up_days(const struct policy *p, int sev);

/*
 * Give each action item of pm without a due date one from the policy (its
 * postmortem's date plus due[priority], else due[default]), marking it
 * due_by_policy; then check pm against require[pm->severity], an error at
 * the postmortem's file and line (and the item's) for each rule it breaks.
 * Returns 0, or -1 when a rule was broken.
 */
int policy_apply(const struct policy *p, struct postmortem *pm, const char *severity);

#endif
