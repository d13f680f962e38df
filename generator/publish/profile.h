/*
 * profile: the build's profile applied to the model once, so that no writer
 * decides it again.
 *
 * profile_allow(), the last step of corpus_load, decides what the profile
 * allows (struct allowed in model/corpus.h: owner pages, the raw front matter
 * for templates, taxonomy pages).  profile_strip(), the pipeline's next step
 * (after `check`'s lint rules, which judge the sources as written), removes
 * in a public build the values of the fields public.strip names from every
 * postmortem (owner, authors, action_items.owner, action_items.ticket),
 * keeping each one with its field, postmortem and place in c->stripped: the
 * leak check looks for them in the output and the publish report counts
 * them.  A writer that forgets the profile has nothing to publish by mistake.
 *
 * The selection of postmortems, the public ids and the redaction happen while
 * loading (load/corpus.c, redact.h).
 */
#ifndef AFTERMATH_PROFILE_H
#define AFTERMATH_PROFILE_H

#include "model/corpus.h"

/* The fields public.strip may name, in the order c->stripped records them for a postmortem. */
enum strip_field { STRIP_OWNER, STRIP_AUTHORS, STRIP_AI_OWNER, STRIP_AI_TICKET, NSTRIP_FIELDS };
/* "owner", "authors", "action_items.owner", "action_items.ticket" */
extern const char *const strip_field_names[NSTRIP_FIELDS];

/* Whether site.yaml's public.strip names `field` (one of strip_field_names). */
bool profile_strips(const struct site *s, const char *field);

void profile_allow(struct corpus *c);
/* Once, in a public build (a no-op otherwise and the second time). */
void profile_strip(struct corpus *c);
void profile_release(struct corpus *c);

#endif
