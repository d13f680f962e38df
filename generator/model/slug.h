/*
 * slug: the one rule that makes names match across postmortems.
 *
 * ASCII letters are lowercased, every run of other ASCII characters (anything
 * but a-z and 0-9) becomes one '-', non-ASCII bytes are kept as they are, and
 * leading and trailing '-' are removed.  "Connection pool", "connection-pool"
 * and "CONNECTION  POOL" all give "connection-pool".
 */
#ifndef AFTERMATH_SLUG_H
#define AFTERMATH_SLUG_H

#include "base/util.h"

/* Returns the slug of s (allocated; the caller frees it).  May be "". */
char *slugify(const char *s);
void buf_add_slug(struct buf *out, const char *s);

#endif
