/* Unit tests for slug.c: the one rule that makes names match. */
#include "harness.h"
#include "model/slug.h"

#include <stdlib.h>

static void check_slug(const char *in, const char *want)
{
	char *got = slugify(in);
	CHECK_STR(got, want);
	free(got);
}

static void test_ascii(void)
{
	check_slug("Connection pool", "connection-pool");
	check_slug("connection-pool", "connection-pool");
	check_slug("CONNECTION  POOL", "connection-pool");
	check_slug("checkout-api", "checkout-api");
	check_slug("PM-2024-017", "pm-2024-017");
}

static void test_punctuation_runs_and_edges(void)
{
	check_slug("  --Retry storm!!--  ", "retry-storm");
	check_slug("a_b.c/d\\e", "a-b-c-d-e");
	check_slug("TLS 1.3 / mTLS", "tls-1-3-mtls");
	check_slug("!!!", "");
	/* Boundary bug class: the ASCII just past 'z' and 'Z' and the digits' ends. */
	check_slug("a{b|c}d~e", "a-b-c-d-e");
	check_slug("[x]y^z`", "x-y-z");
	check_slug("0-9 @A Z", "0-9-a-z");
	check_slug("pm/2019", "pm-2019");
	check_slug("", "");
}

static void test_non_ascii_kept(void)
{
	check_slug("Zahlungsdienst Größe", "zahlungsdienst-größe");
	check_slug("Café—crème", "café—crème"); /* non-ASCII punctuation is kept too */
	check_slug("東京 region", "東京-region");
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_ascii),
		TEST(test_punctuation_runs_and_edges),
		TEST(test_non_ascii_kept),
	};
	return harness_run("slug", cases, ARRAY_SIZE(cases));
}
