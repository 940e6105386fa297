/*
 * The descriptor-only stat calls, performed for the program. The filter allows the form with
 * a NULL path by itself (filter.c); the form with "" reaches the supervisor, since the path
 * is in the caller's memory: letting the call through after reading "" (CONTINUE) would let
 * another thread write a name there first, and the kernel would look that name up with no
 * decision taken. So the supervisor takes a copy of the descriptor (pidfd_getfd), stats it
 * itself, and writes the result where the caller asked: the kernel never reads the path
 * again. Copying a descriptor shares its open file, so the answer is the caller's own.
 */

#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fstat.h"
#include "names.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD		O_EXCL
#endif
#ifndef AT_STATX_SYNC_TYPE
#define AT_STATX_SYNC_TYPE	0x6000
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd		438
#endif

/* What the kernel reads newfstatat's flags as when the path is empty (vfs_fstatat). */
#define NEWFSTATAT_FLAGS	(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT)

static int nr_newfstatat = -2, nr_statx = -2;

static int
is_fstat_form(const struct seccomp_notif *n, int *is_statx)
{
	uint64_t	 flags;

	if (nr_newfstatat == -2) {
		nr_newfstatat = sg_call_number("newfstatat");
		nr_statx = sg_call_number("statx");
	}
	if (n->data.nr == nr_newfstatat && nr_newfstatat >= 0) {
		*is_statx = 0;
		flags = n->data.args[3];
		/* Other flags are for the kernel to refuse, or not, as its version says. */
		if ((flags & ~(uint64_t)NEWFSTATAT_FLAGS) != 0)
			return 0;
	} else if (n->data.nr == nr_statx && nr_statx >= 0) {
		*is_statx = 1;
		flags = n->data.args[2];
	} else {
		return 0;
	}
	return (int)n->data.args[0] >= 0 && n->data.args[1] != 0 && (flags & AT_EMPTY_PATH);
}

int
sg_fd_copy(pid_t tid, pid_t tgid, int pidfd, int fd)
{
	int	 thread = -1, copy, err;

	/* A thread may have a descriptor table of its own (unshare(CLONE_FILES)). */
	if (tid != tgid) {
		if ((thread = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD)) == -1)
			return -errno;
		pidfd = thread;
	}
	if (pidfd == -1)
		return -ESRCH;
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = errno;
	if (thread != -1)
		close(thread);
	return copy == -1 ? -err : copy;
}

int
sg_fstat_perform(struct sg_listener *l, pid_t tgid, int pidfd)
{
	const struct seccomp_notif *n = l->notif;
	pid_t		 tid = (pid_t)n->pid;
	struct stat	 st;
	struct statx	 stx;
	const void	*result;
	size_t		 size;
	int		 is_statx, fd, rc;
	char		 first;

	if (!is_fstat_form(n, &is_statx))
		return 0;
	/* The path must be "": its first byte, read once, decides; it is never read again. */
	if (sg_mem_read(tid, n->data.args[1], &first, 1) != 1 || first != '\0')
		return 0;
	if ((fd = sg_fd_copy(tid, tgid, pidfd, (int)n->data.args[0])) < 0) {
		/* A descriptor the caller does not have: its own call fails the same way. */
		if (fd == -EBADF) {
			sg_notif_fail(l, n->id, EBADF);
			return 1;
		}
		return 0;
	}
	if (is_statx) {
		rc = statx(fd, "", (int)n->data.args[2], (unsigned)n->data.args[3], &stx);
		result = &stx;
		size = sizeof(stx);
	} else {
		rc = fstat(fd, &st);
		result = &st;
		size = sizeof(st);
	}
	rc = rc == -1 ? errno : 0;
	close(fd);
	if (rc != 0) {
		sg_notif_fail(l, n->id, rc);
		return 1;
	}
	rc = sg_mem_write(l, n->id, tid, n->data.args[is_statx ? 4 : 2], result, size);
	if (rc == -1 && errno == ESRCH)
		return 1;	/* the caller is gone: nobody to answer */
	if (rc == -1)
		sg_notif_fail(l, n->id, EFAULT);
	else
		sg_notif_return(l, n->id, 0);
	return 1;
}
