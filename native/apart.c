/*
 * Threads for calls that run apart (apart.h). Such a thread holds no part of the supervisor's
 * state: it has the call's own copy of what it needs, answers through
 * sg_notif_answer_apart or ADDFD (both safe from any thread), and takes on credentials only
 * for itself (they end with it).
 */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include "apart.h"

static atomic_int running;

int
sg_apart_start(void *(*fn)(void *), void *arg)
{
	pthread_attr_t	 attr;
	pthread_t	 t;
	int		 err;

	if (atomic_fetch_add(&running, 1) >= SG_APART_MAX) {
		atomic_fetch_sub(&running, 1);
		return -EAGAIN;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	err = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		atomic_fetch_sub(&running, 1);
		return -err;
	}
	return 0;
}

void
sg_apart_done(void)
{
	atomic_fetch_sub(&running, 1);
}

int
sg_apart_running(void)
{
	return atomic_load(&running);
}
