/*
 * open, openat, openat2 and creat, done here and handed to the caller with
 * SECCOMP_IOCTL_NOTIF_ADDFD + SECCOMP_ADDFD_FLAG_SEND: the path the policy saw is resolved
 * once, in resolve.c, and opened as that resolved name with RESOLVE_NO_SYMLINKS and
 * RESOLVE_NO_MAGICLINKS. A symbolic link swapped in after the decision makes the open fail
 * (ELOOP) instead of leading elsewhere; the caller's own memory is never read again.
 *
 * The open runs with the caller's fsuid, fsgid, groups and umask. O_CLOEXEC becomes the
 * injected descriptor's flag; the kernel installs it under the caller's RLIMIT_NOFILE.
 * O_NOCTTY is always added: the supervisor must not take the terminal as its own.
 */

#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "open.h"

#ifndef O_LARGEFILE_KERNEL
#define O_LARGEFILE_KERNEL	0100000
#endif

/* What open(2) keeps of its flags (the kernel's VALID_OPEN_FLAGS); openat2 rejects others. */
#define OPEN_VALID	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | \
	O_NONBLOCK | O_DSYNC | O_SYNC | FASYNC | O_DIRECT | O_LARGEFILE_KERNEL | O_DIRECTORY | \
	O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE)
#define PATH_VALID	(O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)

static int
creating(uint64_t flags)
{
	return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

/* The open_how the caller's call amounts to, as the kernel's build_open_how() makes it. */
static void
caller_how(const struct sg_syscall *c, struct open_how *how)
{
	memset(how, 0, sizeof(*how));
	how->flags = (uint64_t)(unsigned)c->oflags;
	if (strcmp(c->name, "openat2") != 0) {
		how->flags &= OPEN_VALID;
		if (how->flags & O_PATH)
			how->flags &= PATH_VALID;
	}
	if (creating(how->flags))
		how->mode = c->mode & 07777;
	how->resolve = c->resolve;
}

/*
 * Files this supervisor cannot open in the caller's place: a FIFO blocks the supervisor
 * until a writer comes; /dev/tty is the opener's own terminal.
 */
static int
must_continue(const char *path, uint64_t flags)
{
	struct stat	 st;

	if (stat(path, &st) == -1)
		return 0;
	if (S_ISFIFO(st.st_mode) && !(flags & O_NONBLOCK) && !(flags & O_PATH))
		return 1;
	return S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 0);
}

int
sg_open_perform(struct sg_listener *l, const struct sg_syscall *c, const struct sg_status *st)
{
	struct open_how		 how;
	struct sg_saved_creds	 saved;
	int			 fd, err = 0, cloexec, rc;

	/* The name could not be resolved: the caller's own open would have failed alike. */
	if (c->path == NULL || c->path_error != 0) {
		sg_notif_fail(l, c->id, c->path_error ? c->path_error : EFAULT);
		return 0;
	}
	caller_how(c, &how);
	/* Lexical containment the resolved name no longer has: refuse rather than guess. */
	if (how.resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) {
		sg_notif_fail(l, c->id, EXDEV);
		return 0;
	}
	/* A directory, or a file opened only as a place (O_PATH), neither blocks nor is a tty. */
	if (!(how.flags & (O_DIRECTORY | O_PATH)) && must_continue(c->path, how.flags))
		return 1;
	cloexec = (how.flags & O_CLOEXEC) != 0;
	how.flags |= O_CLOEXEC | O_NOCTTY;
	how.resolve |= RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	if (!sg_notif_valid(l, c->id))
		return 0;
	if (sg_creds_assume(st, creating(how.flags), &saved) == -1) {
		err = EPERM;
		fd = -1;
	} else {
		fd = (int)syscall(SYS_openat2, AT_FDCWD, c->path, &how, sizeof(how));
		err = errno;
	}
	if (sg_creds_restore(&saved) == -1) {
		syslog(LOG_ERR, "cannot restore the supervisor's credentials");
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (fd == -1) {
		sg_notif_fail(l, c->id, err);
		return 0;
	}
	rc = sg_notif_addfd(l, c->id, c->tid, fd, cloexec);
	close(fd);
	if (rc < 0)
		sg_notif_fail(l, c->id, -rc);
	return 0;
}
