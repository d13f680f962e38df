/* textfold: one code point's folded form for the leak check (see textfold.h). */
#include "base/textfold.h"

#include "base/util.h"

#include <stdbool.h>

struct fold_entry {
	uint32_t cp;
	const char *ascii;
};

struct fold_range {
	uint32_t first, last;
};

#include "base/textfold_table.h"

static bool in_ranges(const struct fold_range *r, size_t n, uint32_t cp)
{
	for (size_t i = 0; i < n && r[i].first <= cp; i++)
		if (cp <= r[i].last)
			return true;
	return false;
}

static const char *lookup(uint32_t cp)
{
	size_t lo = 0, hi = ARRAY_SIZE(fold_table);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (fold_table[mid].cp == cp)
			return fold_table[mid].ascii;
		if (fold_table[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

enum textfold textfold_cp(uint32_t cp, const char **ascii)
{
	if (cp < 0x80)
		return TEXTFOLD_SELF;
	if (in_ranges(fold_ignorable, ARRAY_SIZE(fold_ignorable), cp))
		return TEXTFOLD_DROP;
	if (in_ranges(fold_spaces, ARRAY_SIZE(fold_spaces), cp))
		return TEXTFOLD_SPACE;
	*ascii = lookup(cp);
	return *ascii ? TEXTFOLD_ASCII : TEXTFOLD_SELF;
}

size_t textfold_utf8(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = p[0] < 0x80		    ? 1
		     : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
		     : p[0] >= 0xE0		    ? 3
		     : p[0] >= 0xC2		    ? 2
						    : 0;
	uint32_t v;
	if (!len || len > n || p[0] > 0xF4)
		return 0;
	v = len == 1 ? p[0] : p[0] & (0x3F >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3F);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (v < min[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}
