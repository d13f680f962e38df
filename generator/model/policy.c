/* policy: site.yaml's policy:, parsed and applied (see policy.h). */
#include "model/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DAYS	  3650 /* ten years: longer is a typo */
#define DURATION_EXPECTED "a duration like 28d or 2w"

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < ARRAY_SIZE(p->due); i++)
		p->due[i] = POLICY_NONE;
	p->due_soon = 14;
	p->escalate_after = POLICY_NONE;
	p->write_up_default = POLICY_NONE;
}

void policy_release(struct policy *p)
{
	free(p->write_up);
	free(p->require);
	policy_init(p);
}

int policy_duration(const char *s)
{
	char *end;
	if (!(*s >= '0' && *s <= '9'))
		return -1;
	long v = strtol(s, &end, 10);
	int unit = !strcmp(end, "d") ? 1 : !strcmp(end, "w") ? 7 : 0;
	if (!unit || v > MAX_DAYS || v * unit > MAX_DAYS)
		return -1;
	return (int)(v * unit);
}

/* The value's text for a message: "\"x\"" for a scalar, else its kind. */
static const char *shown(const struct ynode *n, char *tmp, size_t size)
{
	if (n->type != YN_SCALAR)
		return ynode_kind(n);
	snprintf(tmp, size, "\"%.60s\"", n->scalar);
	return tmp;
}

static int get_duration(const struct ynode *n, const char *what, int *out)
{
	char tmp[80];
	int d = n->type == YN_SCALAR ? policy_duration(n->scalar) : -1;
	if (d < 0)
		return error(&n->loc, "%s must be " DURATION_EXPECTED ", at most %d days (got %s)",
			     what, MAX_DAYS, shown(n, tmp, sizeof(tmp)));
	*out = d;
	return 0;
}

static int want_map(const struct ynode *n, const char *what, const char *keys)
{
	if (n->type == YN_MAP)
		return 0;
	return error(&n->loc, "%s must be a mapping of %s (got %s)", what, keys, ynode_kind(n));
}

/* Index of a severity named k, or -1 after an error naming the expected ones. */
static int severity_key(const char *k, const struct loc *loc, const char *what, char *const *sev,
			size_t nsev, bool allow_default)
{
	for (size_t i = 0; i < nsev; i++)
		if (!strcasecmp(sev[i], k))
			return (int)i;
	if (allow_default && !strcmp(k, "default"))
		return (int)nsev;
	char list[512] = "";
	for (size_t i = 0; i < nsev; i++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", sev[i]);
	}
	error(loc, "unknown severity \"%s\" in %s (expected %s%s)", k, what, list,
	      allow_default ? ", default" : "");
	return -1;
}

/* due: {must: 28d, should: 56d, nice: 90d, default: 90d} */
static int parse_due(struct policy *p, const struct ynode *n)
{
	static const char *const keys[] = {[PRI_NONE] = "default",
					   [PRI_MUST] = "must",
					   [PRI_SHOULD] = "should",
					   [PRI_NICE] = "nice"};
	int ret = want_map(n, "policy.due", "priority to duration (must, should, nice, default)");
	if (ret < 0)
		return ret;
	p->due_loc = n->loc;
	for (size_t i = 0; i < n->n; i++) {
		size_t k = 0;
		while (k < ARRAY_SIZE(keys) && strcmp(keys[k], n->keys[i]))
			k++;
		if (k == ARRAY_SIZE(keys)) {
			ret = error(
				&n->key_locs[i],
				"unknown priority \"%s\" in policy.due (expected must, should, nice, default)",
				n->keys[i]);
			continue;
		}
		char what[32];
		snprintf(what, sizeof(what), "policy.due.%s", keys[k]);
		ret |= get_duration(n->items[i], what, &p->due[k]);
	}
	return ret;
}

/* write_up_within: {SEV1: 5d, ..., default: 14d} */
static int parse_write_up(struct policy *p, const struct ynode *n, char *const *sev, size_t nsev)
{
	int ret = want_map(n, "policy.write_up_within", "severity to duration (and default)");
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n->n; i++) {
		int s = severity_key(n->keys[i], &n->key_locs[i], "policy.write_up_within", sev,
				     nsev, true);
		if (s < 0) {
			ret = -1;
			continue;
		}
		char what[96];
		snprintf(what, sizeof(what), "policy.write_up_within.%.60s", n->keys[i]);
		ret |= get_duration(n->items[i], what,
				    (size_t)s == nsev ? &p->write_up_default : &p->write_up[s]);
	}
	return ret;
}

static int get_count(const struct ynode *n, const char *what, int *out)
{
	char tmp[80], *end;
	long v = n->type == YN_SCALAR ? strtol(n->scalar, &end, 10) : -1;
	if (n->type != YN_SCALAR || !*n->scalar || *end || v < 0 || v > 1000)
		return error(&n->loc, "%s must be a whole number from 0 to 1000 (got %s)", what,
			     shown(n, tmp, sizeof(tmp)));
	*out = (int)v;
	return 0;
}

static int get_flag(const struct ynode *n, const char *what, bool *out)
{
	char tmp[80];
	if (n->type == YN_SCALAR && (!strcmp(n->scalar, "true") || !strcmp(n->scalar, "false"))) {
		*out = !strcmp(n->scalar, "true");
		return 0;
	}
	return error(&n->loc, "%s must be true or false (got %s)", what,
		     shown(n, tmp, sizeof(tmp)));
}

static int get_priority(const struct ynode *n, const char *what, enum ai_priority *out)
{
	char tmp[80];
	if (n->type == YN_SCALAR && ai_priority_parse(n->scalar, out))
		return 0;
	return error(&n->loc, "%s must be a priority (expected " AI_PRIORITY_EXPECTED "; got %s)",
		     what, shown(n, tmp, sizeof(tmp)));
}

/* One severity's rule: {action_items: 1, priority: must, owner: true, due: true} */
static int parse_rule(struct policy_require *r, const char *sev, const struct ynode *n)
{
	char what[96];
	snprintf(what, sizeof(what), "policy.require.%.60s", sev);
	int ret = want_map(n, what, "action_items, priority, owner, due");
	if (ret < 0)
		return ret;
	r->set = true;
	r->loc = n->loc;
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		const struct ynode *v = n->items[i];
		snprintf(what, sizeof(what), "policy.require.%.40s.%.20s", sev, k);
		if (!strcmp(k, "action_items"))
			ret |= get_count(v, what, &r->action_items);
		else if (!strcmp(k, "priority"))
			ret |= get_priority(v, what, &r->priority);
		else if (!strcmp(k, "owner"))
			ret |= get_flag(v, what, &r->owner);
		else if (!strcmp(k, "due"))
			ret |= get_flag(v, what, &r->due);
		else
			ret = error(
				&n->key_locs[i],
				"unknown key \"%s\" in policy.require.%s (expected action_items, priority, owner, due)",
				k, sev);
	}
	return ret;
}

static int parse_require(struct policy *p, const struct ynode *n, char *const *sev, size_t nsev)
{
	int ret = want_map(n, "policy.require", "severity to its rules");
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n->n; i++) {
		int s = severity_key(n->keys[i], &n->key_locs[i], "policy.require", sev, nsev,
				     false);
		if (s < 0)
			ret = -1;
		else
			ret |= parse_rule(&p->require[s], sev[s], n->items[i]);
	}
	return ret;
}

int policy_parse(struct policy *p, const struct ynode *n, char *const *sev, size_t nsev)
{
	policy_release(p);
	p->nseverities = nsev;
	p->write_up = xmalloc((nsev ? nsev : 1) * sizeof(int));
	for (size_t i = 0; i < nsev; i++)
		p->write_up[i] = POLICY_NONE;
	p->require = xcalloc(nsev ? nsev : 1, sizeof(*p->require));
	if (ynode_is_null(n))
		return 0;
	int ret = want_map(n, "policy", "due, due_soon, escalate_after, write_up_within, require");
	if (ret < 0)
		return ret;
	p->set = true;
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i];
		const struct ynode *v = n->items[i];
		if (!strcmp(k, "due"))
			ret |= parse_due(p, v);
		else if (!strcmp(k, "due_soon"))
			ret |= get_duration(v, "policy.due_soon", &p->due_soon);
		else if (!strcmp(k, "escalate_after"))
			ret |= get_duration(v, "policy.escalate_after", &p->escalate_after);
		else if (!strcmp(k, "write_up_within"))
			ret |= parse_write_up(p, v, sev, nsev);
		else if (!strcmp(k, "require"))
			ret |= parse_require(p, v, sev, nsev);
		else
			ret = error(
				&n->key_locs[i],
				"unknown key \"%s\" in policy (expected due, due_soon, escalate_after, write_up_within, require)",
				k);
	}
	return ret;
}

int policy_write_up_days(const struct policy *p, int sev)
{
	if (sev >= 0 && (size_t)sev < p->nseverities && p->write_up[sev] != POLICY_NONE)
		return p->write_up[sev];
	return p->write_up_default;
}

/* Items without a due date get the postmortem's date plus the policy's days for their priority. */
static void derive_due(const struct policy *p, struct postmortem *pm)
{
	for (size_t k = 0; k < pm->nactions; k++) {
		struct action_item *a = &pm->actions[k];
		int days =
			p->due[a->priority] != POLICY_NONE ? p->due[a->priority] : p->due[PRI_NONE];
		if (a->due.set || days == POLICY_NONE || !pm->date.set)
			continue;
		a->due = (struct when){.set = true, .epoch = (when_day(&pm->date) + days) * 86400};
		a->due_by_policy = true;
	}
}

/* The place a postmortem-wide rule is reported: its id's line, else line 1. */
static struct loc pm_loc(const struct postmortem *pm)
{
	if (pm->id_loc.line)
		return pm->id_loc;
	return (struct loc){pm->path, 1, 1};
}

static int check_require(const struct policy_require *r, const struct postmortem *pm,
			 const char *sev)
{
	struct loc at = pm_loc(pm);
	int ret = 0;
	if ((size_t)r->action_items > pm->nactions)
		ret = error(
			&at,
			"a %s postmortem needs at least %d action item%s (it has %zu; policy.require.%s in %s:%d)",
			sev, r->action_items, r->action_items == 1 ? "" : "s", pm->nactions, sev,
			r->loc.file, r->loc.line);
	if (r->priority != PRI_NONE) {
		bool found = false;
		for (size_t k = 0; k < pm->nactions; k++)
			found |= pm->actions[k].priority != PRI_NONE &&
				 pm->actions[k].priority <= r->priority;
		if (!found)
			ret = error(
				&at,
				"a %s postmortem needs an action item of priority %s%s (policy.require.%s in %s:%d)",
				sev, priority_name(r->priority),
				r->priority == PRI_MUST ? "" : " or higher", sev, r->loc.file,
				r->loc.line);
	}
	for (size_t k = 0; k < pm->nactions; k++) {
		const struct action_item *a = &pm->actions[k];
		struct loc il = a->loc.line ? a->loc : at;
		if (r->owner && !a->owner)
			ret = error(
				&il,
				"action item \"%.60s\" needs an owner (policy.require.%s in %s:%d)",
				a->title, sev, r->loc.file, r->loc.line);
		if (r->due && (!a->due.set || a->due_by_policy))
			ret = error(
				&il,
				"action item \"%.60s\" needs a due date (policy.require.%s in %s:%d)",
				a->title, sev, r->loc.file, r->loc.line);
	}
	return ret;
}

int policy_apply(const struct policy *p, struct postmortem *pm, const char *severity)
{
	if (!p->set)
		return 0;
	derive_due(p, pm);
	if (pm->severity < 0 || (size_t)pm->severity >= p->nseverities ||
	    !p->require[pm->severity].set || pm->status == STATUS_DRAFT)
		return 0;
	return check_require(&p->require[pm->severity], pm, severity);
}
