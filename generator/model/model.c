/* model: names of enum values, dates and times, freeing (see model.h). */
#include "model/model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *status_name(enum pm_status s)
{
	static const char *const n[] = {"draft", "in-review", "complete"};
	return n[s];
}

const char *kind_name(enum pm_kind k)
{
	static const char *const n[] = {"incident", "near-miss", "drill"};
	return n[k];
}

const char *visibility_name(enum visibility v)
{
	return v == VIS_PUBLIC ? "public" : "internal";
}

const char *category_name(enum factor_category c)
{
	static const char *const n[] = {"", "technical", "process", "communication", "external"};
	return n[c];
}

const char *ai_status_name(enum ai_status s)
{
	static const char *const n[] = {"open", "in-progress", "done", "wont-do"};
	return n[s];
}

const char *priority_name(enum ai_priority p)
{
	static const char *const n[] = {"", "must", "should", "nice"};
	return n[p];
}

bool same_word(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = tolower((unsigned char)*a), y = tolower((unsigned char)*b);
		if (x == '_' || x == ' ')
			x = '-';
		if (y == '_' || y == ' ')
			y = '-';
		if (x != y)
			return false;
	}
	return !*a && !*b;
}

struct spelling {
	const char *name;
	int value;
};

static bool spelled(const struct spelling *v, size_t n, const char *s, int *out)
{
	for (size_t i = 0; i < n; i++)
		if (same_word(s, v[i].name)) {
			*out = v[i].value;
			return true;
		}
	return false;
}

bool ai_status_parse(const char *s, enum ai_status *out)
{
	static const struct spelling v[] = {
		{"open", AI_OPEN},	   {"todo", AI_OPEN},
		{"new", AI_OPEN},	   {"in-progress", AI_IN_PROGRESS},
		{"doing", AI_IN_PROGRESS}, {"started", AI_IN_PROGRESS},
		{"done", AI_DONE},	   {"closed", AI_DONE},
		{"fixed", AI_DONE},	   {"completed", AI_DONE},
		{"resolved", AI_DONE},	   {"wont-do", AI_WONT_DO},
		{"won't-do", AI_WONT_DO},  {"wontfix", AI_WONT_DO},
		{"cancelled", AI_WONT_DO},
	};
	int e;
	if (!spelled(v, ARRAY_SIZE(v), s, &e))
		return false;
	*out = (enum ai_status)e;
	return true;
}

bool ai_priority_parse(const char *s, enum ai_priority *out)
{
	static const struct spelling v[] = {
		{"must", PRI_MUST}, {"should", PRI_SHOULD}, {"nice", PRI_NICE},
		{"p0", PRI_MUST},   {"p1", PRI_SHOULD},	    {"p2", PRI_NICE},
	};
	int e;
	if (!spelled(v, ARRAY_SIZE(v), s, &e))
		return false;
	*out = (enum ai_priority)e;
	return true;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* Read exactly n digits at *s. */
static int digits(const char **s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

int when_parse(struct when *w, const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	memset(w, 0, sizeof(*w));
	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
	    digits(&s, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	bool has_time = false;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		has_time = true;
		if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 2, &sec))
				return -1;
			if (*s == '.' || *s == ',') {
				s++;
				if (!isdigit((unsigned char)*s))
					return -1;
				while (isdigit((unsigned char)*s))
					s++;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (*s == 'Z' || *s == 'z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			int sign = *s++ == '-' ? -1 : 1, oh, om;
			if (digits(&s, 2, &oh))
				return -1;
			if (*s == ':')
				s++;
			if (digits(&s, 2, &om) || oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 60 + om);
		} else {
			return -1; /* a time needs a zone: Z or +HH:MM */
		}
	}
	if (*s)
		return -1;
	w->set = true;
	w->has_time = has_time;
	w->offset_min = off;
	w->epoch = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - (int64_t)off * 60;
	return 0;
}

int64_t when_day(const struct when *w)
{
	int64_t local = w->epoch + (int64_t)w->offset_min * 60;
	return local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
}

/* "%04u-%02u-%02u" by hand: this runs for every date of every page */
static void format_day(int64_t day, char out[11])
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	unsigned v[3] = {(unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u};
	out[0] = (char)('0' + v[0] / 1000), out[1] = (char)('0' + v[0] / 100 % 10);
	out[2] = (char)('0' + v[0] / 10 % 10), out[3] = (char)('0' + v[0] % 10), out[4] = '-';
	out[5] = (char)('0' + v[1] / 10), out[6] = (char)('0' + v[1] % 10), out[7] = '-';
	out[8] = (char)('0' + v[2] / 10), out[9] = (char)('0' + v[2] % 10), out[10] = '\0';
}

void when_date(const struct when *w, char out[11])
{
	format_day(when_day(w), out);
}

void when_iso(const struct when *w, char out[21])
{
	if (!w->has_time) {
		when_date(w, out);
		return;
	}
	/* the instant in UTC (when_day is the day as written, in its own offset) */
	int64_t days = w->epoch >= 0 ? w->epoch / 86400 : -((-w->epoch + 86399) / 86400);
	unsigned rest = (unsigned)(w->epoch - days * 86400);
	unsigned v[3] = {rest / 3600 % 100u, rest / 60 % 60, rest % 60};
	format_day(days, out);
	out[10] = 'T';
	for (int k = 0; k < 3; k++) {
		out[11 + 3 * k] = (char)('0' + v[k] / 10);
		out[12 + 3 * k] = (char)('0' + v[k] % 10);
		out[13 + 3 * k] = k < 2 ? ':' : 'Z';
	}
	out[20] = '\0';
}

static void terms_free(struct term *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].name);
		free(t[i].slug);
	}
	free(t);
}

void toc_free(struct toc_entry *toc, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(toc[i].id);
		free(toc[i].text);
	}
	free(toc);
}

static void wikilinks_free(struct wikilink *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(w[i].id);
	free(w);
}

void pm_release(struct postmortem *pm)
{
	free(pm->path);
	free(pm->rel);
	free(pm->id);
	free(pm->slug);
	free(pm->title);
	free(pm->summary);
	free(pm->source);
	ynode_free(pm->computed);
	free(pm->owner);
	free(pm->owner_slug);
	terms_free(pm->authors, pm->nauthors);
	terms_free(pm->services, pm->nservices);
	terms_free(pm->tags, pm->ntags);
	terms_free(pm->related, pm->nrelated);
	for (size_t t = 0; pm->taxa && pm->taxa[t].v; t++)
		terms_free(pm->taxa[t].v, pm->taxa[t].n);
	free(pm->taxa);
	for (size_t i = 0; i < pm->nfactors; i++) {
		free(pm->factors[i].name);
		free(pm->factors[i].slug);
	}
	free(pm->factors);
	free(pm->impact.description);
	for (size_t i = 0; i < pm->nactions; i++) {
		struct action_item *a = &pm->actions[i];
		free(a->title);
		free(a->owner);
		free(a->owner_slug);
		free(a->ticket);
		free(a->success_criteria);
	}
	free(pm->actions);
	ynode_free(pm->front);
	free(pm->yaml);
	free(pm->public_id);
	free(pm->body);
	free(pm->html);
	toc_free(pm->toc, pm->ntoc);
	free(pm->text);
	for (size_t i = 0; i < pm->nstripped; i++)
		free(pm->stripped[i]);
	free(pm->stripped);
	wikilinks_free(pm->wikilinks, pm->nwikilinks);
	memset(pm, 0, sizeof(*pm));
}

void page_release(struct page *pg)
{
	free(pg->path);
	free(pg->rel);
	free(pg->slug);
	free(pg->title);
	free(pg->html);
	toc_free(pg->toc, pg->ntoc);
	ynode_free(pg->front);
	wikilinks_free(pg->wikilinks, pg->nwikilinks);
	memset(pg, 0, sizeof(*pg));
}
