/* followup: overdue, due soon, escalated items and late write-ups (see followup.h). */
#include "analyze/followup.h"

#include "analyze/stats.h"

#include <stdlib.h>
#include <string.h>

static int cmp_item(const void *va, const void *vb)
{
	const struct fu_item *a = va, *b = vb;
	if (a->overdue != b->overdue)
		return a->overdue ? -1 : 1;
	if (a->days != b->days) /* overdue: latest first; due soon: soonest first */
		return (a->days > b->days) == a->overdue ? -1 : 1;
	if (a->pm != b->pm)
		return a->pm < b->pm ? -1 : 1;
	return a->item < b->item ? -1 : a->item > b->item;
}

static int cmp_writeup(const void *va, const void *vb)
{
	const struct fu_writeup *a = va, *b = vb;
	if (a->due_day != b->due_day)
		return a->due_day < b->due_day ? -1 : 1;
	return a->pm < b->pm ? -1 : a->pm > b->pm;
}

static void add_items(struct followup *f, const struct postmortem *pm, size_t i, size_t *alloc)
{
	const struct policy *p = f->policy;
	for (size_t k = 0; k < pm->nactions; k++) {
		const struct action_item *a = &pm->actions[k];
		if ((a->status != AI_OPEN && a->status != AI_IN_PROGRESS) || !a->due.set)
			continue;
		int64_t due = when_day(&a->due), left = due - f->as_of_day;
		if (left > p->due_soon)
			continue;
		struct fu_item it = {.pm = i, .item = k, .due_day = due, .overdue = left < 0, .days = left < 0 ? -left : left};
		it.escalated = it.overdue && p->escalate_after != POLICY_NONE && it.days > p->escalate_after;
		ALLOC_GROW(f->items, f->nitems + 1, *alloc);
		f->items[f->nitems++] = it;
		f->noverdue += it.overdue;
		f->ndue_soon += !it.overdue;
		f->nescalated += it.escalated;
	}
}

static void add_writeup(struct followup *f, const struct postmortem *pm, size_t i, size_t *alloc)
{
	int days = policy_write_up_days(f->policy, pm->severity);
	if (pm->status == STATUS_COMPLETE || days == POLICY_NONE || !pm->date.set)
		return;
	struct fu_writeup w = {.pm = i};
	w.from_day = pm->impact.resolved.set ? when_day(&pm->impact.resolved) : when_day(&pm->date);
	w.due_day = w.from_day + days;
	w.days_late = f->as_of_day - w.due_day;
	ALLOC_GROW(f->writeups, f->nwriteups + 1, *alloc);
	f->writeups[f->nwriteups++] = w;
	f->nlate += w.days_late > 0;
}

void followup_compute(struct followup *f, const struct corpus *c, int64_t as_of_day)
{
	size_t ialloc = 0, walloc = 0;
	memset(f, 0, sizeof(*f));
	f->as_of_day = as_of_day;
	f->policy = &c->site.policy;
	for (size_t i = 0; i < c->npms; i++) {
		add_items(f, &c->pms[i], i, &ialloc);
		add_writeup(f, &c->pms[i], i, &walloc);
	}
	sort_array(f->items, f->nitems, sizeof(*f->items), cmp_item);
	sort_array(f->writeups, f->nwriteups, sizeof(*f->writeups), cmp_writeup);
}

void followup_release(struct followup *f)
{
	free(f->items);
	free(f->writeups);
	memset(f, 0, sizeof(*f));
}

size_t followup_escalate_to(const struct graph *g, size_t pm, const char **out, size_t max)
{
	const struct pm_links *l = &g->pm[pm];
	size_t n = 0;
	for (size_t s = 0; s < l->nservices && n < max; s++) {
		const struct service_info *si = g->nodes[TERM_SERVICE][l->services[s]].info;
		if (!si || !si->owner)
			continue;
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			seen |= !strcmp(out[j], si->owner);
		if (!seen)
			out[n++] = si->owner;
	}
	return n;
}
