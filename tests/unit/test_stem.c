/*
 * Unit tests for stem.c.  The cases are data: tests/search/stem.txt holds
 * "word stem" lines from the reference Snowball implementation, and the
 * browser test holds search.js's stemmer to the same file.
 */
#include "harness.h"
#include "search/stem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VECTORS "tests/search/stem.txt"

static void check_stem(const char *word, const char *want)
{
	char buf[STEM_MAX + 8];
	size_t n = strlen(word);
	memcpy(buf, word, n + 1);
	n = stem_english(buf, n);
	buf[n] = '\0';
	CHECK_STR(buf, want);
}

static void test_vectors(void)
{
	FILE *f = fopen(VECTORS, "r");
	char line[256], word[128], stem[128];
	int cases = 0, wrong = 0;
	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || sscanf(line, "%127s %127s", word, stem) != 2)
			continue;
		char buf[STEM_MAX + 8];
		size_t n = strlen(word);
		memcpy(buf, word, n + 1);
		buf[stem_english(buf, n)] = '\0';
		cases++;
		if (strcmp(buf, stem)) {
			if (wrong++ < 20)
				fprintf(stderr, "%s: stem(%s) is %s, want %s\n", VECTORS, word, buf,
					stem);
		}
	}
	fclose(f);
	CHECK(cases > 5000);
	CHECK_INT(wrong, 0);
}

static void test_inflections_meet(void)
{
	check_stem("deploy", "deploy");
	check_stem("deployed", "deploy");
	check_stem("deploying", "deploy");
	check_stem("deployments", "deploy");
	check_stem("transcoder", "transcod");
	check_stem("transcoders", "transcod");
}

static void test_left_alone(void)
{
	check_stem("", "");
	check_stem("go", "go");
	check_stem("news", "news");	    /* an exception */
	check_stem("ab3c", "ab3c");	    /* not all letters */
	check_stem("Deployed", "Deployed"); /* not lowercase */
	check_stem("café", "café");
	/* longer than STEM_MAX */
	check_stem("deploymentsdeploymentsdeploymentsdeploymentsdeploymentsdeployments",
		   "deploymentsdeploymentsdeploymentsdeploymentsdeploymentsdeployments");
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_vectors),
		TEST(test_inflections_meet),
		TEST(test_left_alone),
	};
	return harness_run("stem", cases, sizeof(cases) / sizeof(cases[0]));
}
