/*
 * api: the machine-readable files of the site.
 *
 *   api/postmortems.json  every postmortem, newest first, with its counts
 *   api/stats.json        action-item counts by group and incident durations
 *   api/actions.csv       one row per action item, for import into a tracker
 *
 * The schemas are the brief's; see README.md "Machine-readable output".
 */
#ifndef AFTERMATH_API_H
#define AFTERMATH_API_H

#include "analyze/figures.h"
#include "analyze/graph.h"
#include "base/output.h"
#include "load/corpus.h"
#include "model/renderopts.h"

int api_write(const struct corpus *c, const struct graph *g, const struct figures *f,
	      const struct render_opts *o, struct output *out);

/* The three files' contents, for tests and `aftermath stats`. */
void api_postmortems_json(struct buf *out, const struct corpus *c, const struct graph *g,
			  const struct figures *f);
void api_stats_json(struct buf *out, const struct corpus *c, const struct graph *g,
		    const struct figures *f, const char *as_of);
void api_actions_csv(struct buf *out, const struct corpus *c, int64_t as_of_day);

#endif
