/* explain: where each value of one postmortem came from (see explain.h). */
#include "cmd/explain.h"

#include "base/fsutil.h"
#include "load/fieldmap.h"
#include "load/frontmatter.h"
#include "load/hooks.h"
#include "load/markdown.h"

#include <stdlib.h>
#include <string.h>

/* At most this many bytes of a value are shown (the rest is "..."). */
#define SHOWN 60

static void print_value(FILE *out, const char *v)
{
	size_t n = 0;
	if (!v) {
		fputs("(a mapping)", out);
		return;
	}
	for (const char *p = v; *p && n < SHOWN; p++, n++)
		fputc(*p == '\n' || *p == '\t' ? ' ' : *p, out);
	if (strlen(v) > SHOWN)
		fputs("...", out);
}

static void print_row(FILE *out, const struct field_source *fs)
{
	fprintf(out, "  %-22s ", fs->field);
	print_value(out, fs->value);
	fprintf(out, "\n  %-22s   from %s, %s:%d:%d\n", "", fs->how, fs->loc.file, fs->loc.line,
		fs->loc.col);
}

static bool listed(const struct explain *ex, const char *field)
{
	for (size_t i = 0; i < ex->n; i++)
		if (!strcmp(ex->v[i].field, field))
			return true;
	return false;
}

/* What aftermath itself gives a field that nothing set. */
static void print_builtin(FILE *out, const struct explain *ex, const struct postmortem *pm,
			  const struct site *s)
{
	if (!listed(ex, "status"))
		fprintf(out, "  %-22s %s\n  %-22s   aftermath's default\n", "status",
			status_name(pm->status), "");
	if (!listed(ex, "severity") && pm->severity >= 0 && (size_t)pm->severity < s->nseverities)
		fprintf(out,
			"  %-22s %s\n  %-22s   aftermath's default (the last of site.yaml's severities)\n",
			"severity", s->severities[pm->severity], "");
	if (!listed(ex, "kind"))
		fprintf(out, "  %-22s %s\n  %-22s   aftermath's default\n", "kind",
			kind_name(pm->kind), "");
	if (!listed(ex, "visibility"))
		fprintf(out, "  %-22s %s\n  %-22s   site.yaml's visibility, else internal\n",
			"visibility", visibility_name(pm->visibility), "");
	if (pm->actions_from_tasks)
		fprintf(out,
			"  %-22s %zu %s\n  %-22s   from the task list under \"Action items\", %s:%d:%d\n",
			"action_items", pm->nactions, plural(pm->nactions, "item", "items"), "",
			pm->path, pm->actions[0].loc.line, pm->actions[0].loc.col);
}

/* What on_postmortem hooks add (pm.computed), each field with its value. */
static int print_computed(FILE *out, const struct postmortem *pm, const struct site *s)
{
	struct ynode *computed;
	if (hooks_on_postmortem(s->import->hooks, pm, s, false, &computed) < 0)
		return -1;
	for (size_t i = 0; computed && i < computed->n; i++) {
		const struct ynode *v = computed->items[i];
		fprintf(out, "  computed.%-13s ", computed->keys[i]);
		print_value(out, v->type == YN_SCALAR ? v->scalar : NULL);
		fprintf(out, "\n  %-22s   from hook: on_postmortem, %s:%d:%d\n", "", v->loc.file,
			v->loc.line, v->loc.col);
	}
	ynode_free(computed);
	return 0;
}

int explain_file(const char *dir, const char *file, FILE *out)
{
	struct site site;
	struct postmortem pm = {0};
	struct explain ex = {0};
	char *text;
	size_t len;
	int ret = -1;
	site_init(&site);
	if (fieldmap_site_load(&site, dir) < 0 || frontmatter_check_defaults(&site) < 0)
		goto out;
	if (fs_read(file, &text, &len) < 0)
		goto out;
	pm.path = xstrdup(file);
	pm.rel = xstrdup(file);
	ret = frontmatter_explain(&pm, &site, text, len, &ex);
	free(text);
	struct md_opts opts = {.allow_html = site.allow_html};
	if (ret == 0 && markdown_parse(&pm, &opts) < 0)
		ret = -1;
	fprintf(out, "%s: what aftermath read%s\n", file,
		ret < 0 ? " (the file has errors: see below)" : "");
	for (size_t i = 0; i < ex.n; i++)
		print_row(out, &ex.v[i]);
	print_builtin(out, &ex, &pm, &site);
	if (ret == 0 && site.import && site.import->hooks)
		ret = print_computed(out, &pm, &site);
	if (!ex.n && !site.import)
		fprintf(out,
			"  (site.yaml has no fields:, defaults: or import:; every value is the front matter's as written)\n");
out:
	explain_release(&ex);
	pm_release(&pm);
	site_release(&site);
	return ret;
}
