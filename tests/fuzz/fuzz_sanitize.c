/* libFuzzer target: any bytes as raw HTML through the allow-list (markdown.unsafe_html). */
#include "load/sanitize.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *html = xstrndup((const char *)data, size);
	struct loc loc = {"fuzz.md", 1, 1};
	char *out = html_sanitize(html, strlen(html), NULL, '\x1a');
	/*
	 * Parsed again (as a browser parses the page), what came out has
	 * nothing the allow-list drops: no element, attribute or URL that the
	 * serialisation let back in.
	 */
	diag_clear();
	char *again = html_sanitize(out, strlen(out), &loc, '\x1a');
	if (diag_count(DIAG_WARNING))
		BUG("sanitized HTML has something to drop when parsed again:\n%s", out);
	free(again);
	free(out);
	free(html);
	diag_clear();
	return 0;
}
