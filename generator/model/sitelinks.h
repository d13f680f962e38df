/*
 * sitelinks: site.yaml's links out of the site and its teams: `tickets:`
 * (a URL template an action item's ticket id goes into), `edit_url:` (a URL
 * template a source file's path goes into, for "Edit this page") and
 * `teams:` (team name -> the people in it, so owners roll up to team pages).
 *
 * Templates are checked when site.yaml is read: http or https, the
 * placeholder exactly once.  Every string is owned by struct site_links and
 * freed by site_links_release().
 */
#ifndef AFTERMATH_SITELINKS_H
#define AFTERMATH_SITELINKS_H

#include "base/util.h"
#include "yaml/yamltree.h"

struct team {
	char *name, *slug;
	char **members; /* as written, each once */
	size_t nmembers;
	struct loc loc; /* of its name in site.yaml */
};

struct site_links {
	char *tickets;	    /* "https://jira.example.com/browse/{}", or NULL */
	char *edit_url;	    /* "https://github.com/org/kb/edit/main/{path}", or NULL */
	struct team *teams; /* in site.yaml's order */
	size_t nteams;
};

/*
 * Read site.yaml key k (value v) when it is one of tickets, edit_url, teams:
 * 0 when read, -1 after a diagnostic at its line and column, 1 when k is
 * not one of them.
 */
int site_links_key(struct site_links *l, const char *k, const struct ynode *v);
void site_links_release(struct site_links *l);

/*
 * Append the ticket's URL (the template with `ticket` percent-encoded in
 * place of {}) to out; false, appending nothing, when there is no template
 * or the ticket is empty.
 */
bool site_ticket_url(const struct site_links *l, const char *ticket, struct buf *out);

/*
 * Append the edit URL of the source file `rel` (relative to the content
 * directory; each segment percent-encoded, the slashes kept) to out; false
 * when there is no template.
 */
bool site_edit_url(const struct site_links *l, const char *rel, struct buf *out);

#endif
