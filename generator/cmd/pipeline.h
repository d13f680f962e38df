/*
 * pipeline: a site's model as the commands that read one share it: loaded
 * (load/corpus.h), the profile applied (publish/profile.h), linked
 * (analyze/graph.h) and counted (analyze/figures.h), one step each.
 */
#ifndef AFTERMATH_PIPELINE_H
#define AFTERMATH_PIPELINE_H

#include "analyze/figures.h"
#include "analyze/graph.h"
#include "cmd/steps.h"
#include "load/corpus.h"

struct site_model {
	struct corpus c;
	struct graph g;
	struct figures f;
};

enum {
	MODEL_SOURCES = 1, /* keep each postmortem's Markdown source (lint rules read it) */
	/* leave public.strip to the caller (check's lint rules judge the sources as written) */
	MODEL_AS_WRITTEN = 2,
};

/* Load o->content_dir for o->profile into *m; problems are diagnostics (see report()). */
void model_load(struct site_model *m, const struct options *o, struct steps *st, int flags);
void model_release(struct site_model *m);

#endif
