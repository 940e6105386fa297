/*
 * newfstatat(fd, "", buf, AT_EMPTY_PATH) and statx(fd, "", AT_EMPTY_PATH, ...): the C
 * library's fstat, which names no file. Like fstat itself they are part of the baseline and
 * never decided; the supervisor performs them on a copy of the caller's descriptor.
 */

#ifndef SYSGATE_FSTAT_H
#define SYSGATE_FSTAT_H

#include <sys/types.h>

#include "intercept.h"

/*
 * When the notification in l->notif is such a call, performs it and answers the kernel:
 * returns 1. Returns 0 for every other call, and when this one cannot be performed here (its
 * path is not "", an older kernel): it is then decided like any other.
 */
int	 sg_fstat_perform(struct sg_listener *l, pid_t tgid, int pidfd);

#endif /* SYSGATE_FSTAT_H */
