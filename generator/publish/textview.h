/*
 * textview: an output file's text as a reader would see it, each byte mapped
 * to its offset in the file, for the leak check (leakcheck.h).
 *
 * A view is made by folding (textfold.h: look-alikes, invisible code points,
 * spaces; lowercased for matching), by decoding what a browser or a parser
 * decodes (HTML character references, JSON and JavaScript backslash escapes,
 * CSV's doubled quotes), or by flattening markup (tags removed, attribute
 * values kept as fields after the text).  A file that is not UTF-8 is read as
 * UTF-16 or Windows-1252 first, or refused.  Every view is at most as long as
 * the text it is made from.
 */
#ifndef AFTERMATH_TEXTVIEW_H
#define AFTERMATH_TEXTVIEW_H

#include "base/util.h"

#include <stdint.h>

struct view {
	char *s;
	uint32_t *map;
	size_t len, alloc;
};

/* What flatten() leaves where a block-level tag was, and before each field. */
#define BLOCK_MARK '\x1f'

/* How fold() writes text: for the needles (lowercased, blank runs one space) or for patterns (as written). */
enum fold_mode { FOLD_MATCH, FOLD_PATTERN };

/* Offset in the file of byte i of a text whose map is `map` (NULL: the file itself). */
static inline uint32_t map_at(const uint32_t *map, size_t i)
{
	return map ? map[i] : (uint32_t)i;
}

static inline bool blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline bool word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c >= 0x80;
}

void view_release(struct view *v);

/*
 * s in its normalised form (textfold.h): default-ignorable code points
 * removed, look-alikes as the ASCII they stand for, spaces beyond ASCII
 * as ' '; FOLD_MATCH also lowercases ASCII and makes each run of blanks
 * one space.  Each byte maps to the offset of the character it comes
 * from (map: of s's bytes; NULL: s is the file).  Returns whether a code
 * point beyond ASCII was folded (the text reads differently to a pattern).
 */
bool fold(struct view *out, const char *s, size_t n, const uint32_t *map, enum fold_mode mode);
/* A folded copy of s without leading and trailing blanks (FOLD_MATCH); caller frees. */
char *fold_str(const char *s);
/* s with character references, backslash escapes and (csv) doubled quotes decoded. */
void decode(struct view *out, const char *s, size_t n, const uint32_t *map, bool csv);
/* Whether decode() would change s. */
bool needs_decoding(const char *s, size_t n, bool csv);
/* The markup s as text in *out (tags removed: a block-level one leaves a BLOCK_MARK), its attribute values in *attrs. */
void flatten(struct view *out, struct view *attrs, const char *s, size_t n);
/* UTF-16 without a BOM: 0 when s does not look like it, 1 little-endian, 2 big-endian. */
int utf16_guess(const unsigned char *s, size_t n);
/*
 * A file that is not UTF-8, as UTF-8 text: UTF-16 with a BOM or that looks
 * like UTF-16, else Windows-1252.  Returns the text (*len bytes; caller
 * frees), NULL for a known binary format (*readable true) or for text it
 * cannot read (*readable false: the build must not publish it).
 */
char *decode_text(const char *data, size_t n, size_t *len, bool *readable);

#endif
