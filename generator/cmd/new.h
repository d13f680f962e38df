/*
 * new: `aftermath new CONTENT_DIR --title T`, a postmortem scaffolded from
 * the template with the next free id (scaffold.h); prints its path.
 */
#ifndef AFTERMATH_NEW_H
#define AFTERMATH_NEW_H

#include "cmd/cli.h"

int cmd_new(struct options *o);

#endif
