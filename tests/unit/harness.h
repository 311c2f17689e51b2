/*
 * The unit programs' harness.  Every check prints one line that
 * tests/run.sh counts:
 *
 *	PASS name
 *	FAIL name: file:line: why
 *	SKIP name: why
 *
 * (and INFO name: text, which nothing counts), and test_summary() ends
 * the program with "N passed, N failed[, N skipped]" and its exit status,
 * 1 on any failure.  Names are plain strings; test_name() formats one.
 *
 * The environment: CI set (and not "false" or "0") makes a conformance
 * suite that is missing from ../shared a failure rather than a skip
 * (test_missing); UPDATE set (UPDATE=1 make check) asks a program to
 * rewrite the expected files of its failing checks (test_update).
 */
#ifndef RBC_TEST_HARNESS_H
#define RBC_TEST_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HARNESS_PRINTF(f, a)	__attribute__((format(printf, f, a)))

/* Reports a failure of check name, with where it was found and why. */
#define FAIL(name, ...) \
	test_fail_at(__FILE__, __LINE__, (name), __VA_ARGS__)
/* Reports check name as passed if ok, else failed here; returns ok. */
#define CHECK(ok, name)	test_check_at(__FILE__, __LINE__, (ok), (name))

static struct {
	int	pass, fail, skip;
} test_count;

/* Prints a PASS line. */
static inline void
test_pass(const char *name)
{
	printf("PASS %s\n", name);
	test_count.pass++;
}

/* Prints a FAIL line: the check's name, file:line, and why. */
static inline HARNESS_PRINTF(4, 5) void
test_fail_at(const char *file, int line, const char *name,
    const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: %s:%d: ", name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	test_count.fail++;
}

/* Returns ok, after printing PASS, or FAIL with file:line. */
static inline int
test_check_at(const char *file, int line, int ok, const char *name)
{
	if (ok)
		test_pass(name);
	else {
		printf("FAIL %s: %s:%d\n", name, file, line);
		test_count.fail++;
	}
	return ok;
}

/* Prints a SKIP line: a check that cannot run here, and why. */
static inline HARNESS_PRINTF(2, 3) void
test_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("SKIP %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	test_count.skip++;
}

/* Prints an INFO line (a figure or a note; not a check). */
static inline HARNESS_PRINTF(2, 3) void
test_info(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("INFO %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Returns 1 if the environment says this is a CI run (CI=true). */
static inline int
test_ci(void)
{
	const char *ci = getenv("CI");

	return ci != NULL && *ci != '\0' && strcmp(ci, "false") != 0 &&
	    strcmp(ci, "0") != 0;
}

/* Returns 1 if UPDATE asks for the expected files to be rewritten. */
static inline int
test_update(void)
{
	const char *u = getenv("UPDATE");

	return u != NULL && *u != '\0' && strcmp(u, "0") != 0;
}

/*
 * Reports a suite that cannot run because its input (../shared) is
 * missing: a SKIP line, or under CI a FAIL, since CI has ../shared.
 */
static inline HARNESS_PRINTF(2, 3) void
test_missing(const char *name, const char *fmt, ...)
{
	va_list ap;

	if (test_ci()) {
		printf("FAIL %s: ", name);
		test_count.fail++;
	} else {
		printf("SKIP %s: ", name);
		test_count.skip++;
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	puts(test_ci() ? " (CI=true: the suite must run)" : "");
}

/*
 * Returns a check name made from fmt, in one of a few static buffers:
 * valid until the fourth call after it.
 */
static inline HARNESS_PRINTF(1, 2) const char *
test_name(const char *fmt, ...)
{
	static char b[4][1024];
	static int k;
	va_list ap;

	k = (k + 1) % 4;
	va_start(ap, fmt);
	vsnprintf(b[k], sizeof(b[k]), fmt, ap);
	va_end(ap);
	return b[k];
}

/* Returns the exit status, after printing the summary line. */
static inline int
test_summary(void)
{
	if (test_count.skip > 0)
		printf("%d passed, %d failed, %d skipped\n", test_count.pass,
		    test_count.fail, test_count.skip);
	else
		printf("%d passed, %d failed\n", test_count.pass,
		    test_count.fail);
	fflush(stdout);
	return test_count.fail > 0;
}

#endif /* RBC_TEST_HARNESS_H */
