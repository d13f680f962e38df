/* feeds: Atom feed and sitemap (see feeds.h). */
#include "emit/feeds.h"

#include <string.h>

/*
 * Characters XML 1.0 forbids: C0 controls other than tab, LF and CR, and
 * U+FFFE and U+FFFF (EF BF BE, EF BF BF).  Input is valid UTF-8.
 */
static size_t xml_forbidden(const char *s, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
		return 1;
	if (c == 0xef && (unsigned char)s[i + 1] == 0xbf &&
	    ((unsigned char)s[i + 2] & 0xfe) == 0xbe)
		return 3;
	return 0;
}

/* s as XML text or attribute value: escaped (as HTML is), forbidden characters dropped. */
static void xml_text(struct buf *b, const char *s)
{
	size_t start = 0, i = 0, skip;
	for (; s[i]; i++) {
		if (!(skip = xml_forbidden(s, i)))
			continue;
		buf_add_html(b, s + start, i - start);
		i += skip - 1;
		start = i + 1;
	}
	buf_add_html(b, s + start, i - start);
}

/* An RFC 3339 time for w (midnight UTC for a date). */
static void rfc3339(char out[21], const struct when *w)
{
	struct when t = *w;
	t.has_time = true;
	when_iso(&t, out);
}

void feeds_atom(struct buf *b, const struct corpus *c, const char *base)
{
	char when[21];
	size_t n = c->npms < FEED_ENTRIES ? c->npms : FEED_ENTRIES;
	buf_adds(
		b,
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
	xml_text(b, c->site.title);
	buf_adds(b, "</title>\n<subtitle>");
	xml_text(b, c->site.description);
	buf_adds(b, "</subtitle>\n<link href=\"");
	xml_text(b, base);
	buf_adds(b, "\"/>\n<link rel=\"self\" href=\"");
	xml_text(b, base);
	buf_adds(b, "feed.xml\"/>\n<id>");
	xml_text(b, base);
	buf_adds(b, "</id>\n<generator>aftermath</generator>\n");
	if (n) {
		const struct postmortem *newest = &c->pms[0];
		rfc3339(when, newest->published.set ? &newest->published : &newest->date);
		buf_addf(b, "<updated>%s</updated>\n", when);
	} else {
		buf_adds(b, "<updated>1970-01-01T00:00:00Z</updated>\n");
	}
	for (size_t i = 0; i < n; i++) {
		const struct postmortem *pm = &c->pms[i];
		buf_adds(b, "<entry>\n<title>");
		xml_text(b, pm->id);
		buf_adds(b, ": ");
		xml_text(b, pm->title);
		buf_adds(b, "</title>\n<link href=\"");
		xml_text(b, base);
		buf_adds(b, "postmortems/");
		xml_text(b, pm->slug);
		buf_adds(b, "/\"/>\n<id>");
		xml_text(b, base);
		buf_adds(b, "postmortems/");
		xml_text(b, pm->slug);
		buf_adds(b, "/</id>\n");
		rfc3339(when, pm->published.set ? &pm->published : &pm->date);
		buf_addf(b, "<updated>%s</updated>\n", when);
		rfc3339(when, &pm->date);
		buf_addf(b, "<published>%s</published>\n<author><name>", when);
		xml_text(b, c->site.title);
		buf_adds(b, "</name></author>\n<category term=\"");
		xml_text(b, c->site.severities[pm->severity]);
		buf_adds(b, "\"/>\n");
		if (pm->summary) {
			buf_adds(b, "<summary>");
			xml_text(b, pm->summary);
			buf_adds(b, "</summary>\n");
		}
		buf_adds(b, "</entry>\n");
	}
	buf_adds(b, "</feed>\n");
}

static void url_entry(struct buf *b, const char *base, const char *path)
{
	buf_adds(b, "<url><loc>");
	xml_text(b, base);
	xml_text(b, path);
	buf_adds(b, "</loc></url>\n");
}

void feeds_sitemap(struct buf *b, const struct corpus *c, const struct graph *g, const char *base)
{
	static const char *const fixed[] = {"",		"postmortems/", "timeline/", "services/",
					    "factors/", "tags/",	"actions/",  "metrics/"};
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		url_entry(b, base, fixed[i]);
	struct buf path = BUF_INIT;
	for (size_t i = 0; i < c->npms; i++) {
		buf_reset(&path);
		buf_addf(&path, "postmortems/%s/", c->pms[i].slug);
		url_entry(b, base, buf_cstr(&path));
	}
	for (int k = 0; k < NTERM_KINDS; k++) {
		if (k == TERM_OWNER && !c->allow.owners)
			continue;
		if (k == TERM_OWNER)
			url_entry(b, base, "owners/"); /* the index; tags/ is in fixed */
		for (size_t i = 0; i < g->nnodes[k]; i++) {
			buf_reset(&path);
			buf_addf(&path, "%s/%s/", term_kind_dir((enum term_kind)k),
				 g->nodes[k][i].slug);
			url_entry(b, base, buf_cstr(&path));
		}
	}
	for (size_t i = 0; i < c->npages; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/", c->pages[i].slug);
		url_entry(b, base, buf_cstr(&path));
	}
	buf_release(&path);
	buf_adds(b, "</urlset>\n");
}

int feeds_write(const struct corpus *c, const struct graph *g, const char *base_url,
		struct output *out)
{
	struct buf b = BUF_INIT;
	int ret = 0;
	feeds_atom(&b, c, base_url);
	ret |= output_write_buf(out, "feed.xml", &b);
	buf_reset(&b);
	feeds_sitemap(&b, c, g, base_url);
	ret |= output_write_buf(out, "sitemap.xml", &b);
	buf_release(&b);
	return ret;
}
