/* url: the scheme allow-list (see url.h). */
#include "base/url.h"

#include <strings.h>

/* Browsers drop these before a URL and inside its scheme. */
static bool blank_or_control(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

/* The scheme spelled by p (blanks and controls dropped) into out; false when too long. */
static bool scheme_of(const char *p, const char *colon, char *out, size_t size)
{
	size_t n = 0;
	for (; p < colon; p++) {
		if (blank_or_control((unsigned char)*p))
			continue;
		if (n + 1 == size)
			return false;
		out[n++] = *p;
	}
	out[n] = '\0';
	return true;
}

bool url_safe(const char *url)
{
	static const char *const allowed[] = {"http", "https", "mailto"};
	if (!url)
		return false;
	const char *p = url;
	while (blank_or_control((unsigned char)*p) && *p)
		p++;
	const char *seg = p + strcspn(p, ":/?#"); /* the end of the first segment */
	if (*seg != ':')
		return !memchr(
			p, '&',
			(size_t)(seg - p)); /* relative, unless an entity may hide a scheme */
	char scheme[8];
	if (!scheme_of(p, seg, scheme, sizeof(scheme)))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++)
		if (!strcasecmp(scheme, allowed[i]))
			return true;
	return false;
}

void url_quote(struct buf *b, const char *s, size_t max)
{
	size_t i;
	for (i = 0; s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addch(b, c);
	}
	if (s[i])
		buf_adds(b, "...");
}
