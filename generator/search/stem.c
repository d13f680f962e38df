/*
 * stem: Snowball's English stemmer (see stem.h).
 *
 * A transcription of english.sbl as Snowball 2.2 compiles it: the word is
 * worked on in a small buffer, R1 and R2 are positions from its start, each
 * step looks for its longest suffix and applies that suffix's rule or none.
 * 'Y' marks a y that acts as a consonant until the postlude.
 */
#include "search/stem.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct word {
	char s[STEM_MAX + 2];
	size_t n;      /* length */
	size_t p1, p2; /* start of R1 and R2 */
	bool y_found;
};

static bool is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* A consonant that ends a short syllable: not a vowel, w, x or Y. */
static bool is_short_end(char c)
{
	return !is_vowel(c) && c != 'w' && c != 'x' && c != 'Y';
}

static bool valid_li(char c)
{
	return c && strchr("cdeghkmnrt", c);
}

static bool ends(const struct word *w, const char *suffix)
{
	size_t k = strlen(suffix);
	return k <= w->n && !memcmp(w->s + w->n - k, suffix, k);
}

/* The longest of `suffixes` (NULL-terminated) that w ends with, or NULL. */
static const char *longest(const struct word *w, const char *const *suffixes)
{
	const char *best = NULL;
	for (size_t i = 0; suffixes[i]; i++)
		if (ends(w, suffixes[i]) && (!best || strlen(suffixes[i]) > strlen(best)))
			best = suffixes[i];
	return best;
}

/* Replace the last `cut` characters with `with`. */
static void replace(struct word *w, size_t cut, const char *with)
{
	size_t k = strlen(with);
	memcpy(w->s + w->n - cut, with, k);
	w->n = w->n - cut + k;
	w->s[w->n] = '\0';
}

/* Is there a vowel in s[0..end)? */
static bool vowel_before(const struct word *w, size_t end)
{
	for (size_t i = 0; i < end; i++)
		if (is_vowel(w->s[i]))
			return true;
	return false;
}

/* Does a short syllable end at position `end` (exclusive)? */
static bool short_syllable(const struct word *w, size_t end)
{
	const char *s = w->s;
	if (end >= 3 && is_short_end(s[end - 1]) && is_vowel(s[end - 2]) && !is_vowel(s[end - 3]))
		return true;
	return end == 2 && !is_vowel(s[1]) && is_vowel(s[0]);
}

static const char *const exceptions1[][2] = {
	{"skis", "ski"},    {"skies", "sky"},	{"dying", "die"},    {"lying", "lie"},
	{"tying", "tie"},   {"idly", "idl"},	{"gently", "gentl"}, {"ugly", "ugli"},
	{"early", "earli"}, {"only", "onli"},	{"singly", "singl"}, {"sky", "sky"},
	{"news", "news"},   {"howe", "howe"},	{"atlas", "atlas"},  {"cosmos", "cosmos"},
	{"bias", "bias"},   {"andes", "andes"},
};

static const char *const exceptions2[] = {"inning",  "outing",	"canning", "herring",
					  "earring", "proceed", "exceed",  "succeed"};

static bool exception1(struct word *w)
{
	for (size_t i = 0; i < sizeof(exceptions1) / sizeof(exceptions1[0]); i++) {
		if (!strcmp(w->s, exceptions1[i][0])) {
			replace(w, w->n, exceptions1[i][1]);
			return true;
		}
	}
	return false;
}

static bool exception2(const struct word *w)
{
	for (size_t i = 0; i < sizeof(exceptions2) / sizeof(exceptions2[0]); i++)
		if (!strcmp(w->s, exceptions2[i]))
			return true;
	return false;
}

static void prelude(struct word *w)
{
	w->y_found = false;
	for (size_t i = 0; i < w->n; i++) {
		if (w->s[i] == 'y' && (i == 0 || is_vowel(w->s[i - 1]))) {
			w->s[i] = 'Y';
			w->y_found = true;
		}
	}
}

/* The position after the first non-vowel that follows a vowel, from `from`. */
static size_t region_after(const struct word *w, size_t from)
{
	size_t i = from;
	while (i < w->n && !is_vowel(w->s[i]))
		i++;
	while (i < w->n && is_vowel(w->s[i]))
		i++;
	return i < w->n ? i + 1 : w->n;
}

static void mark_regions(struct word *w)
{
	static const char *const prefixes[] = {"gener", "commun", "arsen"};
	w->p1 = SIZE_MAX;
	for (size_t i = 0; i < 3; i++)
		if (!strncmp(w->s, prefixes[i], strlen(prefixes[i])))
			w->p1 = strlen(prefixes[i]);
	if (w->p1 == SIZE_MAX)
		w->p1 = region_after(w, 0);
	w->p2 = region_after(w, w->p1);
}

static void step_1a(struct word *w)
{
	static const char *const sfx[] = {"sses", "ied", "ies", "s", "ss", "us", NULL};
	const char *s = longest(w, sfx);
	if (!s)
		return;
	if (!strcmp(s, "sses"))
		replace(w, 4, "ss");
	else if (!strcmp(s, "ied") || !strcmp(s, "ies"))
		replace(w, 3, w->n - 3 >= 2 ? "i" : "ie");
	else if (!strcmp(s, "s") && w->n >= 2 && vowel_before(w, w->n - 2))
		replace(w, 1, "");
}

static void step_1b(struct word *w)
{
	static const char *const sfx[] = {"ed", "eed", "ing", "edly", "eedly", "ingly", NULL};
	const char *s = longest(w, sfx);
	if (!s)
		return;
	size_t k = strlen(s), at = w->n - k;
	if (!strcmp(s, "eed") || !strcmp(s, "eedly")) {
		if (at >= w->p1)
			replace(w, k, "ee");
		return;
	}
	if (!vowel_before(w, at))
		return;
	replace(w, k, "");
	static const char *const doubles[] = {"bb", "dd", "ff", "gg", "mm",
					      "nn", "pp", "rr", "tt", NULL};
	if (ends(w, "at") || ends(w, "bl") || ends(w, "iz"))
		replace(w, 0, "e");
	else if (longest(w, doubles))
		replace(w, 1, "");
	else if (w->n == w->p1 && short_syllable(w, w->n))
		replace(w, 0, "e");
}

static void step_1c(struct word *w)
{
	size_t n = w->n;
	if (n >= 3 && (w->s[n - 1] == 'y' || w->s[n - 1] == 'Y') && !is_vowel(w->s[n - 2]))
		w->s[n - 1] = 'i';
}

struct rule {
	const char *suffix;
	const char *with; /* NULL: a special case in the step's code */
};

/* The rule for the longest suffix of w among `rules`, or NULL. */
static const struct rule *longest_rule(const struct word *w, const struct rule *rules)
{
	const struct rule *best = NULL;
	for (const struct rule *r = rules; r->suffix; r++)
		if (ends(w, r->suffix) && (!best || strlen(r->suffix) > strlen(best->suffix)))
			best = r;
	return best;
}

static void step_2(struct word *w)
{
	static const struct rule rules[] = {
		{"tional", "tion"}, {"enci", "ence"},	{"anci", "ance"},   {"abli", "able"},
		{"entli", "ent"},   {"izer", "ize"},	{"ization", "ize"}, {"ational", "ate"},
		{"ation", "ate"},   {"ator", "ate"},	{"alism", "al"},    {"aliti", "al"},
		{"alli", "al"},	    {"fulness", "ful"}, {"ousli", "ous"},   {"ousness", "ous"},
		{"iveness", "ive"}, {"iviti", "ive"},	{"biliti", "ble"},  {"bli", "ble"},
		{"ogi", NULL},	    {"fulli", "ful"},	{"lessli", "less"}, {"li", NULL},
		{NULL, NULL},
	};
	const struct rule *r = longest_rule(w, rules);
	if (!r)
		return;
	size_t k = strlen(r->suffix), at = w->n - k;
	if (at < w->p1)
		return;
	if (r->with)
		replace(w, k, r->with);
	else if (!strcmp(r->suffix, "ogi") && at > 0 && w->s[at - 1] == 'l')
		replace(w, k, "og");
	else if (!strcmp(r->suffix, "li") && at > 0 && valid_li(w->s[at - 1]))
		replace(w, k, "");
}

static void step_3(struct word *w)
{
	static const struct rule rules[] = {
		{"tional", "tion"}, {"ational", "ate"}, {"alize", "al"}, {"icate", "ic"},
		{"iciti", "ic"},    {"ical", "ic"},	{"ful", ""},	 {"ness", ""},
		{"ative", NULL},    {NULL, NULL},
	};
	const struct rule *r = longest_rule(w, rules);
	if (!r)
		return;
	size_t k = strlen(r->suffix), at = w->n - k;
	if (at < w->p1)
		return;
	if (r->with)
		replace(w, k, r->with);
	else if (at >= w->p2)
		replace(w, k, "");
}

static void step_4(struct word *w)
{
	static const char *const sfx[] = {"al",	 "ance",  "ence", "er",	 "ic",	"able", "ible",
					  "ant", "ement", "ment", "ent", "ism", "ate",	"iti",
					  "ous", "ive",	  "ize",  "ion", NULL};
	const char *s = longest(w, sfx);
	if (!s)
		return;
	size_t k = strlen(s), at = w->n - k;
	if (at < w->p2)
		return;
	if (strcmp(s, "ion"))
		replace(w, k, "");
	else if (at > 0 && (w->s[at - 1] == 's' || w->s[at - 1] == 't'))
		replace(w, k, "");
}

static void step_5(struct word *w)
{
	size_t at = w->n - 1;
	if (ends(w, "e")) {
		if (at >= w->p2 || (at >= w->p1 && !short_syllable(w, at)))
			replace(w, 1, "");
	} else if (ends(w, "l") && at >= w->p2 && at > 0 && w->s[at - 1] == 'l') {
		replace(w, 1, "");
	}
}

static void postlude(struct word *w)
{
	if (!w->y_found)
		return;
	for (size_t i = 0; i < w->n; i++)
		if (w->s[i] == 'Y')
			w->s[i] = 'y';
}

static void stem_word(struct word *w)
{
	if (exception1(w) || w->n < 3)
		return;
	prelude(w);
	mark_regions(w);
	step_1a(w);
	if (!exception2(w)) {
		step_1b(w);
		step_1c(w);
		step_2(w);
		step_3(w);
		step_4(w);
		step_5(w);
	}
	postlude(w);
}

size_t stem_english(char *s, size_t len)
{
	struct word w;
	if (len > STEM_MAX)
		return len;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return len;
	memcpy(w.s, s, len);
	w.s[len] = '\0';
	w.n = len;
	stem_word(&w);
	memcpy(s, w.s, w.n);
	return w.n;
}
