/*
 * The smallest test harness that reports where a check failed: one function, one macro to
 * pass the line, and a summary that sets the exit status.
 */

#ifndef SYSGATE_CHECK_H
#define SYSGATE_CHECK_H

#include <stdio.h>

static int check_failures;
static int check_count;

static void
check_at(int ok, const char *what, const char *file, int line)
{
	check_count++;
	if (!ok) {
		check_failures++;
		fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
	}
}

#define CHECK(cond)	check_at((cond) != 0, #cond, __FILE__, __LINE__)

static int
check_summary(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
	return check_failures == 0 ? 0 : 1;
}

#endif /* SYSGATE_CHECK_H */
