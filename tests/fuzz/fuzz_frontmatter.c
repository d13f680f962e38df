/* libFuzzer target: any bytes as a postmortem file, through front matter and Markdown. */
#include "load/frontmatter.h"
#include "load/markdown.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct site site;
	static int ready;
	if (!ready) {
		site_init(&site);
		ready = 1;
	}
	struct postmortem pm = {0};
	pm.path = xstrdup("fuzz.md");
	pm.rel = xstrdup("postmortems/fuzz.md");
	char *text = xstrndup((const char *)data, size);
	if (frontmatter_parse(&pm, &site, text, size) == 0) {
		struct md_opts opts = {.strip_internal = size % 2 == 0};
		markdown_parse(&pm, &opts);
	}
	free(text);
	pm_release(&pm);
	diag_clear();
	return 0;
}
