/* internal: the internal-block markers (see internal.h). */
#include "model/internal.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

static bool eat(const char **p, const char *end, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(end - *p) < n || strncasecmp(*p, word, n))
		return false;
	*p += n;
	return true;
}

enum internal_marker internal_marker(const char *p, const char *end)
{
	bool closing;
	p = skip_blanks(p, end);
	if (!eat(&p, end, "<!--"))
		return NOT_MARKER;
	p = skip_blanks(p, end);
	closing = eat(&p, end, "/");
	p = skip_blanks(p, end);
	if (!eat(&p, end, "internal"))
		return NOT_MARKER;
	p = skip_blanks(p, end);
	if (!eat(&p, end, "-->") || skip_blanks(p, end) != end)
		return NOT_MARKER;
	return closing ? MARK_CLOSE : MARK_OPEN;
}
