/*
 * bodyread: what a postmortem's Markdown body says about its fields.
 *
 * For collections written without front matter, or with templates that keep
 * their metadata in the body (site.yaml import:, docs/import.md): one pass
 * over the body's lines (fenced code skipped) finds
 *   - the first H1 (a title);
 *   - metadata lines, "- Label: value", "**Label:** value" and "Label: value"
 *     before the first H2, and "- Label: value" list items under any heading:
 *     every label is kept by its name in lower case, first occurrence wins;
 *   - the "Action items" section (a heading, or a bold label line such as
 *     "**Action Items:**"): its table, matched by header, or its task list or
 *     plain list, as action_items entries;
 *   - the "Timeline" section's table rows or list items that start with a
 *     date-time: the first is impact.started, rows that say "detected",
 *     "mitigated", "resolved" (or alike) give those times;
 *   - the "Contributing factors" (or "Root causes") section's list items
 *     that name a factor: a bold lead-in ("**Config drift**: ..."), the
 *     words before a colon or dash, or a short item that is not a sentence
 *     (at most FACTOR_MAX_WORDS words and FACTOR_MAX_BYTES bytes); the
 *     others are sentences, counted and left in the text.
 * Values are YAML nodes made in the caller's arena, located at their line and
 * column in the file, so the validation that follows reports them there.
 * Nothing here is an error: a value that cannot be read (a deadline "next
 * week") is a warning and left out.
 */
#ifndef AFTERMATH_BODYREAD_H
#define AFTERMATH_BODYREAD_H

#include "base/strmap.h"
#include "yaml/yamltree.h"

/* At most this many labels and action items are kept per file (more is a warning). */
#define BODY_MAX_LABELS	 1000
#define BODY_MAX_ACTIONS 1000
#define BODY_MAX_FACTORS 100
/* A factor's name read from a list item: at most this many words and bytes. */
#define FACTOR_MAX_WORDS 5
#define FACTOR_MAX_BYTES 60

enum { TL_STARTED, TL_DETECTED, TL_MITIGATED, TL_RESOLVED, TL_COUNT };

struct body_info {
	struct ynode *h1;	   /* scalar: the first H1's text; NULL when none */
	struct strmap labels;	   /* lower-case label -> index into label_vals */
	struct ynode **label_vals; /* scalars */
	size_t nlabels, labels_alloc;
	struct ynode *actions; /* YN_SEQ of maps (title, owner, due, ...); NULL when none */
	struct loc action_loc; /* the "Action items" section; line 0 when there is none */
	/* the section has a line of text (an empty one is no cause for a warning) */
	bool action_text;
	/* a task list under a heading: markdown.c reads it, with its annotations */
	bool actions_deferred;
	/* ISO date-time scalars at their row; NULL when not found */
	struct ynode *timeline[TL_COUNT];
	struct ynode *
		factors; /* YN_SEQ of factor names from the "Contributing factors" list; NULL when none */
	struct loc factor_loc;	 /* that section; line 0 when there is none */
	size_t factor_sentences; /* its items that are sentences, not names (left out) */
	struct loc sentence_loc; /* the first of them */
};

/*
 * Scan `body` (the text after the front matter, starting at line body_line of
 * `file`) into *bi (zeroed by the caller).  With only_actions, only the
 * "Action items" section is read (a file whose front matter is its own).
 * Nodes are made in `a`; bi's arrays are freed by body_info_release().
 */
void bodyread_scan(struct body_info *bi, struct arena *a, const char *file, const char *body,
		   int body_line, bool only_actions);
void body_info_release(struct body_info *bi);

/* The value of label `name` (any case), or NULL. */
struct ynode *bodyread_label(const struct body_info *bi, const char *name);

/*
 * A date as people write it, at the start of s: "2021-06-22", "2021/06/22",
 * "June 22, 2021", "22 June 2021", each optionally followed by a time
 * "08:21[:00]" (with "T" or a blank) and a zone ("Z", "UTC", "+02:00").
 * Writes the ISO form ("2021-06-22" or "2021-06-22T08:21:00Z" /
 * "...+02:00") to out and returns the bytes read, or 0 when s does not start
 * with a date.
 */
size_t loose_date(const char *s, char out[40]);

/*
 * A duration as people write it: "8 minutes", "2 hours", "1h 30m", "90 min",
 * "1 day 2 hours", "00:25" (hours:minutes).  Seconds, or -1.
 */
long long loose_duration(const char *s);

#endif
