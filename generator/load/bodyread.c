/* bodyread: what a postmortem's Markdown body says about its fields (see bodyread.h). */
#include "load/bodyread.h"

#include "model/model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum section { SEC_NONE, SEC_ACTIONS, SEC_TIMELINE, SEC_FACTORS };

/* One line of the body: [s, e) without its newline (nor a CR before it). */
struct line {
	const char *s, *e;
	int no; /* line number in the file */
};

/* A Markdown table being read: its columns' meaning once the header is known. */
enum col {
	COL_NONE,
	COL_TITLE,
	COL_OWNER,
	COL_DUE,
	COL_STATUS,
	COL_PRIORITY,
	COL_TICKET,
	COL_CRITERIA
};
#define MAX_COLS 32

struct scan {
	struct body_info *bi;
	struct arena *a;
	const char *file;
	bool only_actions;
	enum section sec;
	int sec_level;	  /* 1-6 for a heading, 7 for a bold label line */
	bool sec_heading; /* the section is a heading (markdown.c reads its task lists) */
	bool seen_h2;
	bool in_table;	     /* the last line was a table row of this section */
	bool header_pending; /* the last line could be a table's header */
	struct line header;  /* that line */
	enum col cols[MAX_COLS];
	size_t ncols;
	bool has_title_col;
	size_t actions_alloc;
	bool task_seen;
	bool actions_heading; /* the "Action items" section is a heading */
	bool actions_capped, labels_capped, factors_capped;
	size_t factors_alloc;
	bool began;	  /* a timeline row said the outage began: it is impact.started */
	char tl_date[11]; /* the last date seen in the timeline, for rows with a time only */
};

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *s, const char *e)
{
	while (s < e && blank(*s))
		s++;
	return s;
}

static const char *trim_end(const char *s, const char *e)
{
	while (e > s && (blank(e[-1]) || e[-1] == '\r'))
		e--;
	return e;
}

static struct loc loc_of(const struct scan *sc, const struct line *l, const char *p)
{
	return (struct loc){sc->file, l->no, diag_column(l->s, (size_t)(p - l->s))};
}

static struct ynode *scalar(struct scan *sc, const char *s, size_t n, struct loc loc)
{
	struct ynode *v = ynode_new(sc->a, YN_SCALAR, loc);
	v->scalar = arena_strndup(sc->a, s, n);
	v->plain = false;
	return v;
}

/* ---- dates and durations ------------------------------------------------- */

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int month_name(const char *s, size_t *len)
{
	static const char *const names[] = {"january",	 "february", "march",	 "april",
					    "may",	 "june",     "july",	 "august",
					    "september", "october",  "november", "december"};
	size_t n = 0;
	while (isalpha((unsigned char)s[n]))
		n++;
	if (n < 3)
		return 0;
	for (int m = 0; m < 12; m++)
		if (n <= strlen(names[m]) && !strncasecmp(s, names[m], n) &&
		    (n == 3 || n == strlen(names[m]) || (m == 8 && n == 4)))
			return *len = n, m + 1;
	return 0;
}

/* "YYYY-MM-DD" or "YYYY/MM/DD": bytes read, 0 if not. */
static size_t iso_day(const char *s, int *y, int *m, int *d)
{
	if (digits(s, 4, y) < 0 || (s[4] != '-' && s[4] != '/') || digits(s + 5, 2, m) < 0 ||
	    s[7] != s[4] || digits(s + 8, 2, d) < 0 ||
	    (isalnum((unsigned char)s[10]) && s[10] != 'T'))
		return 0;
	return 10;
}

/* "June 22, 2021", "Jun 22 2021", "22 June 2021": bytes read, 0 if not. */
static size_t named_day(const char *s, int *y, int *m, int *d)
{
	size_t n, i = 0;
	if ((*m = month_name(s, &n))) {
		i = n;
		while (s[i] == ' ' || s[i] == '.')
			i++;
		int k = 0;
		while (isdigit((unsigned char)s[i + (size_t)k]) && k < 2)
			k++;
		if (!k || digits(s + i, k, d) < 0)
			return 0;
		i += (size_t)k;
		if (!strncasecmp(s + i, "st", 2) || !strncasecmp(s + i, "nd", 2) ||
		    !strncasecmp(s + i, "rd", 2) || !strncasecmp(s + i, "th", 2))
			i += 2;
		if (s[i] == ',')
			i++;
		while (s[i] == ' ')
			i++;
	} else {
		int k = 0;
		while (isdigit((unsigned char)s[k]) && k < 2)
			k++;
		if (!k || digits(s, k, d) < 0 || s[k] != ' ')
			return 0;
		i = (size_t)k + 1;
		if (!(*m = month_name(s + i, &n)))
			return 0;
		i += n;
		if (s[i] == ',')
			i++;
		while (s[i] == ' ')
			i++;
	}
	if (digits(s + i, 4, y) < 0 || isdigit((unsigned char)s[i + 4]))
		return 0;
	return i + 4;
}

/* "08:21" or "08:21:05": bytes read, 0 if not. */
static size_t clock_time(const char *s, int *h, int *mi, int *sec)
{
	if (!isdigit((unsigned char)s[0]))
		return 0;
	size_t k = isdigit((unsigned char)s[1]) ? 2 : 1;
	if (digits(s, (int)k, h) < 0 || s[k] != ':' || digits(s + k + 1, 2, mi) < 0 || *h > 23 ||
	    *mi > 59)
		return 0;
	k += 3;
	*sec = 0;
	if (s[k] == ':' && digits(s + k + 1, 2, sec) == 0 && *sec <= 60)
		k += 3;
	if (isdigit((unsigned char)s[k]))
		return 0;
	return k;
}

/* A zone after a time: "Z", " UTC", "+02:00": bytes read; *off in minutes. */
static size_t zone(const char *s, int *off)
{
	int hh, mm;
	*off = 0;
	if (*s == 'Z')
		return 1;
	if (!strncmp(s, " UTC", 4) || !strncmp(s, " GMT", 4))
		return 4;
	if (!strncmp(s, "UTC", 3))
		return 3;
	if ((*s == '+' || *s == '-') && digits(s + 1, 2, &hh) == 0 && s[3] == ':' &&
	    digits(s + 4, 2, &mm) == 0) {
		*off = (*s == '-' ? -1 : 1) * (hh * 60 + mm);
		return 6;
	}
	return 0;
}

static void put_iso(char out[40], int y, int m, int d, bool has_time, int h, int mi, int sec,
		    int off)
{
	if (!has_time) {
		snprintf(out, 40, "%04d-%02d-%02d", y, m, d);
		return;
	}
	if (!off) {
		snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, h, mi, sec);
		return;
	}
	int a = off < 0 ? -off : off;
	snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d, h, mi, sec,
		 off < 0 ? '-' : '+', a / 60, a % 60);
}

size_t loose_date(const char *s, char out[40])
{
	int y, m, d, h = 0, mi = 0, sec = 0, off = 0;
	size_t n = iso_day(s, &y, &m, &d);
	if (!n)
		n = named_day(s, &y, &m, &d);
	if (!n || m < 1 || m > 12 || d < 1 || d > 31 || y < 1000)
		return 0;
	bool has_time = false;
	if (s[n] == 'T' || s[n] == ' ' || (s[n] == ',' && s[n + 1] == ' ')) {
		size_t k = n + (s[n] == ',' ? 2 : 1), t = clock_time(s + k, &h, &mi, &sec);
		if (t) {
			has_time = true;
			n = k + t;
			n += zone(s + n, &off);
		}
	}
	put_iso(out, y, m, d, has_time, h, mi, sec, off);
	struct when w;
	return when_parse(&w, out) == 0 ? n : 0;
}

long long loose_duration(const char *s)
{
	static const struct {
		const char *unit;
		long long sec;
	} units[] = {{"seconds", 1},  {"second", 1},  {"secs", 1},   {"sec", 1},   {"s", 1},
		     {"minutes", 60}, {"minute", 60}, {"mins", 60},  {"min", 60},  {"m", 60},
		     {"hours", 3600}, {"hour", 3600}, {"hrs", 3600}, {"hr", 3600}, {"h", 3600},
		     {"days", 86400}, {"day", 86400}, {"d", 86400}};
	int h, mi, sec;
	while (*s == ' ' || *s == '~')
		s++;
	size_t t = clock_time(s, &h, &mi, &sec);
	if (t && !s[t])
		return h * 3600LL + mi * 60LL + sec;
	long long total = 0;
	bool any = false;
	while (*s) {
		while (*s == ' ' || *s == ',' || !strncmp(s, "and ", 4))
			s += *s == 'a' ? 4 : 1;
		if (!*s || *s == '(')
			break;
		char *end;
		double v = strtod(s, &end);
		if (end == s || v < 0 || v > 1e7)
			return any ? total : -1;
		s = end;
		while (*s == ' ')
			s++;
		size_t u;
		for (u = 0; u < ARRAY_SIZE(units); u++) {
			size_t n = strlen(units[u].unit);
			if (!strncasecmp(s, units[u].unit, n) && !isalpha((unsigned char)s[n]))
				break;
		}
		if (u == ARRAY_SIZE(units))
			return -1;
		total += (long long)(v * (double)units[u].sec);
		s += strlen(units[u].unit);
		any = true;
	}
	return any ? total : -1;
}

/* ---- labels -------------------------------------------------------------- */

static bool label_char(unsigned char c)
{
	return isalnum(c) || c == ' ' || c == '-' || c == '_' || c == '/' || c == '.' || c == '(' ||
	       c == ')' || c == '\'' || c == '&' || c >= 0x80;
}

/* Remove emphasis and code marks around [*s, *e). */
static void unwrap(const char **s, const char **e)
{
	for (bool again = true; again;) {
		again = false;
		*s = skip_blanks(*s, *e);
		*e = trim_end(*s, *e);
		size_t n = (size_t)(*e - *s);
		if (n >= 4 && ((!strncmp(*s, "**", 2) && !strncmp(*e - 2, "**", 2)) ||
			       (!strncmp(*s, "__", 2) && !strncmp(*e - 2, "__", 2))))
			*s += 2, *e -= 2, again = true;
		else if (n >= 2 && **s == (*e)[-1] && (**s == '*' || **s == '_' || **s == '`'))
			(*s)++, (*e)--, again = true;
	}
}

/*
 * "Label: value", "**Label:** value", "**Label**: value" in [s, e) (a list
 * marker already skipped).  Sets the label's and the value's extent.
 */
static bool split_label(const char *s, const char *e, const char **ls, const char **le,
			const char **vs)
{
	const char *colon;
	if (e - s >= 4 && !strncmp(s, "**", 2)) {
		const char *close = NULL;
		for (const char *p = s + 2; p + 1 < e; p++)
			if (p[0] == '*' && p[1] == '*') {
				close = p;
				break;
			}
		if (!close)
			return false;
		*ls = s + 2;
		if (close > *ls && close[-1] == ':') {
			*le = close - 1;
			*vs = close + 2;
		} else if (close + 2 < e && close[2] == ':') {
			*le = close;
			*vs = close + 3;
		} else {
			return false;
		}
	} else {
		colon = memchr(s, ':', (size_t)(e - s));
		if (!colon)
			return false;
		*ls = s;
		*le = colon;
		*vs = colon + 1;
	}
	*le = trim_end(*ls, *le);
	size_t n = (size_t)(*le - *ls);
	if (!n || n > 48 || !(isalpha((unsigned char)**ls) || (unsigned char)**ls >= 0x80))
		return false;
	for (const char *p = *ls; p < *le; p++)
		if (!label_char((unsigned char)*p))
			return false;
	return !(*vs + 1 < e && (*vs)[0] == '/' && (*vs)[1] == '/'); /* https://... */
}

static void add_label(struct scan *sc, const struct line *l, const char *ls, const char *le,
		      const char *vs)
{
	struct body_info *bi = sc->bi;
	const char *ve = l->e;
	unwrap(&vs, &ve);
	if (vs >= ve)
		return;
	char *key = xstrndup(ls, (size_t)(le - ls));
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strmap_get(&bi->labels, key) != SIZE_MAX) {
		free(key);
		return;
	}
	if (bi->nlabels == BODY_MAX_LABELS) {
		if (!sc->labels_capped) {
			struct loc loc = loc_of(sc, l, ls);
			warning(&loc,
				"more than %d metadata lines in one file: the rest are not read",
				BODY_MAX_LABELS);
		}
		sc->labels_capped = true;
		free(key);
		return;
	}
	strmap_put(&bi->labels, key, bi->nlabels);
	free(key);
	ALLOC_GROW(bi->label_vals, bi->nlabels + 1, bi->labels_alloc);
	bi->label_vals[bi->nlabels++] = scalar(sc, vs, (size_t)(ve - vs), loc_of(sc, l, vs));
}

struct ynode *bodyread_label(const struct body_info *bi, const char *name)
{
	char key[64];
	size_t n = strlen(name);
	if (!bi->nlabels || n >= sizeof(key))
		return NULL;
	for (size_t i = 0; i <= n; i++)
		key[i] = (char)tolower((unsigned char)name[i]);
	size_t i = strmap_get(&bi->labels, key);
	return i == SIZE_MAX ? NULL : bi->label_vals[i];
}

/* A list item's marker ("- ", "* ", "+ ", "1. "): the text after it, or NULL. */
static const char *list_item(const char *s, const char *e, int *indent)
{
	const char *p = skip_blanks(s, e);
	*indent = (int)(p - s);
	if (p + 1 < e && (*p == '-' || *p == '*' || *p == '+') && blank(p[1]))
		return skip_blanks(p + 2, e);
	const char *q = p;
	while (q < e && isdigit((unsigned char)*q) && q - p < 9)
		q++;
	if (q > p && q + 1 < e && (*q == '.' || *q == ')') && blank(q[1]))
		return skip_blanks(q + 2, e);
	return NULL;
}

/* ---- sections ------------------------------------------------------------ */

/* The lower-case name of a section, without a trailing ':' and blanks. */
static void section_name(const char *s, const char *e, char *out, size_t size)
{
	size_t n = 0;
	unwrap(&s, &e);
	while (e > s && (e[-1] == ':' || e[-1] == '#' || blank(e[-1])))
		e--;
	unwrap(&s, &e);
	for (; s < e && n + 1 < size; s++)
		out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

static enum section section_kind(const char *name)
{
	static const char *const actions[] = {"action items", "action item", "corrective actions",
					      "follow-up actions", "follow-up items"};
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (same_word(name, actions[i]))
			return SEC_ACTIONS;
	if (!strncmp(name, "timeline", 8))
		return SEC_TIMELINE;
	static const char *const factors[] = {"contributing factors",
					      "contributing factor",
					      "root causes",
					      "root cause",
					      "causes",
					      "contributing causes"};
	for (size_t i = 0; i < ARRAY_SIZE(factors); i++)
		if (same_word(name, factors[i]))
			return SEC_FACTORS;
	return SEC_NONE;
}

static void enter_section(struct scan *sc, const struct line *l, const char *name_s,
			  const char *name_e, int level, bool heading)
{
	char name[64];
	section_name(name_s, name_e, name, sizeof(name));
	enum section k = section_kind(name);
	sc->in_table = sc->header_pending = false;
	if (k == SEC_NONE && sc->sec != SEC_NONE && level > sc->sec_level)
		return; /* a sub-heading inside the section */
	sc->sec = k;
	sc->sec_level = level;
	sc->sec_heading = heading;
	if (k == SEC_ACTIONS && !sc->bi->action_loc.line) {
		sc->bi->action_loc = loc_of(sc, l, skip_blanks(l->s, l->e));
		sc->actions_heading = heading;
	} else if (k == SEC_ACTIONS) {
		sc->sec = SEC_NONE; /* only the first section is read, as markdown.c does */
	} else if (k == SEC_FACTORS && !sc->bi->factor_loc.line) {
		sc->bi->factor_loc = loc_of(sc, l, skip_blanks(l->s, l->e));
	} else if (k == SEC_FACTORS) {
		sc->sec = SEC_NONE; /* the first such section */
	}
}

/* An ATX heading: its level (1-6) and text, or 0. */
static int heading(const struct line *l, const char **ts, const char **te)
{
	const char *p = l->s;
	int spaces = 0, level = 0;
	while (p < l->e && *p == ' ' && spaces < 4)
		p++, spaces++;
	if (spaces > 3)
		return 0;
	while (p < l->e && *p == '#')
		p++, level++;
	if (level < 1 || level > 6 || (p < l->e && !blank(*p)))
		return 0;
	*ts = skip_blanks(p, l->e);
	*te = trim_end(*ts, l->e);
	return level;
}

/* A line that is only a bold label ("**Action Items:**", "**Timeline**"): its text. */
static bool bold_section(const struct line *l, const char **ts, const char **te)
{
	const char *s = skip_blanks(l->s, l->e), *e = trim_end(s, l->e);
	if (e > s && e[-1] == ':')
		e--;
	if (e - s < 5 || strncmp(s, "**", 2) || strncmp(e - 2, "**", 2))
		return false;
	for (const char *p = s + 2; p < e - 2; p++)
		if (*p == '*')
			return false;
	*ts = s + 2;
	*te = e - 2;
	return true;
}

/* ---- tables -------------------------------------------------------------- */

struct cell {
	const char *s, *e;
};

/* The cells of a table row (at most MAX_COLS); 0 when the line is not a row. */
static size_t split_row(const struct line *l, struct cell *cells)
{
	const char *p = skip_blanks(l->s, l->e), *e = trim_end(p, l->e);
	if (p == e || !memchr(p, '|', (size_t)(e - p)))
		return 0;
	if (*p == '|')
		p++;
	if (e > p && e[-1] == '|' && !(e - 1 > p && e[-2] == '\\'))
		e--;
	size_t n = 0;
	const char *start = p;
	for (const char *q = p; q <= e && n < MAX_COLS; q++) {
		if (q < e && (*q != '|' || (q > p && q[-1] == '\\')))
			continue;
		cells[n].s = start;
		cells[n].e = q;
		unwrap(&cells[n].s, &cells[n].e);
		n++;
		start = q + 1;
	}
	return n;
}

static bool delimiter_row(const struct line *l)
{
	struct cell c[MAX_COLS];
	size_t n = split_row(l, c);
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *p = c[i].s;
		if (p < c[i].e && *p == ':')
			p++;
		if (p == c[i].e || *p != '-')
			return false;
		while (p < c[i].e && *p == '-')
			p++;
		if (p < c[i].e && *p == ':')
			p++;
		if (p != c[i].e)
			return false;
	}
	return true;
}

static bool cell_is(const struct cell *c, const char *const *names, size_t n)
{
	char name[64];
	section_name(c->s, c->e, name, sizeof(name));
	for (size_t i = 0; i < n; i++)
		if (same_word(name, names[i]))
			return true;
	return false;
}

static enum col column(const struct cell *c)
{
	static const char *const title[] = {"action", "action item", "action items", "item",
					    "task",   "title",	     "description",  "what"};
	static const char *const owner[] = {"owner",	   "owners", "assignee",
					    "assigned to", "who",    "responsible"};
	static const char *const due[] = {"deadline", "due",	     "due date",
					  "date",     "target date", "eta"};
	static const char *const status[] = {"status", "state"};
	static const char *const prio[] = {"priority", "prio"};
	static const char *const ticket[] = {"ticket", "bug", "issue", "link", "tracking", "jira"};
	static const char *const crit[] = {"success criteria", "done when"};
	if (cell_is(c, title, ARRAY_SIZE(title)))
		return COL_TITLE;
	if (cell_is(c, owner, ARRAY_SIZE(owner)))
		return COL_OWNER;
	if (cell_is(c, due, ARRAY_SIZE(due)))
		return COL_DUE;
	if (cell_is(c, status, ARRAY_SIZE(status)))
		return COL_STATUS;
	if (cell_is(c, prio, ARRAY_SIZE(prio)))
		return COL_PRIORITY;
	if (cell_is(c, ticket, ARRAY_SIZE(ticket)))
		return COL_TICKET;
	if (cell_is(c, crit, ARRAY_SIZE(crit)))
		return COL_CRITERIA;
	return COL_NONE; /* "type" and the rest: kept in the page's table, not read */
}

static void read_header(struct scan *sc)
{
	struct cell c[MAX_COLS];
	sc->ncols = split_row(&sc->header, c);
	sc->has_title_col = false;
	for (size_t i = 0; i < sc->ncols; i++) {
		sc->cols[i] = column(&c[i]);
		sc->has_title_col |= sc->cols[i] == COL_TITLE;
	}
	if (!sc->has_title_col && sc->ncols)
		sc->cols[0] = COL_TITLE; /* no header says what: the first column is */
}

/* A cell that says "nothing here". */
static bool placeholder(const char *s, const char *e)
{
	static const char *const v[] = {"-",	"--", "\xe2\x80\x94", "\xe2\x80\x93",
					"n/a",	"na", "tbd",	      "tba",
					"none", "?",  "unassigned",   "nobody"};
	size_t n = (size_t)(e - s);
	if (!n)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		if (n == strlen(v[i]) && !strncasecmp(s, v[i], n))
			return true;
	return false;
}

/* [text](url) -> text. */
static void link_text(const char **s, const char **e)
{
	const char *mid;
	if (*e - *s > 4 && **s == '[' && (*e)[-1] == ')' &&
	    (mid = memchr(*s, ']', (size_t)(*e - *s))) && mid[1] == '(')
		*e = mid, (*s)++;
}

/* ---- action items -------------------------------------------------------- */

static struct ynode *new_action(struct scan *sc, struct loc loc)
{
	struct body_info *bi = sc->bi;
	if (!bi->actions) {
		bi->actions = ynode_new(sc->a, YN_SEQ, bi->action_loc);
		sc->actions_alloc = 0;
	}
	if (bi->actions->n == BODY_MAX_ACTIONS) {
		if (!sc->actions_capped)
			warning(&loc,
				"more than %d action items in one section: the rest are not read",
				BODY_MAX_ACTIONS);
		sc->actions_capped = true;
		return NULL;
	}
	if (bi->actions->n == sc->actions_alloc) {
		size_t alloc = sc->actions_alloc ? 2 * sc->actions_alloc : 8;
		struct ynode **items = arena_alloc(sc->a, alloc * sizeof(*items));
		if (bi->actions->n)
			memcpy(items, bi->actions->items, bi->actions->n * sizeof(*items));
		bi->actions->items = items;
		sc->actions_alloc = alloc;
	}
	struct ynode *m = ynode_new(sc->a, YN_MAP, loc);
	m->keys = arena_alloc(sc->a, 8 * sizeof(char *));
	m->key_locs = arena_alloc(sc->a, 8 * sizeof(struct loc));
	m->items = arena_alloc(sc->a, 8 * sizeof(struct ynode *));
	bi->actions->items[bi->actions->n++] = m;
	return m;
}

static void action_set(struct scan *sc, struct ynode *m, const char *key, const char *s,
		       const char *e, struct loc loc)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->keys[i], key))
			return;
	if (m->n == 8)
		return;
	m->keys[m->n] = (char *)key;
	m->key_locs[m->n] = loc;
	m->items[m->n++] = scalar(sc, s, (size_t)(e - s), loc);
}

/* A cell's value for column k into the item; what cannot be read is a warning. */
static void action_cell(struct scan *sc, struct ynode *m, enum col k, const char *s, const char *e,
			struct loc loc)
{
	char iso[40], *v = xstrndup(s, (size_t)(e - s));
	enum ai_status st;
	enum ai_priority pr;
	switch (k) {
	case COL_TITLE: action_set(sc, m, "title", s, e, loc); break;
	case COL_OWNER: action_set(sc, m, "owner", s, e, loc); break;
	case COL_TICKET: action_set(sc, m, "ticket", s, e, loc); break;
	case COL_CRITERIA: action_set(sc, m, "success_criteria", s, e, loc); break;
	case COL_DUE:
		if (loose_date(v, iso) && strlen(iso) >= 10) {
			iso[10] = '\0';
			action_set(sc, m, "due", iso, iso + 10, loc);
		} else {
			warning(&loc,
				"deadline \"%s\" is not a date; the item is read without one (expected YYYY-MM-DD or \"June 22, 2021\")",
				v);
		}
		break;
	case COL_STATUS:
		if (ai_status_parse(v, &st))
			action_set(sc, m, "status", s, e, loc);
		else
			warning(&loc,
				"action-item status \"%s\" is not one aftermath knows; the item is read as open (expected " AI_STATUS_EXPECTED
				")",
				v);
		break;
	case COL_PRIORITY:
		if (ai_priority_parse(v, &pr))
			action_set(sc, m, "priority", s, e, loc);
		else
			warning(&loc,
				"priority \"%s\" is not one aftermath knows; the item is read without one (expected " AI_PRIORITY_EXPECTED
				")",
				v);
		break;
	case COL_NONE: break;
	}
	free(v);
}

static void action_row(struct scan *sc, const struct line *l)
{
	struct cell c[MAX_COLS];
	size_t n = split_row(l, c);
	struct loc row = loc_of(sc, l, skip_blanks(l->s, l->e));
	const struct cell *title = NULL;
	for (size_t i = 0; i < n && i < sc->ncols; i++)
		if (sc->cols[i] == COL_TITLE && !placeholder(c[i].s, c[i].e))
			title = &c[i];
	if (!title) {
		warning(&row,
			"action-item table row without a title: left out (expected text in the %s column)",
			sc->has_title_col ? "action" : "first");
		return;
	}
	struct ynode *m = new_action(sc, row);
	if (!m)
		return;
	for (size_t i = 0; i < n && i < sc->ncols; i++) {
		const char *s = c[i].s, *e = c[i].e;
		link_text(&s, &e);
		if (!placeholder(s, e))
			action_cell(sc, m, sc->cols[i], s, e, loc_of(sc, l, c[i].s));
	}
}

/* "(owner: X, due: D)" at the end of a list item's text, as markdown.c reads task lists. */
static void annotation(struct scan *sc, struct ynode *m, const struct line *l, const char *s,
		       const char **e)
{
	const char *open = NULL;
	if (*e <= s || (*e)[-1] != ')')
		return;
	for (const char *p = *e - 1; p >= s; p--)
		if (*p == '(') {
			open = p;
			break;
		}
	if (!open || !memchr(open, ':', (size_t)(*e - open)))
		return;
	const char *p = open + 1, *end = *e - 1;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *q = comma ? comma : end, *colon = memchr(p, ':', (size_t)(q - p));
		if (colon) {
			const char *ks = skip_blanks(p, colon), *ke = trim_end(ks, colon);
			const char *vs = skip_blanks(colon + 1, q), *ve = trim_end(vs, q);
			char key[32];
			section_name(ks, ke, key, sizeof(key));
			enum col k = !strcmp(key, "owner")	? COL_OWNER
				     : !strcmp(key, "due")	? COL_DUE
				     : !strcmp(key, "priority") ? COL_PRIORITY
				     : !strcmp(key, "ticket")	? COL_TICKET
				     : !strcmp(key, "status")	? COL_STATUS
								: COL_NONE;
			if (vs < ve)
				action_cell(sc, m, k, vs, ve, loc_of(sc, l, vs));
		}
		p = q + 1;
	}
	*e = trim_end(s, open);
}

static void action_item(struct scan *sc, const struct line *l, const char *text, int indent)
{
	const char *e = trim_end(text, l->e);
	bool done = false;
	if (indent >= 2)
		return; /* a nested item: part of the one above */
	if (e - text >= 3 && text[0] == '[' && text[2] == ']' &&
	    (text[1] == ' ' || text[1] == 'x' || text[1] == 'X')) {
		sc->task_seen = true;
		if (sc->actions_heading)
			return; /* markdown.c's, with its annotations */
		done = text[1] != ' ';
		text = skip_blanks(text + 3, e);
	}
	if (text >= e)
		return;
	struct ynode *m = new_action(sc, loc_of(sc, l, text));
	if (!m)
		return;
	annotation(sc, m, l, text, &e);
	const char *s = text;
	unwrap(&s, &e);
	if (s >= e) {
		struct loc loc = loc_of(sc, l, text);
		warning(&loc, "action item without a title: left out");
		sc->bi->actions->n--;
		return;
	}
	action_set(sc, m, "title", s, e, loc_of(sc, l, s));
	static const char done_s[] = "done";
	if (done)
		action_set(sc, m, "status", done_s, done_s + 4, loc_of(sc, l, text));
}

/* ---- contributing factors ------------------------------------------------ */

/* Whether [s, e) is short enough to name a factor: 1 to FACTOR_MAX_WORDS words, FACTOR_MAX_BYTES bytes at most. */
/* Whether [s, e) has a letter or a digit (UTF-8 letters included). */
static bool has_word(const char *s, const char *e)
{
	for (; s < e; s++)
		if (isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80)
			return true;
	return false;
}

static bool term_like(const char *s, const char *e)
{
	size_t words = 0;
	if (!has_word(s, e) || e - s > FACTOR_MAX_BYTES)
		return false;
	for (const char *p = s; p < e; p++)
		if (!blank(*p) && (p == s || blank(p[-1])))
			words++;
	return words >= 1 && words <= FACTOR_MAX_WORDS;
}

/* The words before the first ": ", " - ", " – " or " — " of [s, e), or false. */
static bool lead_in(const char *s, const char *e, const char **te)
{
	for (const char *p = s; p < e; p++) {
		if (*p == ':' && (p + 1 == e || blank(p[1]))) {
			*te = p;
			return true;
		}
		if (blank(*p) && p + 2 < e && p[1] == '-' && blank(p[2])) {
			*te = p;
			return true;
		}
		if (blank(*p) && p + 4 < e && !strncmp(p + 1, "\xe2\x80", 2) &&
		    (p[3] == '\x93' || p[3] == '\x94') && blank(p[4])) {
			*te = p;
			return true;
		}
	}
	return false;
}

/*
 * The factor an item of a "Contributing factors" list names: its bold
 * lead-in ("**Config drift**: ...", "**Config drift.** ..."), else the words
 * before a colon or a dash ("Config drift: the ..."), else the whole item
 * when it is short and not a sentence (no closing '.', '!' or '?').  Each
 * must be term_like(); false otherwise (the item is a sentence).
 */
static bool factor_term(const char *s, const char *e, const char **ts, const char **te)
{
	const char *close, *end;
	if (e - s >= 4 && (!strncmp(s, "**", 2) || !strncmp(s, "__", 2)) &&
	    (close = memmem(s + 2, (size_t)(e - s - 2), s, 2)) && close > s + 2) {
		*ts = s + 2;
		*te = close;
		while (*te > *ts && ((*te)[-1] == ':' || (*te)[-1] == '.' || blank((*te)[-1])))
			(*te)--;
		return term_like(*ts, *te);
	}
	link_text(&s, &e);
	unwrap(&s, &e);
	if (lead_in(s, e, &end)) {
		*ts = s;
		*te = trim_end(s, end);
		unwrap(ts, te);
		return term_like(*ts, *te);
	}
	if (e > s && (e[-1] == '.' || e[-1] == '!' || e[-1] == '?'))
		return false;
	*ts = s;
	*te = e;
	return term_like(s, e);
}

static void factor_item(struct scan *sc, const struct line *l, const char *text, int indent)
{
	struct body_info *bi = sc->bi;
	const char *e = trim_end(text, l->e), *ts, *te;
	if (indent >= 2 || !has_word(text, e))
		return; /* a nested item (part of the one above), or no words at all */
	if (!factor_term(text, e, &ts, &te)) {
		if (!bi->factor_sentences++)
			bi->sentence_loc = loc_of(sc, l, text);
		return;
	}
	if (!bi->factors) {
		bi->factors = ynode_new(sc->a, YN_SEQ, bi->factor_loc);
		sc->factors_alloc = 0;
	}
	if (bi->factors->n == BODY_MAX_FACTORS) {
		struct loc loc = loc_of(sc, l, text);
		if (!sc->factors_capped)
			warning(&loc,
				"more than %d contributing factors in one section: the rest are not read",
				BODY_MAX_FACTORS);
		sc->factors_capped = true;
		return;
	}
	if (bi->factors->n == sc->factors_alloc) {
		size_t alloc = sc->factors_alloc ? 2 * sc->factors_alloc : 8;
		struct ynode **items = arena_alloc(sc->a, alloc * sizeof(*items));
		if (bi->factors->n)
			memcpy(items, bi->factors->items, bi->factors->n * sizeof(*items));
		bi->factors->items = items;
		sc->factors_alloc = alloc;
	}
	bi->factors->items[bi->factors->n++] = scalar(sc, ts, (size_t)(te - ts), loc_of(sc, l, ts));
}

/* ---- timeline ------------------------------------------------------------ */

static bool says(const char *s, const char *e, const char *const *words, size_t n)
{
	char buf[512];
	size_t k = 0;
	for (; s < e && k + 1 < sizeof(buf); s++)
		buf[k++] = (char)tolower((unsigned char)*s);
	buf[k] = '\0';
	for (size_t i = 0; i < n; i++)
		if (strstr(buf, words[i]))
			return true;
	return false;
}

static void timeline_event(struct scan *sc, const struct line *l, const char *s, const char *e,
			   const char *rest_s)
{
	static const char *const detected[] = {"detect",  "alert",    "paged",	   "pager",
					       "noticed", "reported", "identified"};
	static const char *const mitigated[] = {"mitigat",  "workaround", "rolled back",
						"rollback", "failover",	  "failed over",
						"stabili"};
	static const char *const resolved[] = {
		"resolved",    "resolution",	 "recovered",	      "restored",
		"all clear",   "back to normal", "fully operational", "incident closed",
		"outage ends", "outage ended"};
	char iso[40], tmp[64];
	size_t n = (size_t)(e - s) < sizeof(tmp) - 1 ? (size_t)(e - s) : sizeof(tmp) - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	int h, mi, sec;
	if (loose_date(tmp, iso)) {
		memcpy(sc->tl_date, iso, 10);
		sc->tl_date[10] = '\0';
		if (strlen(iso) == 10)
			return; /* a day without a time: not a point in the incident */
	} else if (sc->tl_date[0] && clock_time(tmp, &h, &mi, &sec)) {
		snprintf(iso, sizeof(iso), "%sT%02d:%02d:%02dZ", sc->tl_date, h, mi, sec);
	} else {
		return;
	}
	static const char *const began[] = {"outage begin", "impact begin", "incident begin",
					    "outage start", "impact start", "incident start"};
	struct ynode **t = sc->bi->timeline;
	struct loc loc = loc_of(sc, l, s);
	if (!t[TL_STARTED] || (!sc->began && says(rest_s, l->e, began, ARRAY_SIZE(began)))) {
		t[TL_STARTED] = scalar(sc, iso, strlen(iso), loc);
		sc->began = says(rest_s, l->e, began, ARRAY_SIZE(began));
	}
	if (!t[TL_DETECTED] && says(rest_s, l->e, detected, ARRAY_SIZE(detected)))
		t[TL_DETECTED] = scalar(sc, iso, strlen(iso), loc);
	if (!t[TL_MITIGATED] && says(rest_s, l->e, mitigated, ARRAY_SIZE(mitigated)))
		t[TL_MITIGATED] = scalar(sc, iso, strlen(iso), loc);
	if (!t[TL_RESOLVED] && says(rest_s, l->e, resolved, ARRAY_SIZE(resolved)))
		t[TL_RESOLVED] = scalar(sc, iso, strlen(iso), loc);
}

/* A timeline line that is not an event ("2015-10-21 (all times UTC)"): the day of the rows after it. */
static void timeline_day(struct scan *sc, const char *s, const char *e)
{
	char tmp[64], iso[40];
	size_t n = (size_t)(e - s) < sizeof(tmp) - 1 ? (size_t)(e - s) : sizeof(tmp) - 1;
	const char *p = s, *q = e;
	unwrap(&p, &q);
	n = (size_t)(q - p) < sizeof(tmp) - 1 ? (size_t)(q - p) : sizeof(tmp) - 1;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	if (loose_date(tmp, iso)) {
		memcpy(sc->tl_date, iso, 10);
		sc->tl_date[10] = '\0';
	}
}

/* ---- the scan ------------------------------------------------------------ */

static void table_line(struct scan *sc, const struct line *l)
{
	struct cell c[MAX_COLS];
	if (sc->header_pending && delimiter_row(l)) {
		sc->header_pending = false;
		sc->in_table = true;
		read_header(sc);
		return;
	}
	size_t n = split_row(l, c);
	if (sc->in_table && n) {
		if (sc->sec == SEC_ACTIONS)
			action_row(sc, l);
		else
			timeline_event(sc, l, c[0].s, c[0].e, c[0].e);
		return;
	}
	sc->in_table = false;
	sc->header_pending = n > 0;
	if (n)
		sc->header = *l;
}

static void label_line(struct scan *sc, const struct line *l);

static void section_line(struct scan *sc, const struct line *l)
{
	int indent;
	const char *item = list_item(l->s, l->e, &indent);
	const char *p = skip_blanks(l->s, l->e);
	if (sc->sec == SEC_ACTIONS && p < l->e)
		sc->bi->action_text = true;
	if (p < l->e && memchr(p, '|', (size_t)(l->e - p))) {
		table_line(sc, l);
		return;
	}
	sc->in_table = sc->header_pending = false;
	if (sc->sec == SEC_ACTIONS && item)
		action_item(sc, l, item, indent);
	else if (sc->sec == SEC_TIMELINE && item)
		timeline_event(sc, l, item, l->e, item);
	else if (sc->sec == SEC_TIMELINE && p < l->e)
		timeline_day(sc, p, l->e);
	else if (sc->sec == SEC_FACTORS && !sc->only_actions) {
		if (item)
			factor_item(sc, l, item, indent);
		label_line(sc, l); /* "- Trigger: ..." is a label as it was */
	}
}

static void label_line(struct scan *sc, const struct line *l)
{
	int indent;
	const char *s = list_item(l->s, l->e, &indent), *ls, *le, *vs;
	if (!s) {
		if (sc->seen_h2 || l->s == l->e || blank(*l->s))
			return;
		s = l->s;
	}
	if (split_label(s, l->e, &ls, &le, &vs))
		add_label(sc, l, ls, le, vs);
}

/* The title: the H1 without a leading "Postmortem:" (the seeds' template writes it so). */
static void h1(struct scan *sc, const struct line *l, const char *s, const char *e)
{
	static const char *const prefixes[] = {
		"postmortem:",	    "post-mortem:",   "postmortem -",		"post-mortem -",
		"incident report:", "postmortem for", "postmortem \xe2\x80\x93"};
	unwrap(&s, &e);
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		if ((size_t)(e - s) > n && !strncasecmp(s, prefixes[i], n) &&
		    skip_blanks(s + n, e) < e) {
			s = skip_blanks(s + n, e);
			break;
		}
	}
	if (s < e)
		sc->bi->h1 = scalar(sc, s, (size_t)(e - s), loc_of(sc, l, s));
}

static void scan_line(struct scan *sc, const struct line *l)
{
	const char *ts, *te;
	int level = heading(l, &ts, &te);
	if (level) {
		if (level == 1 && !sc->bi->h1 && ts < te)
			h1(sc, l, ts, te);
		sc->seen_h2 |= level >= 2;
		enter_section(sc, l, ts, te, level, true);
		return;
	}
	if (bold_section(l, &ts, &te)) {
		enter_section(sc, l, ts, te, 7, false);
		return;
	}
	if (sc->sec != SEC_NONE)
		section_line(sc, l);
	else if (!sc->only_actions)
		label_line(sc, l);
}

/* A fence line opens or closes fenced code: ``` or ~~~, up to 3 spaces in. */
static bool fence(const struct line *l, char *open)
{
	const char *p = l->s;
	while (p < l->e && *p == ' ' && p - l->s < 3)
		p++;
	if (l->e - p < 3 || (*p != '`' && *p != '~') || p[1] != *p || p[2] != *p)
		return false;
	if (!*open)
		*open = *p;
	else if (*open == *p)
		*open = 0;
	else
		return false;
	return true;
}

void bodyread_scan(struct body_info *bi, struct arena *a, const char *file, const char *body,
		   int body_line, bool only_actions)
{
	struct scan sc = {.bi = bi, .a = a, .file = file, .only_actions = only_actions};
	char in_code = 0;
	struct line l = {body, body, body_line};
	for (const char *p = body; *p; l.no++) {
		const char *nl = strchr(p, '\n');
		l.s = p;
		l.e = nl ? nl : p + strlen(p);
		if (l.e > l.s && l.e[-1] == '\r')
			l.e--;
		if (!fence(&l, &in_code) && !in_code)
			scan_line(&sc, &l);
		if (!nl)
			break;
		p = nl + 1;
	}
	if (sc.task_seen && sc.actions_heading) { /* markdown.c reads it, with its annotations */
		bi->actions = NULL;
		bi->actions_deferred = true;
	}
}

void body_info_release(struct body_info *bi)
{
	strmap_release(&bi->labels);
	free(bi->label_vals);
	memset(bi, 0, sizeof(*bi));
}
