/*
 * libFuzzer target: any bytes as a Markdown body, screened (mdscreen.c, with
 * the default limits or with small ones that short inputs can reach),
 * rendered and its links resolved.
 */
#include "load/markdown.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool resolve(void *ctx, const char *id, const char **url, const char **title)
{
	(void)ctx;
	*url = "../x/";
	*title = id;
	return id[0] != 'x';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct postmortem pm = {0};
	pm.path = xstrdup("fuzz.md");
	pm.body = xstrndup((const char *)data, size);
	pm.body_line = 1;
	static const struct md_limits small = {1 << 20, 3, 4, 30, 2, 2};
	static const char *const keys[] = {"owner", "ticket"};
	struct md_opts opts = {.allow_html = size % 3 == 0,
			       .strip_internal = size % 2 == 0,
			       .limits = size % 5 < 2 ? &small : NULL,
			       .strip_keys = keys,
			       .nstrip_keys = size % 4 ? 2 : 0};
	if (size % 7 == 0) /* the screen alone, on the bytes as they came (no NUL, any byte) */
		md_screen((const char *)data, size, &small, "fuzz.md", 0);
	markdown_parse(&pm, &opts);
	struct buf out = BUF_INIT;
	link_resolve(&out, pm.html ? pm.html : "", resolve, NULL);
	buf_release(&out);
	pm_release(&pm);
	diag_clear();
	return 0;
}
