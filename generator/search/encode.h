/*
 * encode: the search index's encodings, shared by the parts that write it.
 *
 * Numbers are varints of a 64-character alphabet that needs no escaping in
 * a JSON string (5 bits a character, the sixth saying another follows);
 * sets of postmortems are bitmaps or gaps of those; strings are JSON.
 * layouts/assets/search.js decodes them.
 */
#ifndef AFTERMATH_ENCODE_H
#define AFTERMATH_ENCODE_H

#include "base/util.h"

/* The alphabet: character v stands for the 6 bits v. */
extern const char search_alphabet[65];

/* Append v as a varint of the index's 64-character alphabet (5 bits a character). */
void search_add_varint(struct buf *b, uint64_t v);

/*
 * Append the set docs[0..n) (ascending, each < ndocs) as "b" then a bitmap
 * (6 docs a character, doc d at bit d % 6 of character d / 6), or "g" then
 * the docs as varints (the first, then each doc - previous - 1), whichever
 * is shorter.
 */
void search_add_docs(struct buf *b, const uint32_t *docs, size_t n, size_t ndocs);

/*
 * Append s as a JSON string.  Only what JSON and JavaScript need is escaped
 * (quotes, backslashes, control characters, U+2028 and U+2029): the files
 * are scripts of their own (never inline in a page), so <, > and & stay as
 * written, which keeps the index small and lets the public build's leak
 * check see the text as it is.
 */
void search_add_json(struct buf *b, const char *s);

#endif
