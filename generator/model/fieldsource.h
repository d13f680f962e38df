/*
 * fieldsource: where each field of a postmortem came from, for
 * `check --explain`: the front matter, a `fields:` name, the body, a default
 * or a hook; filled by the load stage (fieldmap.c, hooks.c), printed by
 * cmd/explain.c.
 */
#ifndef AFTERMATH_FIELDSOURCE_H
#define AFTERMATH_FIELDSOURCE_H

#include "base/diag.h"

/* Where one field's value came from (check --explain). */
struct field_source {
	char *field; /* ours, dotted for impact.* */
	char *how;   /* "front matter", "fields: uuid", "default", "body: H1", ... */
	char *value; /* as read (a list shown as "a, b"); NULL for a mapping */
	struct loc loc;
};

struct explain {
	struct field_source *v;
	size_t n, alloc;
};

void explain_release(struct explain *ex);

#endif
