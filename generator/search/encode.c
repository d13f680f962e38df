/* encode: the search index's encodings (see encode.h). */
#include "search/encode.h"

#include <stdlib.h>

const char search_alphabet[65] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

void search_add_varint(struct buf *b, uint64_t v)
{
	while (v >= 32) {
		buf_addch(b, search_alphabet[32 | (v & 31)]);
		v >>= 5;
	}
	buf_addch(b, search_alphabet[v]);
}

void search_add_json(struct buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run = s;
	buf_addch(b, '"');
	for (; *s; s++) {
		bool line_sep = s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9);
		if (*s != '"' && *s != '\\' && *s >= 0x20 && !line_sep)
			continue;
		buf_add(b, run, (size_t)(s - run));
		if (line_sep) {
			buf_addf(b, "\\u202%c", s[2] == 0xa8 ? '8' : '9');
			s += 2;
		} else if (*s < 0x20) {
			buf_addf(b, "\\u%04x", *s);
		} else {
			buf_addf(b, "\\%c", *s);
		}
		run = s + 1;
	}
	buf_add(b, run, (size_t)(s - run));
	buf_addch(b, '"');
}

void search_add_docs(struct buf *b, const uint32_t *docs, size_t n, size_t ndocs)
{
	struct buf gaps = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		search_add_varint(&gaps, i ? docs[i] - docs[i - 1] - 1 : docs[i]);
	size_t bitmap_len = (ndocs + 5) / 6;
	if (bitmap_len < gaps.len) {
		unsigned char *bits = xcalloc(bitmap_len, 1);
		for (size_t i = 0; i < n; i++)
			bits[docs[i] / 6] |= (unsigned char)(1u << (docs[i] % 6));
		buf_addch(b, 'b');
		for (size_t i = 0; i < bitmap_len; i++)
			buf_addch(b, search_alphabet[bits[i]]);
		free(bits);
	} else {
		buf_addch(b, 'g');
		buf_add(b, gaps.ptr, gaps.len);
	}
	buf_release(&gaps);
}
