/*
 * importcfg: what site.yaml's `fields:`, `defaults:`, `import:` and
 * `taxonomies:` say, as every stage sees it (the load stage reads it:
 * load/fieldmap.h; the profile, the graph and the writers look at the
 * taxonomies).
 */
#ifndef AFTERMATH_IMPORTCFG_H
#define AFTERMATH_IMPORTCFG_H

#include "base/diag.h"
#include "yaml/ynode.h"

struct hooks;

/* One `fields:` entry: our (possibly dotted) name, the author's names in order, an optional split. */
struct fm_rule {
	char *ours;
	char **theirs;
	size_t ntheirs;
	char *split; /* NULL: no split */
	struct loc loc;
};

/* A `taxonomies:` entry: a browsable dimension of the site's own. */
struct taxonomy {
	char *name;	/* the field (and the folder: /<name>/) */
	char *title;	/* "Companies" */
	char *singular; /* "Company" */
	struct loc loc;
};

/* Names of on_postmortem's computed fields, each where site.yaml gives it (computed.search, computed.public). */
struct name_list {
	char **v;
	struct loc *locs;
	size_t n;
};

struct import_cfg {
	struct fm_rule *rules;
	size_t nrules;
	const struct ynode *defaults; /* in site->front; NULL when none */
	bool front_optional;	      /* import.front_matter: optional */
	bool skip_invalid;	      /* import.on_invalid: skip */
	bool read_body;		      /* import.read_body (default: true when import: is given) */
	struct taxonomy *tax;
	size_t ntax;
	struct hooks *hooks; /* scripts/NAME.lua with on_load (hooks.h); NULL when none */
	struct name_list computed_search; /* computed fields written into the search records */
	/* computed fields a public build may publish (default: none) */
	struct name_list computed_public;
	struct loc computed_loc; /* the computed: key (line 0: not given) */
};

#endif
