/* check: the `check` command (see check.h). */
#include "cmd/check.h"

#include "base/fsutil.h"
#include "cmd/explain.h"
#include "cmd/lint.h"
#include "cmd/pipeline.h"
#include "cmd/scaffold.h"
#include "publish/profile.h"
#include "publish/publish.h"

#include <stdlib.h>
#include <string.h>

/*
 * check's output: the publish report (public profile, in `pub`) on stdout,
 * the diagnostics, then in text a summary line on stderr.  With --format
 * json stdout holds one document: the diagnostics' array, or the publish
 * report's object with the array as its "diagnostics".
 */
static int check_output(const struct options *o, const struct buf *pub, size_t npms)
{
	struct buf summary = BUF_INIT;
	diag_summary(&summary);
	bool wrap = o->format == DIAG_JSON && pub->len > 2 && str_ends(buf_cstr(pub), "}\n");
	if (wrap) {
		fwrite(pub->ptr, 1, pub->len - 2, stdout);
		fputs(",\n\"diagnostics\": ", stdout);
	} else if (pub->len) {
		fwrite(pub->ptr, 1, pub->len, o->format == DIAG_GITLAB ? stderr : stdout);
	}
	int ret = report(o);
	if (wrap)
		fputs("}\n", stdout);
	if (!o->quiet && o->format == DIAG_TEXT)
		fprintf(stderr, "aftermath: %zu %s checked: %s\n", npms,
			plural(npms, "postmortem", "postmortems"), buf_cstr(&summary));
	buf_release(&summary);
	return ret;
}

/* check --explain FILE: the values of one postmortem and where each came from (explain.h). */
static int cmd_explain(struct options *o)
{
	if (strcmp(o->command, "check"))
		return usage_error(
			"--explain is an option of check (aftermath check %s --explain FILE)",
			o->content_dir);
	int ret = explain_file(o->content_dir, o->explain, stdout);
	int diag_ret = report(o);
	return ret < 0 ? EXIT_CONTENT : diag_ret;
}

int cmd_check(struct options *o)
{
	struct site_model m;
	struct steps st;
	if (o->explain)
		return cmd_explain(o);
	if (content_dir_missing(o))
		return EXIT_USAGE;
	steps_begin(&st, o);
	model_load(&m, o, &st, MODEL_SOURCES | MODEL_AS_WRITTEN);
	step(&st, "lint", "running the lint rules");
	char *builtin = find_lint();
	char *own = path_join(o->content_dir, "scripts/lint");
	const char *dirs[] = {builtin, own};
	char *theme = find_theme(), *site_layouts = path_join(o->content_dir, "layouts");
	const char *layouts[] = {site_layouts, theme};
	char *scaffold = newpm_template(layouts, 2); /* the template-text rule's reference */
	lint_run(&m.c, dirs, 2, scaffold);
	free(scaffold);
	free(theme);
	free(site_layouts);
	free(builtin);
	free(own);
	steps_end(&st);
	profile_strip(&m.c); /* after the lint rules, which judge the sources as written */
	struct buf pub = BUF_INIT;
	if (o->profile == PROFILE_PUBLIC)
		publish_report(&pub, &m.c, m.c.redactor,
			       o->format == DIAG_JSON ? DIAG_JSON : DIAG_TEXT);
	int ret = check_output(o, &pub, m.c.npms);
	buf_release(&pub);
	if (o->exit_when_built)
		exit(ret); /* as build: the kernel frees the model faster */
	model_release(&m);
	return ret;
}
