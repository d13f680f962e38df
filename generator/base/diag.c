/* diag: collect, sort and print diagnostics (see diag.h). */
#include "base/diag.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;
static struct diag *diags;
static size_t ndiags, diags_alloc;
static size_t counts[3];
static bool sorted = true;
static _Thread_local int demoted; /* diag_demote(): this thread's errors are notes */

static const char *level_name(enum diag_level l)
{
	switch (l) {
	case DIAG_NOTE: return "note";
	case DIAG_WARNING: return "warning";
	case DIAG_ERROR: return "error";
	}
	BUG("bad diag level %d", (int)l);
}

/* s with its control characters shown (buf_add_visible); allocated. */
static char *visible(const char *s)
{
	struct buf b = BUF_INIT;
	buf_add_visible(&b, s, false);
	return buf_detach(&b, NULL);
}

static void vadd(enum diag_level level, const struct loc *loc, const char *rule, const char *fmt,
		 va_list ap)
{
	struct buf msg = BUF_INIT;
	if (level == DIAG_ERROR && demoted)
		level = DIAG_NOTE;
	buf_vaddf(&msg, fmt, ap);
	struct diag d = {
		.level = level,
		.file = visible(loc && loc->file ? loc->file : ""),
		.line = loc ? loc->line : 0,
		.col = loc ? loc->col : 0,
		.rule = rule ? visible(rule) : NULL,
		.msg = visible(buf_cstr(&msg)),
		.times = 1,
	};
	buf_release(&msg);
	pthread_mutex_lock(&diag_lock);
	ALLOC_GROW(diags, ndiags + 1, diags_alloc);
	diags[ndiags++] = d;
	counts[level]++;
	sorted = false;
	pthread_mutex_unlock(&diag_lock);
}

void diag_demote(bool on)
{
	demoted += on ? 1 : -1;
}

int error(const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(DIAG_ERROR, loc, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(DIAG_WARNING, loc, NULL, fmt, ap);
	va_end(ap);
}

void note(const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(DIAG_NOTE, loc, NULL, fmt, ap);
	va_end(ap);
}

void diag_add(enum diag_level level, const struct loc *loc, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(level, loc, rule, fmt, ap);
	va_end(ap);
}

/* Diagnostics without a file (whole-build problems) come first. */
static int cmp_diag(const void *va, const void *vb)
{
	const struct diag *a = va, *b = vb;
	int c = strcmp(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	if (a->level != b->level)
		return a->level > b->level ? -1 : 1;
	return strcmp(a->msg, b->msg);
}

static bool same_diag(const struct diag *a, const struct diag *b)
{
	return !cmp_diag(a, b) &&
	       (a->rule && b->rule ? !strcmp(a->rule, b->rule) : a->rule == b->rule);
}

/*
 * Sorted, and identical diagnostics (the same place, level, rule and text:
 * a template that fails the same way on every page it renders) collapsed
 * into one that says how many times it happened.
 */
void diag_hold(void)
{
	pthread_mutex_lock(&diag_lock); /* never unlocked */
}

const struct diag *diag_list(size_t *n)
{
	if (!sorted) {
		sort_array(diags, ndiags, sizeof(*diags), cmp_diag);
		size_t k = 0;
		for (size_t i = 0; i < ndiags; i++) {
			if (k && same_diag(&diags[k - 1], &diags[i])) {
				diags[k - 1].times += diags[i].times;
				counts[diags[i].level]--;
				free(diags[i].file);
				free(diags[i].rule);
				free(diags[i].msg);
				continue;
			}
			diags[k++] = diags[i];
		}
		ndiags = k;
		sorted = true;
	}
	*n = ndiags;
	return diags;
}

size_t diag_count(enum diag_level level)
{
	size_t n;
	diag_list(&n); /* identical ones count once */
	return counts[level];
}

static void print_text(FILE *out, const struct diag *d)
{
	if (*d->file && d->line && d->col)
		fprintf(out, "%s:%d:%d: ", d->file, d->line, d->col);
	else if (*d->file && d->line)
		fprintf(out, "%s:%d: ", d->file, d->line);
	else if (*d->file)
		fprintf(out, "%s: ", d->file);
	else
		fputs("aftermath: ", out);
	fprintf(out, "%s: %s", level_name(d->level), d->msg);
	if (d->rule)
		fprintf(out, " [%s]", d->rule);
	if (d->times > 1)
		fprintf(out, " (%zu times)", d->times);
	fputc('\n', out);
}

static void print_json(FILE *out, const struct diag *d, bool first)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, first ? "\n  {\"file\": \"" : ",\n  {\"file\": \"");
	buf_add_json(&b, d->file, strlen(d->file));
	buf_addf(&b, "\", \"line\": %d, \"column\": %d, \"severity\": \"%s\", \"rule\": ", d->line,
		 d->col, level_name(d->level));
	if (d->rule) {
		buf_addch(&b, '"');
		buf_add_json(&b, d->rule, strlen(d->rule));
		buf_addch(&b, '"');
	} else {
		buf_adds(&b, "null");
	}
	buf_adds(&b, ", \"message\": \"");
	buf_add_json(&b, d->msg, strlen(d->msg));
	buf_addf(&b, "\", \"times\": %zu}", d->times);
	fputs(b.ptr, out);
	buf_release(&b);
}

/* GitHub workflow commands need %, CR and LF escaped (and , : in properties). */
static void github_escape(FILE *out, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%25", out);
		else if (*s == '\r')
			fputs("%0D", out);
		else if (*s == '\n')
			fputs("%0A", out);
		else if (property && *s == ':')
			fputs("%3A", out);
		else if (property && *s == ',')
			fputs("%2C", out);
		else
			fputc(*s, out);
	}
}

static void print_github(FILE *out, const struct diag *d)
{
	fprintf(out, "::%s", d->level == DIAG_NOTE ? "notice" : level_name(d->level));
	if (*d->file) {
		fputs(" file=", out);
		github_escape(out, d->file, true);
		if (d->line)
			fprintf(out, ",line=%d", d->line);
		if (d->col)
			fprintf(out, ",col=%d", d->col);
	}
	fputs("::", out);
	github_escape(out, d->msg, false);
	if (d->rule) {
		fputs(" [", out);
		github_escape(out, d->rule, false);
		fputc(']', out);
	}
	if (d->times > 1)
		fprintf(out, " (%zu times)", d->times);
	fputc('\n', out);
}

/* 64-bit FNV-1a over s (and its NUL, so "ab","c" and "a","bc" differ). */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	do {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	} while (*s++);
	return h;
}

static void print_gitlab(FILE *out, const struct diag *d, bool first)
{
	static const char *const severity[] = {"info", "minor", "major"};
	char place[32];
	snprintf(place, sizeof(place), "%d:%d", d->line, d->col);
	uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
	const char *parts[] = {d->file, place, d->rule ? d->rule : "", d->msg};
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		h1 = fnv1a(h1, parts[i]);
		h2 = fnv1a(h2, parts[i]);
	}
	struct buf b = BUF_INIT;
	buf_adds(&b, first ? "\n  {\"description\": \"" : ",\n  {\"description\": \"");
	buf_add_json(&b, d->msg, strlen(d->msg));
	buf_adds(&b, "\", \"check_name\": \"");
	const char *name = d->rule ? d->rule : "aftermath";
	buf_add_json(&b, name, strlen(name));
	buf_addf(
		&b,
		"\", \"fingerprint\": \"%016llx%016llx\", \"severity\": \"%s\", \"location\": {\"path\": \"",
		(unsigned long long)h1, (unsigned long long)h2, severity[d->level]);
	const char *path = d->file; /* relative to the repository: "./pm.md" is "pm.md" */
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	buf_add_json(&b, *path ? path : ".", strlen(*path ? path : "."));
	buf_addf(&b, "\", \"lines\": {\"begin\": %d}}}", d->line > 0 ? d->line : 1);
	fputs(b.ptr, out);
	buf_release(&b);
}

void diag_summary(struct buf *out)
{
	size_t n, files = 0;
	const struct diag *d = diag_list(&n);
	const char *last = NULL;
	for (size_t i = 0; i < n; i++) {
		if (d[i].level == DIAG_NOTE || (last && !strcmp(last, d[i].file)))
			continue;
		files++;
		last = d[i].file;
	}
	size_t ne = counts[DIAG_ERROR], nw = counts[DIAG_WARNING];
	if (!ne && !nw) {
		buf_adds(out, "no errors or warnings");
		return;
	}
	if (ne)
		buf_addf(out, "%zu error%s", ne, ne == 1 ? "" : "s");
	if (ne && nw)
		buf_adds(out, " and ");
	if (nw)
		buf_addf(out, "%zu warning%s", nw, nw == 1 ? "" : "s");
	buf_addf(out, " in %zu file%s", files, files == 1 ? "" : "s");
}

void diag_flush(void *file, enum diag_format fmt)
{
	FILE *out = file;
	size_t n;
	const struct diag *d = diag_list(&n);
	bool array = fmt == DIAG_JSON || fmt == DIAG_GITLAB;
	if (array)
		fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (fmt == DIAG_JSON)
			print_json(out, &d[i], i == 0);
		else if (fmt == DIAG_GITLAB)
			print_gitlab(out, &d[i], i == 0);
		else if (fmt == DIAG_GITHUB)
			print_github(out, &d[i]);
		else
			print_text(out, &d[i]);
	}
	if (array)
		fputs(n ? "\n]\n" : "]\n", out);
	fflush(out);
	diag_clear();
}

void diag_clear(void)
{
	for (size_t i = 0; i < ndiags; i++) {
		free(diags[i].file);
		free(diags[i].rule);
		free(diags[i].msg);
	}
	free(diags);
	diags = NULL;
	ndiags = diags_alloc = 0;
	counts[0] = counts[1] = counts[2] = 0;
	sorted = true;
}

struct loc diag_loc_at(const char *file, const char *text, size_t off)
{
	struct loc loc = {file, 1, 1};
	size_t start = 0;
	for (size_t i = 0; i < off; i++)
		if (text[i] == '\n')
			loc.line++, start = i + 1;
	loc.col = diag_column(text + start, off - start);
	return loc;
}
