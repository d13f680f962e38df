/*
 * check: `aftermath check CONTENT_DIR`, the build's checks without its
 * output: the model's diagnostics, the lint rules (lint.h) over the sources
 * as written, and in the public profile the publish report (publish.h);
 * `--explain FILE` shows where each field of one postmortem came from.
 */
#ifndef AFTERMATH_CHECK_H
#define AFTERMATH_CHECK_H

#include "cmd/cli.h"

int cmd_check(struct options *o);

#endif
