/* libFuzzer target: any bytes as a template, compiled and rendered in the sandbox, alone and as a page's wrapper. */
#include "base/diag.h"
#include "base/fsutil.h"
#include "render/template.h"

#include <lua.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64];
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/aftermath-fuzz-%d", (int)getpid());
		fs_mkdirs(dir);
	}
	char *path = path_join(dir, "t.html");
	fs_write(path, data, size);
	const char *dirs[] = {dir};
	struct tmpl *t = tmpl_open(dirs, 1);
	if (t) {
		lua_State *L = tmpl_lua(t);
		sandbox_set_budget(L, 20);
		lua_newtable(L);
		lua_pushstring(L, "<x>");
		lua_setfield(L, -2, "title");
		struct buf out = BUF_INIT;
		tmpl_render(t, "t.html", &out);
		/* and as base.html is, with a page's text as `content` (its stand-in when the
		 * template only writes it with {{{ content }}}) */
		lua_newtable(L);
		lua_pushstring(L, "<x>");
		lua_setfield(L, -2, "title");
		static const char page[] = "<main>the page</main>";
		tmpl_render_page(t, "t.html", page, sizeof(page) - 1, &out);
		buf_release(&out);
		tmpl_free(t);
	}
	free(path);
	diag_clear();
	return 0;
}
