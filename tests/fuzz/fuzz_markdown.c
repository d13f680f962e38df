/* libFuzzer target: any bytes as a Markdown body, rendered and its links resolved. */
#include "markdown.h"

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
	static const char *const keys[] = {"owner", "ticket"};
	struct md_opts opts = {.allow_html = size % 3 == 0, .strip_internal = size % 2 == 0, .strip_keys = keys,
			       .nstrip_keys = size % 5 ? 2 : 0};
	markdown_parse(&pm, &opts);
	struct buf out = BUF_INIT;
	link_resolve(&out, pm.html ? pm.html : "", resolve, NULL);
	buf_release(&out);
	pm_release(&pm);
	diag_clear();
	return 0;
}
