/*
 * calendar: iCalendar feeds (RFC 5545) of the open action items' due dates,
 * the reminders a calendar app gives whoever subscribes.  Internal builds
 * only (they name people):
 *
 *   actions/calendar/all.ics             every open or in-progress item with a due date
 *   actions/calendar/owner/<slug>.ics    the items of one owner
 *   actions/calendar/service/<slug>.ics  the items of one service's postmortems
 *
 * One all-day VEVENT per item on its due date, with a display alarm three
 * days before it, the item's postmortem page as URL and a UID made of the
 * postmortem's id and the item's place (stable from build to build).  The
 * bytes depend only on the sources and the as-of date (DTSTAMP).
 */
#ifndef AFTERMATH_CALENDAR_H
#define AFTERMATH_CALENDAR_H

#include "analyze/graph.h"
#include "base/output.h"
#include "load/corpus.h"
#include "model/renderopts.h"

/* Write every feed (nothing in a public build); 0, or -1 when a file could not be written. */
int calendar_write(const struct corpus *c, const struct graph *g, const struct render_opts *o,
		   struct output *out);

/* Append s as an RFC 5545 TEXT value: \ ; , escaped, line breaks as \n, controls but tab left out. */
void ical_text(struct buf *b, const char *s);
/* Append one content line folded at 75 octets (never inside a UTF-8 character), ending in CRLF. */
void ical_line(struct buf *b, const char *line, size_t len);

#endif
