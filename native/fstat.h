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

/*
 * A copy of thread tid's descriptor fd (pidfd_getfd; pidfd is its process's, a thread's own
 * is opened when tid is not the main thread, which may have a descriptor table of its own);
 * -errno.
 */
int	 sg_fd_copy(pid_t tid, pid_t tgid, int pidfd, int fd);

#endif /* SYSGATE_FSTAT_H */
