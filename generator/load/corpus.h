/*
 * corpus (the loader): every source file of a site, found, read and parsed
 * into the model's struct corpus (model/corpus.h).
 *
 * corpus_load() is the first stages of the pipeline: it reads site.yaml,
 * walks postmortems/ and pages/, and parses each file's front matter and
 * Markdown (in parallel, one file per task).  The postmortems are then kept
 * newest first (date, then id), the order every later stage and every page
 * uses.  Problems are diagnostics; a file that fails to parse is left out.
 */
#ifndef AFTERMATH_CORPUS_H
#define AFTERMATH_CORPUS_H

#include "model/corpus.h"

/*
 * Load `dir` for `profile` using `jobs` threads.  In the public profile only
 * postmortems with visibility public and status complete are kept, their
 * text (and the pages' and site.yaml's) goes through public.redact and
 * scripts/redact.lua before anything else reads it, and internal blocks
 * are stripped from their bodies.  Each postmortem's Markdown source
 * (pm->body) is freed once parsed unless keep_sources (lint rules read it; a
 * build needs only what markdown_parse() made of it).  Returns 0 when every
 * file parsed, -1 when any error was reported (the rest is still loaded).
 */
int corpus_load(struct corpus *c, const char *dir, enum profile profile, int jobs,
		bool keep_sources);

/* Free every postmortem's plain text (pm->text) once the search index, its only reader, is written. */
void corpus_drop_texts(struct corpus *c);
void corpus_release(struct corpus *c);

#endif
