/*
 * What every hostile program shares: a bound on its attempts (a count and a time), a thread
 * that flips a buffer between a permitted and a forbidden value, and the one line of output the
 * test reads: `attempts N [permitted P] escapes M`. An escape is an attempt whose effect reached what the
 * policy forbids; the test fails on a single one.
 */

#ifndef SYSGATE_HOSTILE_H
#define SYSGATE_HOSTILE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct budget {
	long		 max;		/* attempts */
	struct timespec	 until;		/* and no later than this */
};

static inline void
budget_start(struct budget *b, long max, double seconds)
{
	clock_gettime(CLOCK_MONOTONIC, &b->until);
	b->until.tv_sec += (time_t)seconds;
	b->until.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (b->until.tv_nsec >= 1000000000L) {
		b->until.tv_sec++;
		b->until.tv_nsec -= 1000000000L;
	}
	b->max = max;
}

/* Whether attempt number i (from 0) may still be made. */
static inline int
budget_left(const struct budget *b, long i)
{
	struct timespec	 now;

	if (i >= b->max)
		return 0;
	if (i % 64 != 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < b->until.tv_sec ||
	    (now.tv_sec == b->until.tv_sec && now.tv_nsec < b->until.tv_nsec);
}

/*
 * `permitted` counts the attempts that did what the policy permits (-1: not counted), which
 * shows that the attack raced real, successful calls rather than calls that all failed.
 */
static inline int
report(long attempts, long permitted, long escapes)
{
	if (permitted >= 0)
		printf("attempts %ld permitted %ld escapes %ld\n", attempts, permitted, escapes);
	else
		printf("attempts %ld escapes %ld\n", attempts, escapes);
	fflush(stdout);
	return escapes == 0 ? 0 : 3;
}

/*
 * A thread that keeps writing `a` then `b` over `buf` (n bytes each) until told to stop: the
 * second thread of systrace's classic attack, changing an argument between check and use.
 */
struct flipper {
	pthread_t	 thread;
	volatile char	*buf;
	const void	*a, *b;
	size_t		 n;
	atomic_int	 stop;
};

static void *
flip_loop(void *arg)
{
	struct flipper	*f = arg;
	size_t		 i;

	while (!atomic_load_explicit(&f->stop, memory_order_relaxed)) {
		for (i = 0; i < f->n; i++)
			f->buf[i] = ((const char *)f->a)[i];
		for (i = 0; i < f->n; i++)
			f->buf[i] = ((const char *)f->b)[i];
	}
	return NULL;
}

static inline void
flip_start(struct flipper *f, void *buf, const void *a, const void *b, size_t n)
{
	f->buf = buf;
	f->a = a;
	f->b = b;
	f->n = n;
	atomic_store(&f->stop, 0);
	if (pthread_create(&f->thread, NULL, flip_loop, f) != 0) {
		perror("pthread_create");
		exit(2);
	}
}

static inline void
flip_stop(struct flipper *f)
{
	atomic_store(&f->stop, 1);
	pthread_join(f->thread, NULL);
}

#endif /* SYSGATE_HOSTILE_H */
