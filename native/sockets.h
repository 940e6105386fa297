/*
 * connect, bind, sendto and sendmsg with an address, performed by the supervisor on the
 * program's own socket, so that the address used is the address the policy decided on.
 */

#ifndef SYSGATE_SOCKETS_H
#define SYSGATE_SOCKETS_H

#include "credentials.h"
#include "intercept.h"
#include "translate.h"

/* Whether the supervisor performs this call itself when its decision rests on the address. */
int	 sg_socket_handles(const char *name);

/*
 * Performs c on a copy of the caller's socket (process descriptor pidfd) with the caller's
 * credentials (st) and answers the kernel, now or, for a call that would block, from a thread
 * of its own when it is done: returns 0. Returns 1 when c is left to the kernel (CONTINUE): no
 * address to act on, or a socket other than AF_INET and AF_INET6 (README: Known gaps). -1
 * when the supervisor's own credentials could not be taken back (fatal; the call answered).
 */
int	 sg_socket_perform(struct sg_listener *l, const struct sg_syscall *c,
	    const struct sg_status *st, int pidfd);
/*
 * The same for a rule's `as uid:gid` (as: the credentials it names): only bind and connect
 * with an address, on an AF_INET or AF_INET6 socket; anything else fails with EPERM, never
 * left to the kernel (returns 0 or -1, never 1).
 */
int	 sg_socket_perform_as(struct sg_listener *l, const struct sg_syscall *c,
	    const struct sg_status *as, int pidfd);

#endif /* SYSGATE_SOCKETS_H */
