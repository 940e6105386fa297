/*
 * open, openat, openat2 and creat, done here and handed to the caller with
 * SECCOMP_IOCTL_NOTIF_ADDFD + SECCOMP_ADDFD_FLAG_SEND: the path the policy saw is resolved
 * once, in resolve.c, and opened as that resolved name with RESOLVE_NO_SYMLINKS and
 * RESOLVE_NO_MAGICLINKS. A symbolic link swapped in after the decision makes the open fail
 * (ELOOP) instead of leading elsewhere; the caller's own memory is never read again.
 *
 * The open runs with the caller's fsuid, fsgid, groups and umask. O_CLOEXEC becomes the
 * injected descriptor's flag; the kernel installs it under the caller's RLIMIT_NOFILE.
 * O_NOCTTY is added (but to O_PATH, which opens no terminal and takes no other flag): the
 * supervisor must not take the terminal as its own. Never
 * CONTINUE: a FIFO whose open waits is opened in a thread of its own (apart.c), /dev/tty as
 * the caller's own controlling terminal.
 */

#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "apart.h"
#include "fstat.h"
#include "open.h"
#include "resolve.h"

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

/* How an open is made: here, apart (it waits), or as the caller's own terminal. */
enum way { HERE, APART, TERMINAL };

/*
 * The devices whose open never waits: the memory devices (/dev/null, /dev/zero,
 * /dev/urandom, ...), /dev/ptmx and the pseudo-terminals. Another device's open may wait
 * (a serial line for its carrier, a sound card while it is busy, a drive for its medium).
 */
static int
opens_at_once(dev_t rdev)
{
	return major(rdev) == 1 || rdev == makedev(5, 2) ||
	    (major(rdev) >= 136 && major(rdev) <= 143);
}

/*
 * A FIFO opened for reading or for writing alone, without O_NONBLOCK, waits for its other
 * end, and a device's open may wait too: such an open runs apart (apart.c), so that the
 * supervisor is never held by what the program chose to open. /dev/tty (5,0) is the
 * opener's controlling terminal, which need not be the supervisor's. What the name is was
 * seen when it was resolved (c->path_st), else it is looked at now; a file put there after
 * the look is found by the open itself (open_here).
 */
static enum way
way_of(const struct sg_syscall *c, const char *path, uint64_t flags)
{
	struct stat	 st;
	int		 acc = (int)(flags & O_ACCMODE);

	if (c->path_st.st_mode != 0 && path == c->path)
		st = c->path_st;
	else if (c->path_missing_exact && path == c->path)
		return HERE;
	else if (stat(path, &st) == -1)
		return HERE;
	if (S_ISFIFO(st.st_mode))
		return (flags & (O_NONBLOCK | O_PATH)) || acc == O_RDWR ||
		    (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) ? HERE : APART;
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 0))
		return TERMINAL;
	if ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) && !(flags & O_NONBLOCK) &&
	    !opens_at_once(st.st_rdev))
		return APART;
	return HERE;
}

/*
 * The open made here, which must not wait on anything the program controls: without the
 * caller's O_NONBLOCK it is made with it all the same, so that a lease the program holds on
 * the file makes it fail at once (EWOULDBLOCK) instead of waiting out the lease-break time
 * (45 s), and a FIFO put at the name since the look opens at once or fails (ENXIO); the flag
 * is then taken off again. -2 when the open must be made apart instead, as the caller's own
 * open would wait (the lease broken meanwhile, the FIFO's other end, a device); else the
 * descriptor, or -1 with errno.
 */
static int
open_here(const char *path, const struct open_how *how_in)
{
	struct open_how	 how = *how_in;
	struct stat	 st;
	int		 fd, fl;

	if (how.flags & (O_NONBLOCK | O_PATH | O_DIRECTORY))
		return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	how.flags |= O_NONBLOCK;
	if ((fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how))) == -1)
		return errno == EWOULDBLOCK || errno == ENXIO ? -2 : -1;
	if (fstat(fd, &st) == -1 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) ||
	    (S_ISCHR(st.st_mode) && opens_at_once(st.st_rdev)) ||
	    (S_ISFIFO(st.st_mode) && (how.flags & O_ACCMODE) == O_RDWR))) {
		close(fd);
		return -2;
	}
	/*
	 * F_SETFL sets only O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME and O_ASYNC, which the
	 * open left as the caller asked (the open itself checked O_DIRECT and O_NOATIME): its
	 * own flags, without O_NONBLOCK, are the file's without it, and no F_GETFL is needed.
	 */
	if (fcntl(fd, F_SETFL, how_in->flags) == -1) {
		fl = errno;
		close(fd);
		errno = fl;
		return -1;
	}
	return fd;
}

/* A process's controlling terminal (tty_nr of /proc/PID/stat); 0 for none, -1 unknown. */
static long
terminal_of(const char *stat_path)
{
	char	 buf[1024], *p;
	long	 tty;
	int	 fd;
	ssize_t	 n;

	if ((fd = open(stat_path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* After the name, which may hold anything: state ppid pgrp session tty_nr. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %*d %*d %ld", &tty) != 1)
		return -1;
	return tty;
}

/*
 * The name of the caller's controlling terminal, for its open of /dev/tty: /dev/tty itself
 * when it is the supervisor's too, a pseudo-terminal's /dev/pts/N, or a device of /dev with
 * that number. -errno: ENXIO for a caller without one, as the kernel says.
 */
static int
terminal_name(pid_t tid, char *out, size_t size)
{
	static long	 own = -2;
	char		 path[64];
	long		 tty;
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	int		 rc = -ENXIO;

	if (own == -2)
		own = terminal_of("/proc/self/stat");
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	if ((tty = terminal_of(path)) == -1)
		return -ESRCH;
	if (tty == 0)
		return -ENXIO;
	if (tty == own) {
		snprintf(out, size, "/dev/tty");
		return 0;
	}
	if (major((dev_t)tty) >= 136 && major((dev_t)tty) <= 143) {
		snprintf(out, size, "/dev/pts/%u",
		    (major((dev_t)tty) - 136) * 256 + minor((dev_t)tty));
		return 0;
	}
	if ((d = opendir("/dev")) == NULL)
		return -ENXIO;
	while ((e = readdir(d)) != NULL) {
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISCHR(st.st_mode) && st.st_rdev == (dev_t)tty) {
			snprintf(out, size, "/dev/%s", e->d_name);
			rc = 0;
			break;
		}
	}
	closedir(d);
	return rc;
}

/* An open that runs apart: all it needs, copied. */
struct waiting_open {
	const struct sg_listener *l;
	uint64_t	 id;
	char		 path[PATH_MAX];
	struct open_how	 how;
	int		 cloexec;
	int		 held;		/* the descriptor copy path names, or -1 */
	struct sg_status st;
};

static void *
open_apart(void *arg)
{
	struct waiting_open	*w = arg;
	struct sg_saved_creds	 saved;
	int			 fd, rc;

	/* The credentials are this thread's alone, and end with it: nothing to give back. */
	if (sg_creds_assume(&w->st, 0, &saved) == -1) {
		rc = -EPERM;
	} else if ((fd = (int)syscall(SYS_openat2, AT_FDCWD, w->path, &w->how,
	    sizeof(w->how))) == -1) {
		rc = -errno;
	} else {
		rc = sg_notif_addfd_apart(w->l, w->id, fd, w->cloexec);
		close(fd);
	}
	if (rc < 0)
		sg_notif_answer_apart(w->l, w->id, 0, -rc);
	if (w->held != -1)
		close(w->held);
	free(w);
	sg_apart_done();
	return NULL;
}

/* Hands the open to a thread of its own; 0 when it is started, else -errno. */
static int
start_waiting_open(struct sg_listener *l, const struct sg_syscall *c, const char *path,
    const struct open_how *how, int cloexec, int held, const struct sg_status *st)
{
	struct waiting_open	*w;
	int			 rc;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -ENOMEM;
	w->l = l;
	w->id = c->id;
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->how = *how;
	/* It opens a FIFO that is there: it creates nothing, and needs no umask. */
	w->how.flags &= ~(uint64_t)O_CREAT;
	w->how.mode = 0;
	w->cloexec = cloexec;
	w->held = held;
	w->st = *st;
	if ((rc = sg_apart_start(open_apart, w)) != 0)
		free(w);
	return rc;
}

/*
 * A copy of the caller's own descriptor that its name is (/proc/self/fd/N of a pipe, a
 * socket, a file without a name left), for the open to reopen as the kernel's own open
 * would: through the copy's /proc/self/fd link, under the caller's credentials, so the
 * kernel's permission checks on the object are the caller's. It must still lead to no name
 * (a descriptor with a name was decided by that name: ELOOP, as for a link swapped in).
 */
static int
own_copy(const struct sg_syscall *c, const struct open_how *how, int pidfd, char *path,
    size_t size)
{
	int	 fd;

	/* The kernel's own lookup would refuse the magic link. */
	if (how->resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS))
		return -ELOOP;
	if ((fd = sg_fd_copy(c->tid, c->tgid, pidfd, c->path_own_fd)) < 0)
		return fd;
	if (!sg_nameless(fd)) {
		close(fd);
		return -ELOOP;
	}
	snprintf(path, size, "/proc/self/fd/%d", fd);
	return fd;
}

/*
 * The open of path: 0 when it is answered, 2 when a thread of its own will answer it (and
 * close held, the descriptor copy path names, or -1), -1 when fatal.
 */
static int
open_at(struct sg_listener *l, const struct sg_syscall *c, struct open_how *how_in,
    const char *path, int held, const struct sg_status *st)
{
	struct open_how		 how = *how_in;
	struct sg_saved_creds	 saved;
	char			 terminal[PATH_MAX];
	enum way		 way;
	int			 fd, err = 0, cloexec, rc;

	/* A directory, or a file opened only as a place (O_PATH), neither waits nor is a tty. */
	way = how.flags & (O_DIRECTORY | O_PATH) ? HERE : way_of(c, path, how.flags);
	if (way == TERMINAL && (rc = terminal_name(c->tid, terminal, sizeof(terminal))) < 0) {
		sg_notif_fail(l, c->id, -rc);
		return 0;
	}
	if (way == TERMINAL)
		path = terminal;
	cloexec = (how.flags & O_CLOEXEC) != 0;
	/* O_PATH takes no other flag (openat2 says EINVAL), and opens no terminal anyway. */
	how.flags |= O_CLOEXEC | (how.flags & O_PATH ? 0 : O_NOCTTY);
	/* The supervisor's own /proc/self/fd/N is the one link it must follow. */
	if (held == -1)
		how.resolve |= RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	if (!sg_notif_valid(l, c->id))
		return 0;
	if (way == APART) {
		if ((rc = start_waiting_open(l, c, path, &how, cloexec, held, st)) < 0)
			sg_notif_fail(l, c->id, -rc);
		return rc < 0 ? 0 : 2;
	}
	if (sg_creds_assume(st, creating(how.flags), &saved) == -1) {
		err = EPERM;
		fd = -1;
	} else {
		fd = open_here(path, &how);
		err = errno;
	}
	if (sg_creds_restore(&saved) == -1) {
		syslog(LOG_ERR, "cannot restore the supervisor's credentials");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd == -2) {
		if ((rc = start_waiting_open(l, c, path, &how, cloexec, held, st)) < 0)
			sg_notif_fail(l, c->id, -rc);
		return rc < 0 ? 0 : 2;
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

int
sg_open_perform(struct sg_listener *l, const struct sg_syscall *c, const struct sg_status *st,
    int pidfd)
{
	struct open_how		 how;
	char			 own[64];
	const char		*path = c->path;
	int			 rc, held = -1;

	/* The name could not be resolved: the caller's own open would have failed alike. */
	if (c->path == NULL || c->path_error != 0) {
		sg_notif_fail(l, c->id, c->path_error ? c->path_error : EFAULT);
		return 0;
	}
	caller_how(c, &how);
	/*
	 * ADDFD cannot hand over an O_PATH descriptor (the kernel's fget() refuses them: EBADF),
	 * so open and openat with O_PATH, whose flags are a register, are the kernel's (CONTINUE;
	 * native/README.md says what the race on the name gives). openat2's are in memory: a
	 * second thread could turn O_PATH into O_RDWR, so it is performed, and fails with EBADF.
	 */
	if ((how.flags & O_PATH) && strcmp(c->name, "openat2") != 0)
		return 1;
	/* Lexical containment the resolved name no longer has: refuse rather than guess. */
	if (how.resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) {
		sg_notif_fail(l, c->id, EXDEV);
		return 0;
	}
	/* Found missing, its directory there (resolve.c): what the caller's open would say. */
	if (c->path_missing_exact && !creating(how.flags) && sg_creds_are_own(st)) {
		sg_notif_fail(l, c->id, ENOENT);
		return 0;
	}
	if (c->path_own_fd >= 0) {
		if ((held = own_copy(c, &how, pidfd, own, sizeof(own))) < 0) {
			sg_notif_fail(l, c->id, -held);
			return 0;
		}
		path = own;
	}
	/* 2: a waiting open took the copy, and closes it. */
	if ((rc = open_at(l, c, &how, path, held, st)) == 2)
		return 0;
	if (held != -1)
		close(held);
	return rc;
}
