/*
 * stats: `aftermath stats CONTENT_DIR`, the figures of api/stats.json
 * (analyze/figures.h) as a table for people, or as that JSON.
 */
#ifndef AFTERMATH_STATS_CMD_H
#define AFTERMATH_STATS_CMD_H

#include "cmd/cli.h"

int cmd_stats(struct options *o);

#endif
