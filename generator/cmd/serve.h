/*
 * serve: `aftermath serve CONTENT_DIR`, a local preview: builds into a
 * temporary directory (or -o), serves it on 127.0.0.1 and rebuilds on change
 * (devserver.h).
 */
#ifndef AFTERMATH_SERVE_H
#define AFTERMATH_SERVE_H

#include "cmd/cli.h"

int cmd_serve(struct options *o);

#endif
