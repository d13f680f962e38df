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
		struct fu_item it = {.pm = i,
				     .item = k,
				     .due_day = due,
				     .overdue = left < 0,
				     .days = left < 0 ? -left : left};
		it.escalated = it.overdue && p->escalate_after != POLICY_NONE &&
			       it.days > p->escalate_after;
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

/* ---- the review meeting --------------------------------------------------- */

struct due_ref {
	int64_t day;
	size_t pm, item;
};

static int cmp_due_ref(const void *va, const void *vb)
{
	const struct due_ref *a = va, *b = vb;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if (a->pm != b->pm)
		return a->pm < b->pm ? -1 : 1;
	return a->item < b->item ? -1 : a->item > b->item;
}

static struct fu_team *team_of(struct fu_review *rv, size_t *alloc, const char *name)
{
	for (size_t i = 0; i < rv->nteams; i++)
		if ((!name && !rv->teams[i].name) ||
		    (name && rv->teams[i].name && !strcmp(name, rv->teams[i].name)))
			return &rv->teams[i];
	ALLOC_GROW(rv->teams, rv->nteams + 1, *alloc);
	rv->teams[rv->nteams] = (struct fu_team){.name = name};
	return &rv->teams[rv->nteams++];
}

static int cmp_team(const void *va, const void *vb)
{
	const struct fu_team *a = va, *b = vb;
	if (!a->name || !b->name)
		return !a->name - !b->name;
	return strcmp(a->name, b->name);
}

/* Item k of postmortem pm counted for each of its teams. */
static void count_teams(struct fu_review *rv, size_t *alloc, const struct followup *f,
			const struct corpus *c, const struct graph *g, const struct fu_ref *ref,
			bool escalated)
{
	const struct action_item *a = &c->pms[ref->pm].actions[ref->item];
	const struct pm_links *l = &g->pm[ref->pm];
	const char *names[16];
	size_t n = 0;
	for (size_t s = 0; s < l->nservices && n < ARRAY_SIZE(names); s++) {
		const struct service_info *si = g->nodes[TERM_SERVICE][l->services[s]].info;
		const char *t = si ? si->team : NULL;
		bool seen = !t;
		for (size_t j = 0; j < n && !seen; j++)
			seen = !strcmp(names[j], t);
		if (!seen)
			names[n++] = t;
	}
	bool done_since = a->status == AI_DONE && a->closed.set &&
			  when_day(&a->closed) >= rv->since_day &&
			  when_day(&a->closed) <= f->as_of_day;
	bool open = a->status == AI_OPEN || a->status == AI_IN_PROGRESS;
	if (!done_since && !open)
		return;
	for (size_t j = 0; j < (n ? n : 1); j++) {
		struct fu_team *t = team_of(rv, alloc, n ? names[j] : NULL);
		t->done_since += done_since;
		t->open += open;
		t->overdue += ai_overdue(a, f->as_of_day);
		t->escalated += escalated;
	}
}

void followup_review(struct fu_review *rv, const struct followup *f, const struct corpus *c,
		     const struct graph *g, int64_t since_day)
{
	size_t dalloc = 0, nalloc = 0, talloc = 0;
	struct due_ref *due = NULL, *newly = NULL;
	size_t ndue = 0, nnewly = 0;
	memset(rv, 0, sizeof(*rv));
	rv->since_day = since_day;
	bool *escalated = NULL;
	size_t total = 0, *base = xcalloc(c->npms ? c->npms : 1, sizeof(size_t));
	for (size_t i = 0; i < c->npms; i++) {
		base[i] = total;
		total += c->pms[i].nactions;
	}
	escalated = xcalloc(total ? total : 1, sizeof(bool));
	for (size_t i = 0; i < f->nitems; i++)
		escalated[base[f->items[i].pm] + f->items[i].item] = f->items[i].escalated;
	for (size_t i = 0; i < c->npms; i++)
		for (size_t k = 0; k < c->pms[i].nactions; k++) {
			const struct action_item *a = &c->pms[i].actions[k];
			struct fu_ref ref = {i, k};
			count_teams(rv, &talloc, f, c, g, &ref, escalated[base[i] + k]);
			if (!a->due.set)
				continue;
			int64_t d = when_day(&a->due);
			if (d >= f->as_of_day - REVIEW_WINDOW &&
			    d <= f->as_of_day + REVIEW_WINDOW) {
				ALLOC_GROW(due, ndue + 1, dalloc);
				due[ndue++] = (struct due_ref){d, i, k};
			}
			if (ai_overdue(a, f->as_of_day) && d >= since_day) {
				ALLOC_GROW(newly, nnewly + 1, nalloc);
				/* the earliest due, the most days late, first */
				newly[nnewly++] = (struct due_ref){d, i, k};
			}
		}
	sort_array(due, ndue, sizeof(*due), cmp_due_ref);
	sort_array(newly, nnewly, sizeof(*newly), cmp_due_ref);
	rv->due = xmalloc((ndue ? ndue : 1) * sizeof(*rv->due));
	for (size_t i = 0; i < ndue; i++)
		rv->due[i] = (struct fu_ref){due[i].pm, due[i].item};
	rv->ndue = ndue;
	rv->newly_overdue = xmalloc((nnewly ? nnewly : 1) * sizeof(*rv->newly_overdue));
	for (size_t i = 0; i < nnewly; i++)
		rv->newly_overdue[i] = (struct fu_ref){newly[i].pm, newly[i].item};
	rv->nnewly_overdue = nnewly;
	sort_array(rv->teams, rv->nteams, sizeof(*rv->teams), cmp_team);
	free(due);
	free(newly);
	free(escalated);
	free(base);
}

void followup_review_release(struct fu_review *rv)
{
	free(rv->due);
	free(rv->newly_overdue);
	free(rv->teams);
	memset(rv, 0, sizeof(*rv));
}
