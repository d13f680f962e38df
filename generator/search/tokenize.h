/*
 * tokenize: text to search terms, the same way the index and the browser do.
 *
 * A word is a run of word characters: ASCII letters and digits, and every
 * non-ASCII character except a fixed set of punctuation, symbol and space
 * ranges (tok_is_word_cp).  Anything else splits words, so
 * "video-transcoder" is "video" and "transcoder".  An apostrophe (' or U+2019)
 * between two word characters is dropped ("don't" is "dont").  Words are
 * lowercased (ASCII, Latin-1, Greek and Cyrillic capitals), cut to
 * TOK_MAX_CHARS characters, and words of one character are skipped.  A word of
 * ASCII letters only is a stop word (dropped) or is stemmed (stem.h); any other
 * word is its own term.  layouts/assets/search.js implements the same rules;
 * tests/search/tokenize.txt holds both to them.
 */
#ifndef AFTERMATH_TOKENIZE_H
#define AFTERMATH_TOKENIZE_H

#include "base/util.h"

#define TOK_MAX_CHARS 32
/* A term's longest encoding: TOK_MAX_CHARS characters of up to 4 bytes. */
#define TOK_MAX_BYTES (TOK_MAX_CHARS * 4)

struct token {
	size_t start, end;	      /* the word's bytes in the text, [start, end) */
	char term[TOK_MAX_BYTES + 1]; /* the term, NUL-terminated */
	size_t len;		      /* strlen(term) */
	size_t chars;		      /* characters in the word (before the cut) */
	bool stemmed;		      /* an ASCII-letter word (stemmed) */
};

/*
 * Iterate over the terms of text[0..len): set *pos to 0, then call until it
 * returns false.  Stop words and one-character words are skipped.  Invalid
 * UTF-8 bytes split words like punctuation.
 */
bool tok_next(const char *text, size_t len, size_t *pos, struct token *t);

/*
 * The same words before stop words and stemming: t->term is the lowercased
 * word and t->stemmed says whether tok_term() would stem it.  For callers
 * that cache word -> term.
 */
bool tok_next_word(const char *text, size_t len, size_t *pos, struct token *t);
/* Turn a word from tok_next_word() into its term; false for a stop word. */
bool tok_term(struct token *t);

/* Is code point cp a word character? */
bool tok_is_word_cp(uint32_t cp);
/* Is the lowercase ASCII word w[0..len) a stop word? */
bool tok_is_stop(const char *w, size_t len);

#endif
