/* slug: the name-matching rule (see slug.h). */
#include "model/slug.h"

#include <string.h>

void buf_add_slug(struct buf *out, const char *s)
{
	size_t start = out->len;
	bool dash = false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
			if (dash && out->len > start)
				buf_addch(out, '-');
			dash = false;
			buf_addch(out, c);
		} else {
			dash = true;
		}
	}
}

char *slugify(const char *s)
{
	struct buf b = BUF_INIT;
	buf_add_slug(&b, s);
	return buf_detach(&b, NULL);
}
