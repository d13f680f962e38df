/*
 * Unit tests for publish/profile.c: the profile applied to the model once.
 * After profile_strip() a public build's postmortems hold none of the values
 * public.strip names, every removed value is recorded with its field and
 * place (for the leak check and the publish report), the fields public.strip
 * does not name are kept, and an internal build is left as it was.  The allow
 * flags say what a public build may show.
 */
#include "harness.h"
#include "model/importcfg.h"
#include "publish/profile.h"

#include <stdlib.h>

static void pm_with_people(struct postmortem *pm)
{
	pm->id = xstrdup("PM-1");
	pm->id_loc = (struct loc){"pm-1.md", 2, 5};
	pm->owner = xstrdup("Priya Natarajan");
	pm->owner_slug = xstrdup("priya-natarajan");
	pm->authors = xcalloc(2, sizeof(*pm->authors));
	pm->authors[0] = (struct term){
		.name = xstrdup("Tom Ruiz"), .slug = xstrdup("tom-ruiz"), .loc = {"pm-1.md", 7, 3}};
	pm->authors[1] = (struct term){
		.name = xstrdup("Al Li"), .slug = xstrdup("al-li"), .loc = {"pm-1.md", 8, 3}};
	pm->nauthors = 2;
	pm->actions = xcalloc(2, sizeof(*pm->actions));
	pm->actions[0] = (struct action_item){.title = xstrdup("Alert on pool use"),
					      .owner = xstrdup("Lee Park"),
					      .ticket = xstrdup("OPS-1251"),
					      .loc = {"pm-1.md", 12, 3}};
	pm->actions[1] = (struct action_item){.title = xstrdup("Size the pool"),
					      .ticket = xstrdup("OPS-77"),
					      .loc = {"pm-1.md", 13, 3}};
	pm->nactions = 2;
}

static void corpus_of(struct corpus *c, enum profile p, const char *const *strip, size_t nstrip)
{
	memset(c, 0, sizeof(*c));
	c->profile = p;
	site_init(&c->site); /* whose public.strip is every field by default: replaced here */
	for (size_t i = 0; i < c->site.nstrip; i++)
		free(c->site.strip[i]);
	free(c->site.strip);
	c->site.nstrip = 0;
	c->site.strip = xcalloc(nstrip + 1, sizeof(char *));
	for (size_t i = 0; i < nstrip; i++)
		c->site.strip[c->site.nstrip++] = xstrdup(strip[i]);
	c->pms = xcalloc(1, sizeof(*c->pms));
	c->npms = 1;
	pm_with_people(&c->pms[0]);
	profile_allow(c);
}

static void release(struct corpus *c)
{
	profile_release(c);
	pm_release(&c->pms[0]);
	free(c->pms);
	site_release(&c->site);
}

static void test_public_strips_every_named_field(void)
{
	static const char *const all[] = {"owner", "authors", "action_items.owner",
					  "action_items.ticket"};
	struct corpus c;
	corpus_of(&c, PROFILE_PUBLIC, all, 4);
	profile_strip(&c);
	const struct postmortem *pm = &c.pms[0];
	/* nothing left for a writer to publish by mistake */
	CHECK(pm->owner == NULL);
	CHECK(pm->owner_slug == NULL);
	CHECK_INT(pm->nauthors, 0);
	CHECK(pm->actions[0].owner == NULL && pm->actions[0].ticket == NULL);
	CHECK(pm->actions[1].ticket == NULL);
	/* only what public.strip names goes */
	CHECK_STR(pm->actions[0].title, "Alert on pool use");
	/* every value recorded once, by field, with where it was written */
	CHECK_INT(c.nstripped, 6);
	CHECK_STR(c.stripped[0].text, "Priya Natarajan");
	CHECK_INT(c.stripped[0].field, STRIP_OWNER);
	CHECK_INT(c.stripped[0].loc.line, 2);
	CHECK_STR(c.stripped[1].text, "Tom Ruiz");
	CHECK_INT(c.stripped[1].field, STRIP_AUTHORS);
	CHECK_INT(c.stripped[1].loc.line, 7);
	CHECK_STR(c.stripped[3].text, "Lee Park");
	CHECK_INT(c.stripped[3].field, STRIP_AI_OWNER);
	CHECK_STR(c.stripped[4].text, "OPS-1251");
	CHECK_INT(c.stripped[4].field, STRIP_AI_TICKET);
	CHECK_INT(c.stripped[5].loc.line, 13);
	/* a second call strips nothing more and records nothing twice */
	profile_strip(&c);
	CHECK_INT(c.nstripped, 6);
	/* a public build shows no owner pages, no raw front matter; taxonomy pages, redacted (issue 19) */
	CHECK(!c.allow.owners && !c.allow.front_matter && !c.allow.sources && c.allow.taxonomies);
	release(&c);
}

static void test_public_keeps_what_strip_does_not_name(void)
{
	static const char *const tickets[] = {"action_items.ticket"};
	struct corpus c;
	corpus_of(&c, PROFILE_PUBLIC, tickets, 1);
	profile_strip(&c);
	CHECK_STR(c.pms[0].owner, "Priya Natarajan");
	CHECK_INT(c.pms[0].nauthors, 2);
	CHECK_STR(c.pms[0].actions[0].owner, "Lee Park");
	CHECK(c.pms[0].actions[0].ticket == NULL && c.pms[0].actions[1].ticket == NULL);
	CHECK_INT(c.nstripped, 2);
	release(&c);
}

static void test_internal_is_left_alone(void)
{
	static const char *const all[] = {"owner", "authors", "action_items.owner",
					  "action_items.ticket"};
	struct corpus c;
	corpus_of(&c, PROFILE_INTERNAL, all, 4); /* public.strip is for public builds only */
	profile_strip(&c);
	CHECK_STR(c.pms[0].owner, "Priya Natarajan");
	CHECK_STR(c.pms[0].actions[0].ticket, "OPS-1251");
	CHECK_INT(c.nstripped, 0);
	CHECK(c.allow.owners && c.allow.front_matter && c.allow.sources && c.allow.taxonomies);
	release(&c);
}

static void test_strips_names_the_fields(void)
{
	struct site s;
	site_init(&s);
	for (size_t i = 0; i < s.nstrip; i++)
		free(s.strip[i]);
	free(s.strip);
	s.nstrip = 0;
	s.strip = xcalloc(2, sizeof(char *));
	s.strip[s.nstrip++] = xstrdup("authors");
	CHECK(profile_strips(&s, "authors"));
	CHECK(!profile_strips(&s, "owner"));
	CHECK(!profile_strips(&s, "author")); /* names match whole */
	site_release(&s);
}

/* Taxonomies: an internal build shows every one; a public build each but those public.strip names. */
static void test_taxonomies_shown(void)
{
	static const char *const strip[] = {"customer"};
	struct taxonomy tax[3] = {{.name = "customer"}, {.name = "region"}, {.name = "vendor"}};
	struct import_cfg ic = {.tax = tax, .ntax = 3};
	struct corpus c;
	for (int p = 0; p < 2; p++) {
		corpus_of(&c, p ? PROFILE_PUBLIC : PROFILE_INTERNAL, strip, 1);
		c.site.import = &ic;
		profile_release(&c); /* drop corpus_of's flags: allow again with the taxonomies */
		profile_allow(&c);
		CHECK(c.allow.taxonomy[0] == !p); /* "customer": internal only */
		CHECK(c.allow.taxonomy[1] && c.allow.taxonomy[2]);
		c.site.import = NULL;
		release(&c);
	}
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_public_strips_every_named_field),
		TEST(test_public_keeps_what_strip_does_not_name),
		TEST(test_internal_is_left_alone),
		TEST(test_strips_names_the_fields),
		TEST(test_taxonomies_shown),
	};
	return harness_run("profile", cases, ARRAY_SIZE(cases));
}
