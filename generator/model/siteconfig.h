/*
 * siteconfig: site.yaml, typed and validated.
 *
 * A missing site.yaml gives the defaults.  Unknown top-level keys are kept in
 * `front` for templates and hooks.  Every string is owned by struct site and
 * freed by site_release().
 */
#ifndef AFTERMATH_SITECONFIG_H
#define AFTERMATH_SITECONFIG_H

#include "model/mdscreen.h"
#include "model/model.h"
#include "model/policy.h"
#include "model/sitelinks.h"
#include "yaml/yamltree.h"

/* aliases: one canonical name and the other spellings that mean it. */
struct alias {
	char *canonical;
	char **names;
	size_t nnames;
	struct loc loc;
};

/* An entry of the optional services: registry. */
struct service_info {
	char *name, *slug;
	char *description, *team; /* NULL when not given */
	/* who escalated action items go to (policy.h); NULL when not given */
	char *owner;
	int tier; /* 0 when not given */
	char **link_titles, **link_urls;
	size_t nlinks;
	struct loc loc;
};

/* A public.redact rule; `pattern` in PCRE2 syntax. */
struct redact_rule {
	char *pattern, *replace;
	struct loc loc;
};

/* fields: our field name -> the author's field name. */
struct field_map {
	char *ours, *theirs;
	struct loc loc;
};

struct import_cfg;

struct site {
	char *path; /* "content/site.yaml" as used in diagnostics; NULL when absent */
	char *title, *description, *base_url, *language;
	enum visibility default_visibility;
	char **severities;
	size_t nseverities;
	int recurring_threshold;
	bool allow_html;	    /* markdown.unsafe_html: keep raw HTML in bodies */
	struct md_limits md_limits; /* markdown.max_*: what the Markdown screen allows */
	char *id_pattern;	    /* for `aftermath new`, default "PM-{year}-{seq:3}" */
	struct alias *aliases;
	size_t naliases;
	struct service_info *services; /* the registry; NULL when there is none */
	size_t nservices;
	bool has_registry;
	struct field_map *fields;
	size_t nfields;
	char **strip; /* public.strip */
	size_t nstrip;
	struct redact_rule *redact;
	size_t nredact;
	char **deny;
	size_t ndeny;
	/* fields:, defaults:, import:, taxonomies:, computed:, read by the load stage (load/fieldmap.h); NULL when none is given */
	struct import_cfg *import;
	void (*import_free)(struct import_cfg *); /* how site_release frees it */
	/* taxonomies:' names, in order (pm->taxa's), for the public profile; the names are import's */
	const char **taxonomies;
	size_t ntaxonomies;
	struct policy policy;	 /* policy: (policy.h) */
	struct site_links links; /* tickets:, edit_url:, teams: (sitelinks.h) */
	/* public.show_ids: public builds keep internal ids (default: public ids, see corpus.h) */
	bool show_ids;
	struct ynode *front; /* the whole document (NULL when absent) */
};

/* Defaults only: no file read. */
void site_init(struct site *s);
/*
 * Read `dir`/site.yaml when it exists into *s (after site_init).  Returns 0,
 * or -1 after reporting every problem found.  The keys of later stages
 * (fields:, defaults:, import:, taxonomies:, lint:) are left in s->front for
 * them: fieldmap_site_load() (load/fieldmap.h) calls this and reads its own.
 */
int site_load(struct site *s, const char *dir);
void site_release(struct site *s);

/* Index of severity name in s->severities, or -1. */
int site_severity(const struct site *s, const char *name);
/*
 * The services registry's spelling of service `name`, compared by slug and
 * through aliases: (graph.c's canonical name); NULL when the registry does
 * not have it.  Owned by the site.
 */
const char *site_service_registered(const struct site *s, const char *name);
/* The author's name for our field `ours` (ours itself when not mapped). */
const char *site_field(const struct site *s, const char *ours);

#endif
