/*
 * stem: the English stemmer shared by the search index and its runtime.
 *
 * This is Snowball's English stemmer ("Porter2", as Snowball 2.2 generates
 * it), so "deploy", "deployed", "deploying" and "deployments" all become
 * "deploy".  layouts/assets/search.js carries the same algorithm; the test
 * vectors in tests/search/stem.txt hold both to the same output.
 */
#ifndef AFTERMATH_STEM_H
#define AFTERMATH_STEM_H

#include <stddef.h>

/* The longest word stem_english() changes; longer words are left as they are. */
#define STEM_MAX 64

/*
 * Stem the word w[0..len) in place and return its new length (never more
 * than len).  The word must be lowercase ASCII letters; a word with anything
 * else, or longer than STEM_MAX, is returned unchanged.
 */
size_t stem_english(char *w, size_t len);

#endif
