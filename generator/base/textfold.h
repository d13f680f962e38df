/*
 * textfold: what the leak check treats as the same text, one code point at
 * a time (the normalised form of leakcheck.h, in the spirit of Unicode
 * TS #39's skeleton).
 *
 * A code point is, for matching:
 *  - nothing, when it is Default_Ignorable (soft hyphen U+00AD, zero-width
 *    space, joiners U+200B..U+200D, word joiner U+2060, BOM U+FEFF,
 *    bidirectional controls, variation selectors, tags...);
 *  - a blank, when it is White_Space beyond ASCII (no-break space U+00A0,
 *    thin, narrow and other spaces U+2000..U+200A, U+202F, U+205F,
 *    U+3000...);
 *  - ASCII text, when its NFKC form is ASCII letters or digits (fullwidth
 *    "Ａ", mathematical "𝐀", ligature "ﬁ", circled and superscript
 *    letters), the whole fullwidth ASCII block U+FF01..U+FF5E, or
 *    confusables.txt gives it a one-letter ASCII prototype (Cyrillic "а",
 *    Greek "Ο", Armenian "օ") or a hyphen; case is kept, the caller
 *    lowercases ASCII when it matches without case;
 *  - itself, otherwise (ASCII, accented letters, other scripts).
 * The table is generated (scripts/gen-textfold.py, textfold_table.h).
 */
#ifndef AFTERMATH_TEXTFOLD_H
#define AFTERMATH_TEXTFOLD_H

#include <stddef.h>
#include <stdint.h>

enum textfold { TEXTFOLD_SELF, TEXTFOLD_DROP, TEXTFOLD_SPACE, TEXTFOLD_ASCII };

/* How cp folds; for TEXTFOLD_ASCII, *ascii is the text (static, 1 to 3 bytes). */
enum textfold textfold_cp(uint32_t cp, const char **ascii);

/*
 * The code point of the UTF-8 sequence at s (n > 0 bytes left) and its
 * length, or 0 when the sequence is invalid (overlong, surrogate, cut).
 */
size_t textfold_utf8(const char *s, size_t n, uint32_t *cp);

#endif
