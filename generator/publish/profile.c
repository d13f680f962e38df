/* profile: what the profile allows, and public.strip applied once (see profile.h). */
#include "publish/profile.h"

#include "model/importcfg.h"
#include <stdlib.h>
#include <string.h>

const char *const strip_field_names[NSTRIP_FIELDS] = {"owner", "authors", "action_items.owner",
						      "action_items.ticket"};

bool profile_strips(const struct site *s, const char *field)
{
	for (size_t i = 0; i < s->nstrip; i++)
		if (!strcmp(s->strip[i], field))
			return true;
	return false;
}

/* Move *value (when set) into c->stripped; *value is then NULL. */
static void take(struct corpus *c, char **value, enum strip_field field, size_t pm, struct loc loc)
{
	if (!*value)
		return;
	ALLOC_GROW(c->stripped, c->nstripped + 1, c->stripped_alloc);
	c->stripped[c->nstripped++] = (struct stripped_value){*value, (int)field, pm, loc};
	*value = NULL;
}

static void strip_pm(struct corpus *c, size_t i, const bool strip[NSTRIP_FIELDS])
{
	struct postmortem *pm = &c->pms[i];
	if (strip[STRIP_OWNER] && pm->owner) {
		take(c, &pm->owner, STRIP_OWNER, i, pm->id_loc);
		free(pm->owner_slug);
		pm->owner_slug = NULL;
	}
	if (strip[STRIP_AUTHORS]) {
		for (size_t k = 0; k < pm->nauthors; k++) {
			take(c, &pm->authors[k].name, STRIP_AUTHORS, i, pm->authors[k].loc);
			free(pm->authors[k].slug);
		}
		free(pm->authors);
		pm->authors = NULL;
		pm->nauthors = 0;
	}
	for (size_t k = 0; k < pm->nactions; k++) {
		struct action_item *a = &pm->actions[k];
		if (strip[STRIP_AI_OWNER] && a->owner) {
			take(c, &a->owner, STRIP_AI_OWNER, i, a->loc);
			free(a->owner_slug);
			a->owner_slug = NULL;
		}
		if (strip[STRIP_AI_TICKET])
			take(c, &a->ticket, STRIP_AI_TICKET, i, a->loc);
	}
}

void profile_allow(struct corpus *c)
{
	bool internal = c->profile == PROFILE_INTERNAL;
	c->allow.owners = internal;
	c->allow.front_matter = internal;
	c->allow.sources = internal;
	/* redacted as tags are; one public.strip names has no pages (analyze/taxonomy.h) */
	c->allow.taxonomies = true;
	const struct import_cfg *ic = c->site.import;
	size_t ntax = ic ? ic->ntax : 0;
	c->allow.taxonomy = xcalloc(ntax ? ntax : 1, sizeof(bool));
	for (size_t t = 0; t < ntax; t++)
		c->allow.taxonomy[t] = internal || !profile_strips(&c->site, ic->tax[t].name);
}

void profile_strip(struct corpus *c)
{
	if (c->profile != PROFILE_PUBLIC || c->nstripped)
		return;
	bool strip[NSTRIP_FIELDS], any = false;
	for (int f = 0; f < NSTRIP_FIELDS; f++)
		any |= strip[f] = profile_strips(&c->site, strip_field_names[f]);
	for (size_t i = 0; any && i < c->npms; i++)
		strip_pm(c, i, strip);
}

void profile_release(struct corpus *c)
{
	free(c->allow.taxonomy);
	c->allow.taxonomy = NULL;
	for (size_t i = 0; i < c->nstripped; i++)
		free(c->stripped[i].text);
	free(c->stripped);
	c->stripped = NULL;
	c->nstripped = c->stripped_alloc = 0;
}
