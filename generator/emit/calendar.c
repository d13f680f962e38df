/* calendar: iCalendar feeds of the action items' due dates (see calendar.h). */
#include "emit/calendar.h"

#include <stdlib.h>
#include <string.h>

#define ALARM_TRIGGER "-P3D" /* the reminder: three days before the due date */
#define MAX_LINE      75     /* octets of a content line before it is folded (RFC 5545 3.1) */

void ical_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\\' || ch == ';' || ch == ',') {
			buf_addch(b, '\\');
			buf_addch(b, (char)ch);
		} else if (ch == '\r' || ch == '\n') {
			buf_adds(b, "\\n");
			if (ch == '\r' && s[1] == '\n')
				s++;
		} else if ((ch >= 0x20 && ch != 0x7f) || ch == '\t') {
			buf_addch(b, (char)ch);
		}
	}
}

/* Bytes of the UTF-8 character that starts with byte c (1 for a stray continuation byte). */
static size_t char_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

void ical_line(struct buf *b, const char *line, size_t len)
{
	size_t used = 0; /* octets on the current physical line */
	for (size_t i = 0; i < len;) {
		size_t n = char_len((unsigned char)line[i]);
		if (i + n > len)
			n = len - i;
		if (used + n > MAX_LINE) {
			buf_adds(b, "\r\n ");
			used = 1;
		}
		buf_add(b, line + i, n);
		used += n;
		i += n;
	}
	buf_adds(b, "\r\n");
}

/* A property NAME:VALUE (VALUE already escaped as it must be), folded. */
static void prop(struct buf *b, struct buf *tmp, const char *name, const char *value)
{
	buf_reset(tmp);
	buf_adds(tmp, name);
	buf_addch(tmp, ':');
	buf_adds(tmp, value);
	ical_line(b, tmp->ptr, tmp->len);
}

/* A property whose value is TEXT from the content. */
static void prop_text(struct buf *b, struct buf *tmp, const char *name, const char *text)
{
	struct buf v = BUF_INIT;
	ical_text(&v, text);
	prop(b, tmp, name, buf_cstr(&v));
	buf_release(&v);
}

static void compact_day(char out[9], int64_t day)
{
	struct when w = {.set = true, .epoch = day * 86400};
	char iso[11];
	when_date(&w, iso);
	memcpy(out, iso, 4);
	memcpy(out + 4, iso + 5, 2);
	memcpy(out + 6, iso + 8, 2);
	out[8] = '\0';
}

struct feed {
	const struct corpus *c;
	const struct graph *g;
	const char *base_url;
	char stamp[17]; /* DTSTAMP: the as-of date at midnight UTC */
	struct buf tmp;
	/*
	 * Each listed item's VEVENT is written once, into all.ics; the owner and
	 * service calendars copy it from there: item j (item_base[pm] + k) is
	 * all.ptr[ev_start[j]..ev_end[j]).
	 */
	const struct buf *all;
	size_t *item_base, *ev_start, *ev_end;
};

static void begin_calendar(struct buf *b, struct feed *f, const char *name)
{
	buf_adds(
		b,
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//aftermath//follow-through//EN\r\nCALSCALE:GREGORIAN\r\n"
		"METHOD:PUBLISH\r\n");
	struct buf title = BUF_INIT;
	buf_addf(&title, "%s: %s", f->c->site.title, name);
	prop_text(b, &f->tmp, "X-WR-CALNAME", buf_cstr(&title));
	buf_release(&title);
}

static void add_event(struct buf *b, struct feed *f, size_t pm_index, size_t k)
{
	const struct postmortem *pm = &f->c->pms[pm_index];
	const struct action_item *a = &pm->actions[k];
	char start[9], end[9];
	compact_day(start, when_day(&a->due));
	compact_day(end, when_day(&a->due) + 1);
	struct buf v = BUF_INIT;
	buf_adds(b, "BEGIN:VEVENT\r\n");
	buf_addf(&v, "%s-item-%zu@aftermath", pm->slug, k + 1);
	prop(b, &f->tmp, "UID", buf_cstr(&v));
	prop(b, &f->tmp, "DTSTAMP", f->stamp);
	buf_addf(b, "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", start, end);
	prop_text(b, &f->tmp, "SUMMARY", a->title);
	buf_reset(&v);
	buf_addf(&v, "Action item of %s: %s\nStatus: %s", pm->id, pm->title,
		 ai_status_name(a->status));
	if (a->owner)
		buf_addf(&v, "\nOwner: %s", a->owner);
	if (a->priority != PRI_NONE)
		buf_addf(&v, "\nPriority: %s", priority_name(a->priority));
	if (a->due_by_policy)
		buf_adds(&v, "\nDue by policy (site.yaml)");
	prop_text(b, &f->tmp, "DESCRIPTION", buf_cstr(&v));
	buf_reset(&v);
	buf_addf(&v, "%spostmortems/%s/", f->base_url, pm->slug);
	prop(b, &f->tmp, "URL", buf_cstr(&v));
	buf_adds(b, "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:" ALARM_TRIGGER "\r\n");
	buf_reset(&v);
	buf_addf(&v, "Due in 3 days: %s", a->title);
	prop_text(b, &f->tmp, "DESCRIPTION", buf_cstr(&v));
	buf_adds(b, "END:VALARM\r\nEND:VEVENT\r\n");
	buf_release(&v);
}

static int finish(struct buf *b, struct output *out, const char *path)
{
	buf_adds(b, "END:VCALENDAR\r\n");
	return output_write_buf(out, path, b);
}

static bool listed(const struct action_item *a)
{
	return (a->status == AI_OPEN || a->status == AI_IN_PROGRESS) && a->due.set;
}

/*
 * One calendar per node of kind k, made and written one at a time (a 10k
 * corpus's owner and service calendars are 17 MB together): the node's
 * postmortems in corpus order, and for an owner only the items they own.
 */
static int write_nodes(struct feed *f, enum term_kind k, const char *what, const char *dir,
		       struct output *out)
{
	int ret = 0;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < f->g->nnodes[k]; i++) {
		const struct node *nd = &f->g->nodes[k][i];
		if (!*nd->slug)
			continue;
		buf_reset(&b);
		char *name = xstrfmt("action items of %s %s", what, nd->name);
		begin_calendar(&b, f, name);
		free(name);
		for (size_t p = 0; p < nd->npms; p++) {
			const struct postmortem *pm = &f->c->pms[nd->pms[p]];
			const size_t *owner = f->g->pm[nd->pms[p]].ai_owner;
			for (size_t a = 0; a < pm->nactions; a++)
				if (listed(&pm->actions[a]) &&
				    (k != TERM_OWNER || (owner && owner[a] == i))) {
					size_t j = f->item_base[nd->pms[p]] + a;
					buf_add(&b, f->all->ptr + f->ev_start[j],
						f->ev_end[j] - f->ev_start[j]);
				}
		}
		char *path = xstrfmt("actions/calendar/%s/%s.ics", dir, nd->slug);
		ret |= finish(&b, out, path);
		free(path);
	}
	buf_release(&b);
	return ret;
}

int calendar_write(const struct corpus *c, const struct graph *g, const struct render_opts *o,
		   struct output *out)
{
	/* calendars per owner name people: internal builds only (publish/profile.h) */
	if (!c->allow.owners)
		return 0;
	struct feed f = {.c = c, .g = g, .base_url = o->base_url, .tmp = BUF_INIT};
	memcpy(f.stamp, o->as_of, 4);
	memcpy(f.stamp + 4, o->as_of + 5, 2);
	memcpy(f.stamp + 6, o->as_of + 8, 2);
	memcpy(f.stamp + 8, "T000000Z", 9);
	struct buf all = BUF_INIT;
	size_t nitems = 0;
	f.item_base = xmalloc((c->npms ? c->npms : 1) * sizeof(size_t));
	for (size_t i = 0; i < c->npms; i++) {
		f.item_base[i] = nitems;
		nitems += c->pms[i].nactions;
	}
	f.ev_start = xcalloc(nitems ? nitems : 1, sizeof(size_t));
	f.ev_end = xcalloc(nitems ? nitems : 1, sizeof(size_t));
	f.all = &all;
	begin_calendar(&all, &f, "action items");
	for (size_t i = 0; i < c->npms; i++)
		for (size_t k = 0; k < c->pms[i].nactions; k++)
			if (listed(&c->pms[i].actions[k])) {
				f.ev_start[f.item_base[i] + k] = all.len;
				add_event(&all, &f, i, k);
				f.ev_end[f.item_base[i] + k] = all.len;
			}
	buf_adds(&all, "END:VCALENDAR\r\n");
	int ret = output_write(out, "actions/calendar/all.ics", all.ptr, all.len);
	ret |= write_nodes(&f, TERM_OWNER, "owner", "owner", out);
	ret |= write_nodes(&f, TERM_SERVICE, "service", "service", out);
	buf_release(&all);
	free(f.item_base);
	free(f.ev_start);
	free(f.ev_end);
	buf_release(&f.tmp);
	return ret;
}
