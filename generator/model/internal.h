/*
 * internal: the internal-block rule.  Text between "<!-- internal -->" and
 * "<!-- /internal -->" lines is for internal builds only; Markdown (load/),
 * redaction and the leak check (publish/) all find the blocks with this one
 * test, so all three see the same blocks.
 */
#ifndef AFTERMATH_INTERNAL_H
#define AFTERMATH_INTERNAL_H

/*
 * The line [p, end) (no newline) is "<!-- internal -->" (MARK_OPEN) or
 * "<!-- /internal -->" (MARK_CLOSE), with blanks (space, tab, CR) only around
 * the parts and letters in any case; NOT_MARKER otherwise.
 */
enum internal_marker { NOT_MARKER, MARK_OPEN, MARK_CLOSE };
enum internal_marker internal_marker(const char *p, const char *end);

#endif
