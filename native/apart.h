/*
 * Calls that would block the supervisor (connect on a blocking socket, the open of a FIFO
 * waiting for its other end) run apart, each in a thread of its own that answers the kernel
 * when the call is done, so that the supervisor goes on deciding meanwhile.
 */

#ifndef SYSGATE_APART_H
#define SYSGATE_APART_H

/* At most this many at once: more fail with EAGAIN. */
#define SG_APART_MAX	64

/*
 * Runs fn(arg) in a detached thread; fn must call sg_apart_done() last. 0, or -errno (and arg
 * is still the caller's to free).
 */
int	 sg_apart_start(void *(*fn)(void *), void *arg);
void	 sg_apart_done(void);
/* How many run now. */
int	 sg_apart_running(void);

#endif /* SYSGATE_APART_H */
