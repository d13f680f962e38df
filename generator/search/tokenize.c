/* tokenize: text to search terms (see tokenize.h). */
#include "search/tokenize.h"

#include "search/stem.h"

#include <string.h>

static const char *const stop_words[] = {
	"an",	 "and",	 "are",	  "as",	   "at",    "be",   "been",  "but",  "by",   "for", "from",
	"had",	 "has",	 "have",  "he",	   "her",   "his",  "if",    "in",   "into", "is",  "it",
	"its",	 "of",	 "on",	  "or",	   "our",   "she",  "so",    "than", "that", "the", "their",
	"them",	 "then", "there", "these", "they",  "this", "those", "to",   "was",  "we",  "were",
	"which", "who",	 "will",  "with",  "would", "you",  "your",
};

bool tok_is_stop(const char *w, size_t len)
{
	size_t lo = 0, hi = ARRAY_SIZE(stop_words);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(stop_words[mid], w, len);
		if (!c && stop_words[mid][len])
			c = 1;
		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool tok_is_word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
	if (cp <= 0xbf || cp == 0xd7 || cp == 0xf7)
		return false;
	if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0xfe00 && cp <= 0xfe0f))
		return false;
	if (cp == 0xfeff || (cp >= 0xfff0 && cp <= 0xffff))
		return false;
	return !(cp >= 0x1f000 && cp <= 0x1fbff) && !(cp >= 0xe0000 && cp <= 0xe007f);
}

static uint32_t lower_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 0x20;
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 0x20;
	if (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2)
		return cp + 0x20;
	if (cp >= 0x410 && cp <= 0x42f)
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	return cp;
}

/* Decode the code point at s[*i] and advance; an invalid byte is U+FFFD. */
static uint32_t decode(const char *text, size_t len, size_t *i)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned char c = s[*i];
	size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
	if (!n || *i + n > len) {
		(*i)++;
		return 0xfffd;
	}
	for (size_t k = 1; k < n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80) {
			(*i)++;
			return 0xfffd;
		}
		cp = (cp << 6) | (s[*i + k] & 0x3f);
	}
	*i += n;
	return cp;
}

static size_t encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static bool is_apostrophe(uint32_t cp)
{
	return cp == '\'' || cp == 0x2019;
}

/* ASCII: 0 for a separator, else the character lowercased (a table: the tokenizer's every byte). */
static const unsigned char ascii_words[128] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6',
	['7'] = '7', ['8'] = '8', ['9'] = '9', ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd',
	['E'] = 'e', ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k',
	['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r',
	['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
	['Z'] = 'z', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
	['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm',
	['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
	['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
};

static unsigned char ascii_word(unsigned char c)
{
	return c < 0x80 ? ascii_words[c] : 0;
}

/* The code point at *pos, advancing; ASCII without a call. */
static uint32_t next_cp(const char *text, size_t len, size_t *pos)
{
	unsigned char c = (unsigned char)text[*pos];
	if (c < 0x80) {
		(*pos)++;
		return c;
	}
	return decode(text, len, pos);
}

/* Append the word character cp, lowercased, to t (up to TOK_MAX_CHARS). */
static void add_char(struct token *t, uint32_t cp, bool *ascii_letters)
{
	if (t->chars++ >= TOK_MAX_CHARS)
		return;
	if (cp < 0x80) {
		t->term[t->len++] = (char)ascii_word((unsigned char)cp);
		if (cp <= '9')
			*ascii_letters = false;
		return;
	}
	*ascii_letters = false;
	t->len += encode(lower_cp(cp), t->term + t->len);
}

/* Read the word starting at *pos (a word character) into t. */
static void read_word(const char *text, size_t len, size_t *pos, struct token *t)
{
	bool ascii_letters = true;
	t->start = *pos;
	t->len = 0;
	t->chars = 0;
	while (*pos < len) {
		size_t at = *pos;
		unsigned char c = (unsigned char)text[at];
		if (ascii_word(c)) { /* the common case: an ASCII letter or digit, no decoding */
			(*pos)++;
			add_char(t, c, &ascii_letters);
			continue;
		}
		uint32_t cp = next_cp(text, len, pos);
		if (is_apostrophe(cp) && *pos < len) {
			size_t next = *pos;
			if (tok_is_word_cp(next_cp(text, len, &next)))
				continue;
		}
		if (cp < 0x80 || !tok_is_word_cp(cp)) {
			*pos = at;
			break;
		}
		add_char(t, cp, &ascii_letters);
	}
	t->end = *pos;
	t->term[t->len] = '\0';
	t->stemmed = ascii_letters;
}

bool tok_next_word(const char *text, size_t len, size_t *pos, struct token *t)
{
	while (*pos < len) {
		size_t at = *pos;
		unsigned char c = (unsigned char)text[at];
		if (c < 0x80 && !ascii_words[c]) { /* the common case: ASCII space or punctuation */
			(*pos)++;
			continue;
		}
		uint32_t cp = next_cp(text, len, pos);
		if (cp < 0x80 ? !ascii_word((unsigned char)cp) : !tok_is_word_cp(cp))
			continue;
		*pos = at;
		read_word(text, len, pos, t);
		if (t->chars >= 2)
			return true;
	}
	return false;
}

bool tok_term(struct token *t)
{
	if (!t->stemmed)
		return true;
	if (tok_is_stop(t->term, t->len))
		return false;
	t->len = stem_english(t->term, t->len);
	t->term[t->len] = '\0';
	return true;
}

bool tok_next(const char *text, size_t len, size_t *pos, struct token *t)
{
	while (tok_next_word(text, len, pos, t))
		if (tok_term(t))
			return true;
	return false;
}
