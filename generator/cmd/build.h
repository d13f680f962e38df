/*
 * build: `aftermath build CONTENT_DIR -o OUT`, the pipeline end to end:
 * the model (pipeline.h), then the output in a temporary sibling of OUT,
 * swapped in only when complete and (public profile) checked for leaks.
 */
#ifndef AFTERMATH_BUILD_H
#define AFTERMATH_BUILD_H

#include "cmd/cli.h"

int cmd_build(struct options *o);

#endif
