/* pipeline: load, profile, link, count (see pipeline.h). */
#include "cmd/pipeline.h"

#include "publish/profile.h"

void model_load(struct site_model *m, const struct options *o, struct steps *st, int flags)
{
	struct when asof;
	step(st, "parse", "reading and parsing postmortems");
	corpus_load(&m->c, o->content_dir, o->profile, o->jobs, flags & MODEL_SOURCES);
	if (!(flags & MODEL_AS_WRITTEN))
		profile_strip(&m->c);
	step(st, "link", "linking services, factors and related postmortems");
	graph_link(&m->g, &m->c, o->jobs);
	when_parse(&asof, o->as_of);
	figures_compute(&m->f, &m->c, &m->g, when_day(&asof));
}

void model_release(struct site_model *m)
{
	figures_release(&m->f);
	graph_release(&m->g);
	corpus_release(&m->c);
}
