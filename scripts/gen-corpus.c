/*
 * gen-corpus: a synthetic knowledge base for tests and benchmarks.
 *
 *   gen-corpus N OUTDIR [--seed S]
 *
 * Writes OUTDIR/site.yaml and N postmortems of about 6 KB each in the brief's
 * format under OUTDIR/postmortems/<year>/, deterministic for a seed: ~60
 * services and ~120 contributing factors with Zipf-like popularity (so
 * factors recur), dates over 2015-2026, all front-matter fields, action items
 * in every status (some overdue against 2026-11-23), some kept as a body task
 * list, wiki-links and related ids to earlier postmortems, and bodies of
 * varied English built from a few thousand words, with inflections (deploy,
 * deployed, deploying, deployment) and rare words for search tests.  About a
 * third are public and complete; some of those mention internal hosts and
 * addresses that a public build must redact.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* Zipf-like: index i with weight 1/(i+1). */
static unsigned zipf(unsigned n)
{
	double h = 0;
	for (unsigned i = 0; i < n; i++)
		h += 1.0 / (i + 1);
	double x = (double)(rnd() >> 11) / 9007199254740992.0 * h;
	for (unsigned i = 0; i < n; i++) {
		x -= 1.0 / (i + 1);
		if (x <= 0)
			return i;
	}
	return n - 1;
}

static const char *const svc_a[] = {"checkout", "payments", "search", "catalog", "identity", "billing", "ledger",
				    "inventory", "shipping", "notifications", "video", "image", "recommendations",
				    "ads", "auth", "session", "pricing", "fraud", "reporting", "gateway"};
static const char *const svc_b[] = {"api", "db", "worker", "cache", "frontend", "queue", "transcoder", "indexer",
				    "scheduler", "proxy"};
static const char *const factor_words[] = {
	"connection pool exhaustion", "missing rate limiting", "config change without canary", "alert fatigue",
	"undocumented operational limits", "retry storm", "expired certificate", "disk full", "clock skew",
	"dns misconfiguration", "unbounded queue growth", "thundering herd", "stale cache", "schema migration lock",
	"memory leak", "noisy neighbour", "runbook out of date", "unclear ownership", "missing dashboard",
	"dependency upgrade", "feature flag misfire", "capacity planning gap", "slow rollback", "split brain",
	"quota exhaustion", "third-party outage", "cloud provider incident", "bgp route leak", "hot partition",
	"lock contention", "log volume spike", "cron overlap", "timeout mismatch", "missing idempotency",
	"silent data corruption", "backup never restored", "single point of failure", "manual toil",
	"handoff gap", "paging misroute", "status page delay", "customer comms delay", "incomplete load test",
	"garbage collection pauses", "file descriptor exhaustion", "kernel upgrade", "tls handshake failures",
	"connection draining", "health check too shallow", "circuit breaker misconfigured"};
static const char *const categories[] = {"technical", "process", "communication", "external"};
static const char *const tags[] = {"database", "capacity", "network", "deploy", "config", "security", "storage",
				   "latency", "availability", "data-loss", "monitoring", "dependency", "cost",
				   "kubernetes", "dns", "tls", "cache", "queue", "mobile", "web"};
static const char *const first[] = {"Priya", "Tom", "Lee", "Ana", "Marcus", "Yuki", "Fatima", "Jonas", "Chen",
				    "Olga", "Ravi", "Sofia", "Kwame", "Elena", "Diego", "Hana", "Noah", "Amara",
				    "Lukas", "Mei"};
static const char *const last[] = {"Natarajan", "Ruiz", "Park", "Diaz", "Okafor", "Tanaka", "Haddad", "Berg",
				   "Wei", "Ivanova", "Menon", "Rossi", "Mensah", "Popescu"};
static const char *const sev[] = {"SEV1", "SEV2", "SEV3", "SEV3", "SEV4", "SEV4", "SEV4", "SEV2", "SEV3", "SEV4"};
static const char *const ai_status[] = {"done", "done", "done", "open", "open", "in-progress", "wont-do"};
static const char *const prio[] = {"must", "must", "should", "should", "nice"};

/* Body vocabulary: common words, inflected verbs and rare words. */
static const char *const nouns[] = {
	"request", "replica", "primary", "node", "cluster", "pod", "deployment", "rollout", "release", "config",
	"dashboard", "alert", "pager", "queue", "consumer", "producer", "partition", "shard", "index", "cache",
	"connection", "pool", "thread", "socket", "timeout", "retry", "backoff", "latency", "throughput", "error",
	"budget", "load", "balancer", "proxy", "certificate", "token", "session", "schema", "migration", "table",
	"lock", "transaction", "snapshot", "backup", "volume", "disk", "memory", "heap", "kernel", "region",
	"zone", "failover", "runbook", "incident", "responder", "customer", "checkout", "payment", "invoice", "job"};
static const char *const verbs[][4] = {
	{"deploy", "deployed", "deploying", "deploys"},   {"restart", "restarted", "restarting", "restarts"},
	{"throttle", "throttled", "throttling", "throttles"}, {"degrade", "degraded", "degrading", "degrades"},
	{"saturate", "saturated", "saturating", "saturates"}, {"page", "paged", "paging", "pages"},
	{"roll back", "rolled back", "rolling back", "rolls back"}, {"drain", "drained", "draining", "drains"},
	{"exhaust", "exhausted", "exhausting", "exhausts"}, {"detect", "detected", "detecting", "detects"},
	{"mitigate", "mitigated", "mitigating", "mitigates"}, {"scale", "scaled", "scaling", "scales"},
	{"reject", "rejected", "rejecting", "rejects"}, {"migrate", "migrated", "migrating", "migrates"},
	{"replicate", "replicated", "replicating", "replicates"}, {"evict", "evicted", "evicting", "evicts"}};
static const char *const adjs[] = {"slow", "stale", "unexpected", "partial", "intermittent", "elevated",
				   "sustained", "noisy", "degraded", "healthy", "misconfigured", "overloaded",
				   "cold", "warm", "regional", "internal", "upstream", "downstream"};
static const char *const rare[] = {
	"zeppelin", "quokka", "marzipan", "obsidian", "halcyon", "juniper", "vermilion", "kaleidoscope", "nebula",
	"tundra", "sassafras", "gossamer", "labyrinth", "monsoon", "paradox", "quasar", "rhapsody", "sequoia",
	"tamarind", "umbra", "vortex", "wisteria", "xylophone", "yonder", "zephyr", "alabaster", "basilisk",
	"cardamom", "dulcimer", "equinox", "fandango", "gargoyle", "hibiscus", "isthmus", "jacaranda", "kumquat"};

#define A(x) (sizeof(x) / sizeof((x)[0]))
#define PICK(x) (x)[below(A(x))]

struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		o->cap = (o->cap + (size_t)n + 1) * 2;
		o->p = realloc(o->p, o->cap);
		if (!o->p)
			exit(3);
	}
}

static char service_names[60][40];
static char factor_names[120][64];
static int factor_cat[120];

static void person(char *buf, size_t n)
{
	snprintf(buf, n, "%s %s", PICK(first), PICK(last));
}

static void sentence(struct out *o)
{
	const char *const *v = verbs[below(A(verbs))];
	switch (below(6)) {
	case 0: put(o, "The %s %s the %s %s. ", PICK(adjs), PICK(nouns), PICK(nouns), v[1]); break;
	case 1: put(o, "We were %s the %s when the %s started to %s. ", v[2], PICK(nouns), PICK(nouns), verbs[below(A(verbs))][0]); break;
	case 2: put(o, "Each %s %s a %s %s, so the %s became %s. ", PICK(nouns), v[3], PICK(adjs), PICK(nouns), PICK(nouns), PICK(adjs)); break;
	case 3: put(o, "A %s %s was %s after the %s %s. ", PICK(adjs), PICK(nouns), v[1], PICK(nouns), PICK(nouns)); break;
	case 4: put(o, "The %sment of the %s took %u minutes. ", v[0], PICK(nouns), 2 + below(90)); break;
	default: put(o, "Nobody expected the %s to %s under %s %s. ", PICK(nouns), v[0], PICK(adjs), PICK(nouns)); break;
	}
	if (below(40) == 0)
		put(o, "The %s %s showed up again. ", PICK(rare), PICK(nouns));
}

static void paragraph(struct out *o, int n)
{
	for (int i = 0; i < n; i++)
		sentence(o);
	put(o, "\n\n");
}

static void date_of(int i, int n, int *y, int *m, int *d)
{
	/* spread evenly over 2015-01 .. 2026-10 with jitter */
	long days = (long)((double)i / n * (11 * 365 + 270)) + below(20);
	*y = 2015 + (int)(days / 365);
	int doy = (int)(days % 365);
	*m = 1 + doy / 31;
	if (*m > 12)
		*m = 12;
	*d = 1 + doy % 28;
}

static void mkdirs(const char *path)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0777);
			*p = '/';
		}
	}
	mkdir(tmp, 0777);
}

static void action_items(struct out *o, int y, bool body)
{
	int n = (int)below(7);
	if (body)
		put(o, "## Action items\n\n");
	else if (n)
		put(o, "action_items:\n");
	else
		put(o, "action_items: []\n");
	for (int k = 0; k < n; k++) {
		char who[64];
		person(who, sizeof(who));
		const char *st = PICK(ai_status);
		int dy = y + (int)below(2), dm = 1 + (int)below(12), dd = 1 + (int)below(28);
		const char *const *v = verbs[below(A(verbs))];
		if (body) {
			put(o, "- [%c] %s the %s %s before it can %s again (owner: %s, due: %04d-%02d-%02d, priority: %s)\n",
			    !strcmp(st, "done") ? 'x' : ' ', v[0], PICK(adjs), PICK(nouns), verbs[below(A(verbs))][0], who,
			    dy, dm, dd, PICK(prio));
			continue;
		}
		put(o, "  - title: %s %s %s alerts for the %s\n", below(2) ? "Add" : "Tune", PICK(adjs), PICK(nouns),
		    PICK(nouns));
		put(o, "    owner: %s\n", who);
		if (below(8))
			put(o, "    due: %04d-%02d-%02d\n", dy, dm, dd);
		put(o, "    status: %s\n    priority: %s\n    ticket: OPS-%u\n", st, PICK(prio), 1000 + below(90000));
		if (!strcmp(st, "done"))
			put(o, "    closed: %04d-%02d-%02d\n", dy, dm, dd);
		put(o, "    success_criteria: the %s stays below %u%% during the next load test\n", PICK(nouns), 50 + below(40));
	}
	if (body)
		put(o, "\n");
}

static void postmortem(struct out *o, int i, int n, int y, int m, int d)
{
	char owner[64], author[64];
	person(owner, sizeof(owner));
	person(author, sizeof(author));
	bool public_pm = below(3) == 0, body_actions = below(20) == 0;
	const char *status = below(10) ? "complete" : (below(2) ? "draft" : "in-review");
	const char *kind = below(33) == 0 ? "drill" : (below(20) == 0 ? "near-miss" : "incident");
	unsigned nsvc = 1 + below(3), nfac = 1 + below(4);
	unsigned s0 = zipf(60);
	put(o, "---\nid: PM-%04d-%05d\n", y, i + 1);
	put(o, "title: %s %s %s after %s\n", service_names[s0], PICK(adjs), PICK(nouns), factor_names[zipf(120)]);
	if (below(3))
		put(o, "date: %04d-%02d-%02d\n", y, m, d);
	else
		put(o, "date: %04d-%02d-%02dT%02u:%02u:00%s\n", y, m, d, below(24), below(60), below(4) ? "Z" : "+02:00");
	put(o, "status: %s\nseverity: %s\nkind: %s\nvisibility: %s\n", status, PICK(sev), kind,
	    public_pm ? "public" : "internal");
	put(o, "owner: %s\nauthors: [%s, %s]\n", owner, owner, author);
	put(o, "summary: The %s %s %s for %u minutes while the %s was %s.\n", service_names[s0], PICK(verbs)[1],
	    PICK(nouns), 5 + below(120), PICK(nouns), PICK(adjs));
	put(o, "services: [%s", service_names[s0]);
	for (unsigned k = 1; k < nsvc; k++)
		put(o, ", %s", service_names[zipf(60)]);
	put(o, "]\ncontributing_factors:\n");
	for (unsigned k = 0; k < nfac; k++) {
		unsigned f = zipf(120);
		if (below(2))
			put(o, "  - %s\n", factor_names[f]);
		else
			put(o, "  - name: %s\n    category: %s\n", factor_names[f], categories[factor_cat[f]]);
	}
	put(o, "tags: [%s, %s]\n", PICK(tags), PICK(tags));
	unsigned h = below(20), det = 1 + below(120), mit = det + below(180), res = mit + below(600);
	put(o, "impact:\n  started: %04d-%02d-%02dT%02u:00:00Z\n", y, m, d, h);
	put(o, "  detected: %04d-%02d-%02dT%02u:%02u:00Z\n", y, m, d, h + det / 60, det % 60);
	if (h + mit / 60 < 24)
		put(o, "  mitigated: %04d-%02d-%02dT%02u:%02u:00Z\n", y, m, d, h + mit / 60, mit % 60);
	if (h + res / 60 < 24)
		put(o, "  resolved: %04d-%02d-%02dT%02u:%02u:00Z\n", y, m, d, h + res / 60, res % 60);
	put(o, "  customers_affected: %u\n  description: %u%% of requests failed\n", below(50000), 1 + below(60));
	if (d + 9 <= 28)
		put(o, "published: %04d-%02d-%02d\n", y, m, d + (int)below(10));
	if (i > 10 && below(5) == 0)
		put(o, "related: [PM-%04d-%05d]\n", 0, 0); /* replaced below */
	if (below(50) == 0)
		put(o, "featured: true\n");
	if (!body_actions)
		action_items(o, y, false);
	put(o, "---\n");
	put(o, "## Summary\n\n");
	paragraph(o, 4);
	put(o, "## Impact\n\n");
	paragraph(o, 3);
	put(o, "## Timeline\n\n| Time (UTC) | Event |\n|---|---|\n");
	for (unsigned k = 0; k < 6; k++)
		put(o, "| %02u:%02u | The %s %s %s |\n", (h + k) % 24, below(60), PICK(nouns), PICK(verbs)[1], PICK(adjs));
	put(o, "\n## Root cause\n\n");
	paragraph(o, 9);
	if (public_pm && below(2))
		put(o, "The traffic went through db-%u.corp.example.com at 10.%u.%u.%u before it failed.\n\n", below(40),
		    below(255), below(255), below(255));
	put(o, "## Contributing factors\n\n");
	paragraph(o, 3);
	put(o, "## Trigger\n\n");
	paragraph(o, 2);
	put(o, "```\nkubectl rollout undo deployment/%s --to-revision=%u\n```\n\n", service_names[s0], 1 + below(40));
	put(o, "## Detection\n\n");
	paragraph(o, 3);
	put(o, "## Resolution\n\n");
	paragraph(o, 6);
	if (i > 0 && below(4) == 0)
		put(o, "This looked like [[PM-LINK]] at first.\n\n");
	put(o, "## Lessons learned\n\n### What went well\n\n");
	paragraph(o, 2);
	put(o, "### What went wrong\n\n");
	paragraph(o, 5);
	put(o, "### Where we got lucky\n\n");
	paragraph(o, 2);
	if (body_actions)
		action_items(o, y, true);
	(void)n;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: gen-corpus N OUTDIR [--seed S]\n");
		return 2;
	}
	int n = atoi(argv[1]);
	const char *dir = argv[2];
	rng_state = argc > 4 && !strcmp(argv[3], "--seed") ? strtoull(argv[4], NULL, 10) : 42;
	for (unsigned i = 0; i < 60; i++)
		snprintf(service_names[i], sizeof(service_names[i]), "%s-%s", svc_a[i % A(svc_a)],
			 svc_b[(i / A(svc_a) + i) % A(svc_b)]);
	for (unsigned i = 0; i < 120; i++) {
		if (i < A(factor_words))
			snprintf(factor_names[i], sizeof(factor_names[i]), "%s", factor_words[i]);
		else
			snprintf(factor_names[i], sizeof(factor_names[i]), "%s %s", adjs[i % A(adjs)], nouns[(i * 7) % A(nouns)]);
		factor_cat[i] = (int)(i % 4);
	}
	mkdirs(dir);
	char path[4096];
	snprintf(path, sizeof(path), "%s/site.yaml", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "gen-corpus: cannot write %s: %s\n", path, strerror(errno));
		return 3;
	}
	fprintf(f, "title: Synthetic postmortems\ndescription: A generated corpus for tests and benchmarks\n"
		   "aliases:\n  connection pool exhaustion: [pool exhaustion, Connection-Pool Exhaustion]\n"
		   "public:\n  redact:\n    - pattern: '\\b10\\.\\d+\\.\\d+\\.\\d+\\b'\n      replace: '[internal address]'\n"
		   "    - pattern: '(?i)\\b[a-z0-9-]+\\.corp\\.example\\.com\\b'\n      replace: '[internal host]'\n");
	fclose(f);
	int *years = malloc(sizeof(int) * (size_t)n);
	struct out o = {0};
	for (int i = 0; i < n; i++) {
		int y, m, d;
		date_of(i, n, &y, &m, &d);
		years[i] = y;
		o.len = 0;
		postmortem(&o, i, n, y, m, d);
		/* point related ids and wiki-links at a real earlier postmortem */
		char *p;
		while ((p = strstr(o.p, "PM-0000-00000")) != NULL || (p = strstr(o.p, "PM-LINK")) != NULL) {
			int j = i > 0 ? (int)below((unsigned)i) : 0;
			char id[32];
			int len = snprintf(id, sizeof(id), "PM-%04d-%05d", years[j], j + 1);
			size_t old = !strncmp(p, "PM-LINK", 7) ? 7 : 13;
			memmove(p + len, p + old, o.len - (size_t)(p - o.p) - old + 1);
			memcpy(p, id, (size_t)len);
			o.len = o.len - old + (size_t)len;
		}
		snprintf(path, sizeof(path), "%s/postmortems/%04d", dir, y);
		mkdirs(path);
		snprintf(path, sizeof(path), "%s/postmortems/%04d/pm-%04d-%05d.md", dir, y, y, i + 1);
		f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "gen-corpus: cannot write %s: %s\n", path, strerror(errno));
			return 3;
		}
		fwrite(o.p, 1, o.len, f);
		fclose(f);
	}
	free(o.p);
	free(years);
	return 0;
}
