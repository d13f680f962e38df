/*
 * figures: every count, rate and duration the site shows, computed once by
 * the analyze stage for every writer: the pages (render/), api/stats.json and
 * api/postmortems.json (emit/), and `aftermath stats` (cmd/).  Writers only
 * format them.
 *
 * Action items are counted (stats.h: total, done, open, in progress, won't
 * do, overdue as of as_of_day) per postmortem, in total, per node of the
 * graph (a service's, factor's or tag's: the items of its postmortems, each
 * once; an owner's: the items it owns), per severity, per priority and per
 * taxonomy term.  Durations, timeliness, the monthly series and ageing are
 * insights.h's, and what needs following up (due soon, overdue, escalated,
 * late write-ups) followup.h's, computed here too.
 */
#ifndef AFTERMATH_FIGURES_H
#define AFTERMATH_FIGURES_H

#include "analyze/followup.h"
#include "analyze/graph.h"
#include "analyze/insights.h"
#include "analyze/stats.h"

struct figures {
	struct counts total;
	struct counts *pm;		      /* [c->npms], in corpus order */
	struct counts *node[NTERM_KINDS];     /* [g->nnodes[k]] */
	struct counts *severity;	      /* [c->site.nseverities] */
	struct counts priority[PRI_NICE + 1]; /* by enum ai_priority, PRI_NONE included */
	/* items whose due date was written, given by policy.due (policy.h), or neither */
	size_t due_written, due_policy, due_none;
	struct counts **term; /* [t][j]: term j of taxonomy t (g->tax) */
	size_t nterm;	      /* taxonomies (g->ntax) */
	struct insights in;
	struct followup fu; /* due soon, overdue, escalated items and late write-ups (followup.h) */
};

void figures_compute(struct figures *f, const struct corpus *c, const struct graph *g,
		     int64_t as_of_day);
void figures_release(struct figures *f);

#endif
