/*
 * publish: the publish report of `aftermath check --profile public`.
 *
 * What a reviewer needs to audit a public release in a pull request, from
 * the corpus as the public profile loaded it: the postmortems that will be
 * published; those left out (whose ids, and titles where they are checked,
 * fail the build if they reach the output); the fields public.strip
 * removes, per postmortem; the <!-- internal --> blocks removed; every
 * redaction with the file:line:col of the text it replaced; the deny list.
 *
 * Text: one section per heading, redactions as "file:line:col: field:
 * "before" -> "after" (rule N)" so editors can jump to them.  JSON: one
 * object {profile, published, left_out, strip, stripped, internal_blocks,
 * redactions, deny}.
 */
#ifndef AFTERMATH_PUBLISH_H
#define AFTERMATH_PUBLISH_H

#include "base/diag.h"
#include "model/corpus.h"
#include "publish/redact.h"

/*
 * Append the report for c (loaded with PROFILE_PUBLIC) to out, as text or
 * JSON (fmt DIAG_JSON); r is the redactor that loaded it (NULL: none, so
 * no redactions or internal blocks are listed).
 */
void publish_report(struct buf *out, const struct corpus *c, struct redactor *r,
		    enum diag_format fmt);

#endif
