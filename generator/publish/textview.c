/* textview: output text as a reader sees it, mapped to file offsets (see textview.h). */
#include "publish/textview.h"

#include "base/textfold.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- views: text with, for each byte, its offset in the file ---------------------- */

/* Room for n more bytes: every view is at most as long as the text it is made from. */
static void view_reserve(struct view *v, size_t n)
{
	if (n + 1 > v->alloc) {
		v->alloc = n + 1 > 4096 ? n + 1 : 4096;
		v->s = xrealloc(v->s, v->alloc);
		v->map = xrealloc(v->map, v->alloc * sizeof(*v->map));
	}
	v->len = 0;
	v->s[0] = '\0';
}

static inline void view_add(struct view *v, char c, uint32_t off)
{
	v->map[v->len] = off;
	v->s[v->len++] = c;
}

static void view_end(struct view *v)
{
	v->s[v->len] = '\0';
}

void view_release(struct view *v)
{
	free(v->s);
	free(v->map);
	memset(v, 0, sizeof(*v));
}

static void fold_blank(struct view *out, bool *sp, enum fold_mode mode, char c, uint32_t off)
{
	if (mode == FOLD_PATTERN)
		view_add(out, c, off);
	else if (!*sp)
		view_add(out, ' ', off);
	*sp = true;
}

/*
 * s in its normalised form (textfold.h): default-ignorable code points
 * removed, look-alikes as the ASCII they stand for, spaces beyond ASCII
 * as ' '; FOLD_MATCH also lowercases ASCII and makes each run of blanks
 * one space.  Each byte maps to the offset of the character it comes
 * from.  Never longer than s.  Returns whether a code point beyond ASCII
 * was folded (the text reads differently to a pattern).
 */
bool fold(struct view *out, const char *s, size_t n, const uint32_t *map, enum fold_mode mode)
{
	bool sp = false, changed = false;
	view_reserve(out, n);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t off = map_at(map, i), cp;
		size_t len;
		const char *ascii;
		if (c < 0x80) {
			if (blank(c))
				fold_blank(out, &sp, mode, (char)c, off);
			else {
				sp = false;
				view_add(out,
					 (char)(mode == FOLD_MATCH && c >= 'A' && c <= 'Z' ? c + 32
											   : c),
					 off);
			}
			i++;
			continue;
		}
		if (!(len = textfold_utf8(s + i, n - i, &cp))) {
			sp = false;
			view_add(out, (char)c, off);
			i++;
			continue;
		}
		switch (textfold_cp(cp, &ascii)) {
		case TEXTFOLD_DROP: changed = true; break;
		case TEXTFOLD_SPACE:
			changed |= cp != 0xA0; /* the one fold() always read as a blank */
			fold_blank(out, &sp, mode, ' ', off);
			break;
		case TEXTFOLD_ASCII:
			changed = true;
			sp = false;
			for (const char *a = ascii; *a; a++)
				view_add(out,
					 (char)(mode == FOLD_MATCH && *a >= 'A' && *a <= 'Z'
							? *a + 32
							: *a),
					 off);
			break;
		case TEXTFOLD_SELF:
			sp = false;
			for (size_t k = 0; k < len; k++)
				view_add(out, s[i + k], map_at(map, i + k));
			break;
		}
		i += len;
	}
	view_end(out);
	return changed;
}

/* A folded copy of s without leading and trailing blanks (needles). */
char *fold_str(const char *s)
{
	struct view v = {0};
	fold(&v, s, strlen(s), NULL, FOLD_MATCH);
	size_t a = 0, b = v.len;
	while (a < b && v.s[a] == ' ')
		a++;
	while (b > a && v.s[b - 1] == ' ')
		b--;
	char *r = xstrndup(v.s + a, b - a);
	view_release(&v);
	return r;
}

/* ---- decoding: character references, backslash escapes, CSV quotes -------------------- */

static void add_utf8(struct view *v, uint32_t cp, uint32_t off)
{
	if (cp < 0x80) {
		view_add(v, (char)cp, off);
	} else if (cp < 0x800) {
		view_add(v, (char)(0xC0 | (cp >> 6)), off);
		view_add(v, (char)(0x80 | (cp & 0x3F)), off);
	} else if (cp < 0x10000) {
		view_add(v, (char)(0xE0 | (cp >> 12)), off);
		view_add(v, (char)(0x80 | ((cp >> 6) & 0x3F)), off);
		view_add(v, (char)(0x80 | (cp & 0x3F)), off);
	} else {
		view_add(v, (char)(0xF0 | (cp >> 18)), off);
		view_add(v, (char)(0x80 | ((cp >> 12) & 0x3F)), off);
		view_add(v, (char)(0x80 | ((cp >> 6) & 0x3F)), off);
		view_add(v, (char)(0x80 | (cp & 0x3F)), off);
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse up to max hex digits (at least min); the value, or -1. */
static long hex(const char *s, size_t n, size_t min, size_t max, size_t *used)
{
	long v = 0;
	size_t i = 0;
	while (i < n && i < max && hexval(s[i]) >= 0)
		v = v * 16 + hexval(s[i++]);
	*used = i;
	return i >= min ? v : -1;
}

static bool valid_cp(long cp)
{
	return cp > 0 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

/* "&amp;", "&#39;", "&#x27;" ... at s: its length and code point, or 0. */
static size_t entity(const char *s, size_t n, uint32_t *cp)
{
	static const struct {
		const char *name;
		uint32_t cp;
	} named[] = {{"amp;", '&'},	  {"lt;", '<'},		{"gt;", '>'},
		     {"quot;", '"'},	  {"apos;", '\''},	{"nbsp;", ' '},
		     {"shy;", 0xAD},	  {"zwj;", 0x200D},	{"zwnj;", 0x200C},
		     {"ensp;", 0x2002},	  {"emsp;", 0x2003},	{"thinsp;", 0x2009},
		     {"hairsp;", 0x200A}, {"NoBreak;", 0x2060}, {"ZeroWidthSpace;", 0x200B},
		     {"colon;", ':'},	  {"hyphen;", 0x2010},	{"dash;", 0x2010},
		     {"lpar;", '('},	  {"rpar;", ')'}};
	if (n > 3 && s[1] == '#') {
		size_t used = 0, start = (s[2] == 'x' || s[2] == 'X') ? 3 : 2;
		long v = 0;
		if (start == 3) {
			v = hex(s + 3, n - 3, 1, 6, &used);
		} else {
			while (start + used < n && used < 7 && s[start + used] >= '0' &&
			       s[start + used] <= '9')
				v = v * 10 + (s[start + used++] - '0');
			if (!used)
				v = -1;
		}
		if (v < 0 || !valid_cp(v) || start + used >= n || s[start + used] != ';')
			return 0;
		*cp = (uint32_t)v;
		return start + used + 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(named); i++) {
		size_t l = strlen(named[i].name);
		if (n > l && !memcmp(s + 1, named[i].name, l)) {
			*cp = named[i].cp;
			return l + 1;
		}
	}
	return 0;
}

/* "\n", "\u00e9", "\ud83d\ude00", "\x41", "\u{1F600}" ... at s: its length and code point, or 0. */
static size_t escape(const char *s, size_t n, uint32_t *cp)
{
	static const char from[] = "nrtbf/\\\"'", to[] = "\n\r\t\b\f/\\\"'";
	size_t used;
	long v;
	if (n < 2)
		return 0;
	const char *k = strchr(from, s[1]);
	if (k && s[1]) {
		*cp = (unsigned char)to[k - from];
		return 2;
	}
	if (s[1] == 'x') {
		v = hex(s + 2, n - 2, 2, 2, &used);
		if (v <= 0)
			return 0;
		*cp = (uint32_t)v;
		return 4;
	}
	if (s[1] != 'u')
		return 0;
	if (n > 3 && s[2] == '{') {
		v = hex(s + 3, n - 3, 1, 6, &used);
		if (v < 0 || !valid_cp(v) || 3 + used >= n || s[3 + used] != '}')
			return 0;
		*cp = (uint32_t)v;
		return 4 + used;
	}
	v = hex(s + 2, n - 2, 4, 4, &used);
	if (v < 0)
		return 0;
	if (v >= 0xD800 && v <= 0xDBFF && n >= 12 && s[6] == '\\' && s[7] == 'u') {
		long lo = hex(s + 8, n - 8, 4, 4, &used);
		if (lo >= 0xDC00 && lo <= 0xDFFF) {
			*cp = (uint32_t)(0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00));
			return 12;
		}
	}
	if (!valid_cp(v))
		return 0;
	*cp = (uint32_t)v;
	return 6;
}

void decode(struct view *out, const char *s, size_t n, const uint32_t *map, bool csv)
{
	view_reserve(out, n);
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t k = 0;
		if (s[i] == '&')
			k = entity(s + i, n - i, &cp);
		else if (s[i] == '\\')
			k = escape(s + i, n - i, &cp);
		else if (csv && s[i] == '"' && i + 1 < n && s[i + 1] == '"') {
			k = 2;
			cp = '"';
		}
		if (k) {
			add_utf8(out, cp, map_at(map, i));
			i += k;
		} else {
			view_add(out, s[i], map_at(map, i));
			i++;
		}
	}
	view_end(out);
}

bool needs_decoding(const char *s, size_t n, bool csv)
{
	return memchr(s, '&', n) || memchr(s, '\\', n) || (csv && memchr(s, '"', n));
}

/* ---- markup flattened: the text without tags, then every attribute value ---------------- */

/* Tags that sit inside a word or phrase: removed without a trace, the others leave a BLOCK_MARK. */
static bool inline_tag(const char *name, size_t len)
{
	static const char *const tags[] = {
		"a",	  "abbr", "b",	 "bdi",	 "bdo", "cite", "code", "data",	 "dfn",
		"em",	  "i",	  "kbd", "mark", "q",	"s",	"samp", "small", "span",
		"strong", "sub",  "sup", "time", "u",	"var",	"wbr"};
	if (len > 6)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++)
		if (strlen(tags[i]) == len && !strncasecmp(tags[i], name, len))
			return true;
	return false;
}

/* What a block-level tag leaves in the text without its tags: a boundary no word crosses. */

/* Append s[from..to) to v as a field of its own: BLOCK_MARK "value". */
static void add_field(struct view *v, const char *s, size_t from, size_t to)
{
	view_add(v, BLOCK_MARK, (uint32_t)from);
	view_add(v, '"', (uint32_t)from);
	for (size_t k = from; k < to; k++)
		view_add(v, s[k], (uint32_t)k);
	view_add(v, '"', (uint32_t)to);
}

static bool tag_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/';
}

/* The attribute values of the tag whose name ends at s[j], to attrs; the index after the tag. */
static size_t tag_attrs(struct view *attrs, const char *s, size_t n, size_t j)
{
	while (j < n && s[j] != '>') {
		if (tag_blank(s[j])) {
			j++;
			continue;
		}
		/* the attribute's name */
		while (j < n && !tag_blank(s[j]) && s[j] != '=' && s[j] != '>')
			j++;
		while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
			j++;
		if (j >= n || s[j] != '=')
			continue;
		for (j++; j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r');
		     j++)
			;
		size_t from = j, to;
		if (j < n && (s[j] == '"' || s[j] == '\'')) {
			const char *q = memchr(s + j + 1, s[j], n - j - 1);
			from = j + 1;
			to = q ? (size_t)(q - s) : n;
			j = q ? to + 1 : n;
		} else {
			while (j < n && !tag_blank(s[j]) && s[j] != '>')
				j++;
			to = j;
		}
		add_field(attrs, s, from, to);
	}
	return j < n ? j + 1 : n;
}

/*
 * The markup s as text: tags removed (a block-level one leaves a
 * BLOCK_MARK, an inline one nothing, so "<mark>Acme</mark> Corp" reads
 * "Acme Corp"), comments' text and every attribute value kept, as fields,
 * after the text.  Never longer than s.
 */
void flatten(struct view *out, struct view *attrs, const char *s, size_t n)
{
	view_reserve(out, n + 1); /* and the mark between text and fields */
	view_reserve(attrs, n);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		if (s[i] != '<') {
			view_add(out, s[i], (uint32_t)i);
			i++;
			continue;
		}
		if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
			const char *e = memmem(s + i + 4, n - i - 4, "-->", 3);
			size_t end = e ? (size_t)(e - s) : n;
			add_field(attrs, s, i + 4, end);
			i = e ? end + 3 : n;
			continue;
		}
		if (j < n && s[j] == '/')
			j++;
		if (j >= n || !((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
				s[j] == '!' || s[j] == '?')) {
			view_add(out, s[i], (uint32_t)i); /* a '<' that starts no tag */
			i++;
			continue;
		}
		size_t name = j;
		while (j < n && (word_char((unsigned char)s[j]) || s[j] == '-' || s[j] == ':'))
			j++;
		if (!inline_tag(s + name, j - name))
			view_add(out, BLOCK_MARK, (uint32_t)i);
		i = tag_attrs(attrs, s, n, j);
	}
	view_add(out, BLOCK_MARK, (uint32_t)(n ? n - 1 : 0));
	for (size_t k = 0; k < attrs->len; k++)
		view_add(out, attrs->s[k], attrs->map[k]);
	view_end(out);
}

/* ---- files that are not UTF-8: decoded, or known binaries, or refused ------------------- */

/* Formats whose first bytes say they are not text: images, fonts, archives, media. */
static bool known_binary(const char *s, size_t n)
{
	static const struct {
		const char *magic;
		size_t len, at;
	} formats[] = {
		{"\x89PNG\r\n\x1a\n", 8, 0},
		{"\xff\xd8\xff", 3, 0},
		{"GIF87a", 6, 0},
		{"GIF89a", 6, 0},
		{"RIFF", 4, 0},
		{"\0\0\1\0", 4, 0},
		{"\0\0\2\0", 4, 0},
		{"wOFF", 4, 0},
		{"wOF2", 4, 0},
		{"\0\1\0\0", 4, 0},
		{"OTTO", 4, 0},
		{"true\0", 5, 0},
		{"ttcf", 4, 0},
		{"%PDF-", 5, 0},
		{"PK\3\4", 4, 0},
		{"\x1f\x8b", 2, 0},
		{"ftyp", 4, 4},
		{"OggS", 4, 0},
		{"ID3", 3, 0},
		{"fLaC", 4, 0},
		{"\0asm", 4, 0},
		{"\x28\xb5\x2f\xfd", 4, 0},
		{"BZh", 3, 0},
		{"\xfd"
		 "7zXZ",
		 5, 0},
		{"II*\0", 4, 0},
		{"MM\0*", 4, 0},
		{"\x1a\x45\xdf\xa3", 4, 0},
	};
	/* BMP: its reserved bytes are 0 */
	if (n >= 10 && !memcmp(s, "BM", 2) && !memcmp(s + 6, "\0\0\0\0", 4))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (n >= formats[i].at + formats[i].len &&
		    !memcmp(s + formats[i].at, formats[i].magic, formats[i].len))
			return true;
	return false;
}

static void buf_add_utf8(struct buf *b, uint32_t cp)
{
	char tmp[4];
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
	for (size_t k = n - 1; k > 0; k--, cp >>= 6)
		tmp[k] = (char)(0x80 | (cp & 0x3F));
	tmp[0] = (char)(lead[n] | cp);
	buf_add(b, tmp, n);
}

/* UTF-16 (big-endian when be) as UTF-8; false at an unpaired surrogate. */
static bool from_utf16(struct buf *out, const unsigned char *s, size_t n, bool be)
{
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint32_t u =
			be ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
			uint32_t lo = be ? (uint32_t)(s[i + 2] << 8 | s[i + 3])
					 : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
			if (lo < 0xDC00 || lo > 0xDFFF)
				return false;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			i += 2;
		} else if (u >= 0xD800 && u <= 0xDFFF) {
			return false;
		}
		buf_add_utf8(out, u);
	}
	return n % 2 == 0;
}

/* UTF-16 without a BOM: most code units of a text have a zero high byte (0: not UTF-16, 1: LE, 2: BE). */
int utf16_guess(const unsigned char *s, size_t n)
{
	size_t zeros[2] = {0, 0}, m = n < 8192 ? n : 8192;
	if (n < 4 || n % 2)
		return 0;
	for (size_t i = 0; i < m; i++)
		zeros[i % 2] += !s[i];
	/* 40% of high bytes zero, under 10% of low */
	if (zeros[1] * 10 >= m / 2 * 4 && zeros[0] * 10 < m / 2)
		return 1;
	if (zeros[0] * 10 >= m / 2 * 4 && zeros[1] * 10 < m / 2)
		return 2;
	return 0;
}

/* Windows-1252 (Latin-1 with its C1 printables) as UTF-8; false for bytes no text has (controls, holes). */
static bool from_cp1252(struct buf *out, const unsigned char *s, size_t n)
{
	static const uint16_t c1[32] = {0x20AC, 0,	0x201A, 0x0192, 0x201E, 0x2026, 0x2020,
					0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
					0x017D, 0,	0,	0x2018, 0x2019, 0x201C, 0x201D,
					0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
					0x0153, 0,	0x017E, 0x0178};
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if ((c < 0x20 && !blank(c)) || c == 0x7F ||
		    (c >= 0x80 && c < 0xA0 && !c1[c - 0x80]))
			return false;
		buf_add_utf8(out, c >= 0x80 && c < 0xA0 ? c1[c - 0x80] : c);
	}
	return true;
}

/*
 * A file that is not UTF-8, as UTF-8 text: UTF-16 with a BOM or that looks
 * like UTF-16, else Windows-1252.  Returns the text (*len bytes), NULL for
 * a known binary format (*readable true) or for text it cannot read
 * (*readable false: the build must not publish it).
 */
char *decode_text(const char *data, size_t n, size_t *len, bool *readable)
{
	const unsigned char *s = (const unsigned char *)data;
	struct buf b = BUF_INIT;
	bool ok;
	int guess;
	*readable = true;
	if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
		ok = from_utf16(&b, s + 2, n - 2, s[0] == 0xFE);
	else if (known_binary(data, n))
		return NULL;
	else if ((guess = utf16_guess(s, n)))
		ok = from_utf16(&b, s, n, guess == 2);
	else
		ok = from_cp1252(&b, s, n);
	if (!ok) {
		buf_release(&b);
		*readable = false;
		return NULL;
	}
	return buf_detach(&b, len);
}
