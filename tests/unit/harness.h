/*
 * harness: the unit tests' tiny framework.
 *
 * A test file defines `void test_<name>(void)` functions and lists them in
 * TESTS; CHECK records a failure with file and line and goes on.  Each test
 * binary prints "name: N passed, N failed" and exits 1 on any failure.
 */
#ifndef AFTERMATH_HARNESS_H
#define AFTERMATH_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_passed, harness_failed;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (cond) {                                                                      \
			harness_passed++;                                                        \
		} else {                                                                         \
			harness_failed++;                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                                \
	} while (0)

#define CHECK_STR(got, want)                                                                    \
	do {                                                                                    \
		const char *g_ = (got), *w_ = (want);                                           \
		if (g_ && w_ && strcmp(g_, w_) == 0) {                                          \
			harness_passed++;                                                       \
		} else {                                                                        \
			harness_failed++;                                                       \
			fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
				g_ ? g_ : "(null)", w_ ? w_ : "(null)");                        \
		}                                                                               \
	} while (0)

#define CHECK_INT(got, want)                                                                  \
	do {                                                                                  \
		long long g_ = (long long)(got), w_ = (long long)(want);                      \
		if (g_ == w_) {                                                               \
			harness_passed++;                                                     \
		} else {                                                                      \
			harness_failed++;                                                     \
			fprintf(stderr, "%s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, \
				#got, g_, w_);                                                \
		}                                                                             \
	} while (0)

typedef void (*harness_fn)(void);
struct harness_case {
	const char *name;
	harness_fn fn;
};
#define TEST(name)          \
	{                   \
#name, name \
	}

static inline int harness_run(const char *suite, const struct harness_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cases[i].fn();
	printf("%s: %d passed, %d failed\n", suite, harness_passed, harness_failed);
	fflush(stdout);
	return harness_failed ? 1 : 0;
}

#endif
