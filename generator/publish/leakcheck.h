/*
 * leakcheck: the public build's last gate: nothing internal in the output.
 *
 * leak_check() reads every file of a finished output tree (HTML, JSON, CSV,
 * XML, the search index, copied static files: all of them) and looks for:
 *
 *  - the id of every postmortem the profile left out (corpus.hidden), and
 *    the slug of that id, as a whole token, ignoring ASCII case:
 *    "PM-2024-017" is found in "/postmortems/pm-2024-017/" but not in
 *    "PM-2024-0170" or "XPM-2024-017";
 *  - the title of every such postmortem, ignoring ASCII case, any run of
 *    blanks matching any run, unless it is the same as a published name (a
 *    published postmortem's or page's title, a service, factor or tag
 *    name, the site's title: the same incident can recur), in two ways:
 *    where it stands alone as a field (the whole text of an element, an
 *    attribute value, a JSON string, a quotation), the way every page and
 *    file shows a title, when it has at least LEAK_FIELD_WORDS words and
 *    LEAK_FIELD_CHARS characters; and anywhere, as a whole phrase, when it
 *    has at least LEAK_PHRASE_WORDS words and LEAK_PHRASE_CHARS characters
 *    and is not part of a published name.  "Outage" says nothing, and a
 *    short title ("Slow deploys on search-api") can be written in any
 *    postmortem's prose or be the start of a later incident's title;
 *  - every public.deny string, anywhere (inside words too), ignoring ASCII
 *    case and blank runs;
 *  - every public.redact pattern, as written (its own flags decide case),
 *    on the text and, where folding changed it, on its normalised form;
 *  - every value public.strip removed (owners, authors, action items'
 *    owners and tickets, from the front matter and body annotations) as a
 *    phrase, unless it is shorter than 3 characters or has no letter, is a
 *    published name or the value of a field not stripped, or published
 *    text (bodies as published, titles, summaries, action items) has it.
 *
 * Needles and text are compared in a normalised form (textfold.h):
 * default-ignorable code points removed, Unicode spaces as blanks, NFKC
 * and TS #39 look-alikes of ASCII as ASCII; positions are those of the
 * original text.  A file that is not UTF-8 is decoded first (UTF-16 with a
 * BOM or that looks like it, else Windows-1252); a known binary format
 * (images, fonts, archives, media, by their first bytes) is searched as
 * raw bytes; anything else is an error naming the file (the build must
 * not publish what the check cannot read).
 *
 * Each file is scanned as it is, decoded (HTML character references such as
 * &amp; &#39; &#x27;, JSON and JavaScript escapes such as \" \u00e9 \/, CSV's
 * doubled quotes) and, for HTML, XML and SVG, decoded with the tags removed
 * (so "<mark>Acme</mark> Corp" is "Acme Corp").  Words the search index only
 * keeps as separate tokens are not phrases: there a title is found only
 * where the index keeps it whole (result titles); ids and deny strings of
 * one word are always found.
 *
 * A leak is an error at the source it came from, naming up to three output
 * files with their lines:
 *   - a left-out postmortem's id or title: at that postmortem's file and
 *     line, with a note at each published source that mentions it;
 *   - a deny string or a pattern's match: at the first published source
 *     (postmortems, pages, site.yaml; internal blocks and the public:
 *     section excepted) where that text is, with notes at the others; at
 *     the deny entry or the rule in site.yaml when no source has it (it
 *     came from the theme or a hook).
 */
#ifndef AFTERMATH_LEAKCHECK_H
#define AFTERMATH_LEAKCHECK_H

#include "model/corpus.h"

#define LEAK_FIELD_WORDS  2
#define LEAK_FIELD_CHARS  10
#define LEAK_PHRASE_WORDS 6
#define LEAK_PHRASE_CHARS 30

/*
 * Scan every file below `tree` (the temporary output directory) using
 * `jobs` threads.  `shown` is how output paths are named in messages (the
 * final output directory; NULL: relative to the tree).  Returns 0 when
 * nothing leaked, else -1 after one error per leaked string (and -1 after a
 * diagnostic when a file cannot be read).
 */
int leak_check(const struct corpus *c, const char *tree, const char *shown, int jobs);

/*
 * Note in c->prose_values the stripped values that published text has
 * (bodies' plain text, titles, summaries, action items, pages), for
 * leak_check to leave alone: call while pm->text is there (a public build
 * drops it before rendering pages).  Without it leak_check reads pm->text
 * itself.
 */
void leak_note_prose(struct corpus *c);

/* How leak_check looks for the title of a left-out postmortem. */
enum leak_title {
	LEAK_TITLE_NOT,	     /* not at all */
	LEAK_TITLE_FIELD,    /* where it stands alone as a field */
	LEAK_TITLE_ANYWHERE, /* there and as a phrase anywhere */
};

/*
 * How leak_check looks for the title of each c->hidden[i]: mode[i], and
 * why[i] the reason it does not look further ("fewer than 2 words or 10
 * characters", "the same as a published name", "shorter than 6 words or 30
 * characters", "part of a published name"; NULL for LEAK_TITLE_ANYWHERE).
 * Both arrays hold c->nhidden entries; the strings are static.
 */
void leak_titles(const struct corpus *c, enum leak_title *mode, const char **why);

#endif
