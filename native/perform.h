/*
 * The calls that name a file, but for the open family, performed by the supervisor on the
 * program's behalf, so that the file acted on is the file the policy decided on.
 */

#ifndef SYSGATE_PERFORM_H
#define SYSGATE_PERFORM_H

#include <limits.h>

#include "credentials.h"
#include "intercept.h"
#include "translate.h"

/* Whether the supervisor performs this call itself when its decision rests on its names. */
int	 sg_perform_handles(const char *name);

/*
 * Performs c as its caller would (credentials st, process descriptor pidfd) and answers the
 * kernel: returns 0. Returns 1 when c names no file here (utimensat(fd, NULL, ...)) and may
 * be let through with CONTINUE, -1 when the supervisor's own credentials could not be
 * restored (fatal).
 */
int	 sg_perform(struct sg_listener *l, const struct sg_syscall *c, const struct sg_status *st,
	    int pidfd);

/*
 * The file path i of c names, opened (O_PATH) as the calls here open it: a copy of the
 * caller's descriptor it stands for, or the name without following any link (a link swapped
 * in: ELOOP); -errno.
 */
int	 sg_perform_open(const struct sg_syscall *c, int i, int pidfd);
/* Opens a resolved name without following any link on the way; -errno. */
int	 sg_open_pinned(const char *name, uint64_t flags);

#endif /* SYSGATE_PERFORM_H */
