/*
 * libFuzzer target: any bytes as an output file of a public build (as HTML,
 * as text and as JSON), read back by the leak check: decoding (UTF-16,
 * Windows-1252, references, escapes), markup flattening, the normalised
 * form and the matching.  One corpus, built once, has a left-out id and
 * title, deny strings, a redact pattern and stripped values.
 */
#include "base/fsutil.h"
#include "publish/leakcheck.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct corpus c;
static char *dir, *out;

static void cleanup(void)
{
	fs_remove_tree(dir);
}

static void setup(void)
{
	char tmpl[] = "/tmp/fuzz-leakcheck-XXXXXX";
	dir = xstrdup(mkdtemp(tmpl));
	atexit(cleanup);
	out = path_join(dir, "out");
	char *pm = path_join(dir, "pm-2.md"), *hidden = path_join(dir, "pm-1.md");
	static const char pm_md[] = "---\nid: PM-2\nowner: Lee Park\n---\nBody.\n",
			  hidden_md[] =
				  "---\nid: PM-1\ntitle: Tom & Jerry's database outage\n---\n";
	fs_write(pm, pm_md, sizeof(pm_md) - 1);
	fs_write(hidden, hidden_md, sizeof(hidden_md) - 1);
	c.profile = PROFILE_PUBLIC;
	site_init(&c.site);
	c.site.deny = xcalloc(2, sizeof(char *));
	c.site.deny[c.site.ndeny++] = xstrdup("Project Nightjar");
	c.site.deny[c.site.ndeny++] = xstrdup("zork");
	c.site.redact = xcalloc(1, sizeof(*c.site.redact));
	c.site.redact[0].pattern = xstrdup("\\b10\\.\\d+\\.\\d+\\.\\d+\\b");
	c.site.redact[0].replace = xstrdup("[internal address]");
	c.site.nredact = 1;
	c.pms = xcalloc(1, sizeof(*c.pms));
	c.npms = 1;
	c.pms[0].path = pm;
	c.pms[0].id = xstrdup("PM-2");
	c.pms[0].title = xstrdup("Checkout slow after deploy");
	c.pms[0].owner = xstrdup("Lee Park");
	c.hidden = xcalloc(1, sizeof(*c.hidden));
	c.hidden[c.nhidden++] = (struct hidden){
		xstrdup("PM-1"), xstrdup("Tom & Jerry's database outage"), hidden, 2};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"out/a.html", "out/b.txt", "out/c.json"};
	if (!dir)
		setup();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *p = path_join(dir, names[i]);
		fs_write(p, (const char *)data, size);
		free(p);
	}
	leak_check(&c, out, NULL, 1);
	diag_clear();
	return 0;
}
