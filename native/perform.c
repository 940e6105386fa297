/*
 * The calls that name a file, but for the open family (open.c), performed by the supervisor
 * for the program when their decision rested on the name: the kernel would read the name
 * again from the program's memory after a CONTINUE, where a second thread could have
 * written another (systrace's race), and would look it up again, where a directory could
 * have been swapped for a symbolic link. Here the name decided on is the name acted on,
 * and it is looked up without following any link:
 *
 *   * a call that makes, removes or renames a name (unlink, rmdir, mkdir, mknod, symlink,
 *     link, rename) opens the name's parent directory with openat2(O_PATH | O_DIRECTORY,
 *     RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) and acts on the last component relative
 *     to it (unlinkat, mkdirat, renameat2, ...), which none of these follows;
 *   * a call on an existing file (chmod, chown, truncate, utimes, the stat family, access,
 *     readlink, statfs, the xattr calls, file_getattr, name_to_handle_at, inotify_add_watch,
 *     fanotify_mark) opens the file itself the same way (O_PATH; with O_NOFOLLOW where the
 *     call does not follow a last link) and acts on that descriptor (AT_EMPTY_PATH, or
 *     /proc/self/fd/N where the call has no such form, or /proc/self/fd/P/NAME through the
 *     parent where that would follow a link the call must not), writing what it returns into
 *     the program's memory (process_vm_writev, after NOTIF_ID_VALID).
 *
 * The names were resolved by resolve.c, links and all, so an honest program's call finds no
 * link on the way; a link swapped in after the decision makes the call fail (ELOOP) rather
 * than lead elsewhere. "" with AT_EMPTY_PATH names the caller's descriptor: a copy of it
 * (pidfd_getfd, taken when it was named) is acted on; so are the calls on a descriptor
 * (fchmod, fchown, ftruncate, fallocate, fsetxattr, fremovexattr, futimens), made on the copy
 * itself, since another thread could put another file on that number after the decision;
 * inotify_add_watch and fanotify_mark act for a copy of the
 * caller's group. Everything runs under the caller's fsuid, fsgid and groups and with no
 * effective capability it lacks (credentials.c), with its umask for mkdir and mknod; access
 * takes its real ids, as the kernel's access() does, unless AT_EACCESS.
 */

#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/vfs.h>
#include <sys/xattr.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <utime.h>

#include "fstat.h"
#include "perform.h"
#include "resolve.h"

#ifndef AT_EACCESS
#define AT_EACCESS		0x200
#endif
#ifndef AT_STATX_SYNC_TYPE
#define AT_STATX_SYNC_TYPE	0x6000
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2		439
#endif
#ifndef XATTR_SIZE_MAX
#define XATTR_SIZE_MAX		65536
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat		463
#define SYS_getxattrat		464
#define SYS_listxattrat		465
#define SYS_removexattrat	466
#endif
#ifndef SYS_file_getattr
#define SYS_file_getattr	468
#define SYS_file_setattr	469
#endif
#define XATTR_ARGS_SIZE_VER0	16
#define MAX_HANDLE_BYTES	128
#define HANDLE_MNT_ID_UNIQUE	0x001
#ifndef IN_DONT_FOLLOW
#define IN_DONT_FOLLOW		0x02000000
#endif
#ifndef SYS_renameat2
#define SYS_renameat2		316
#endif

enum op {
	OP_UNLINK, OP_MKDIR, OP_MKNOD, OP_SYMLINK, OP_LINK, OP_RENAME,
	OP_CHMOD, OP_CHOWN, OP_TRUNCATE, OP_UTIME, OP_UTIMES, OP_UTIMENSAT,
	OP_SETXATTR, OP_REMOVEXATTR, OP_SETXATTRAT, OP_REMOVEXATTRAT, OP_FILE_SETATTR,
	OP_INOTIFY, OP_FANOTIFY, OP_FALLOCATE,
	/* From here on, calls that only look. */
	OP_STAT, OP_STATX, OP_STATFS, OP_ACCESS, OP_READLINK, OP_GETXATTR, OP_LISTXATTR,
	OP_GETXATTRAT, OP_LISTXATTRAT, OP_FILE_GETATTR, OP_NAME_TO_HANDLE
};

/* The calls that act on the file through a descriptor of the supervisor's (on_at). */
#define ON_AT(op)	((op) == OP_SETXATTRAT || (op) == OP_REMOVEXATTRAT || \
	(op) == OP_FILE_SETATTR || (op) == OP_INOTIFY || (op) == OP_FANOTIFY || \
	(op) >= OP_GETXATTRAT)
/* The calls that act on a descriptor of the caller's own (an inotify or fanotify group). */
#define ON_GROUP(op)	((op) == OP_INOTIFY || (op) == OP_FANOTIFY)

/*
 * Each call: what it does, which argument holds its AT_* (or RENAME_*) flags (-1: none),
 * the flags its name implies, the flags the kernel accepts there (others: EINVAL), and the
 * arguments the operation reads (a: mode, uid, length, times, buffer...; b: gid, dev, size).
 */
struct performed {
	const char	*name;
	enum op		 op;
	int		 flags_arg;
	unsigned	 implied, valid;
	int		 a, b;
};

#define NOFOLLOW	AT_SYMLINK_NOFOLLOW
#define EMPTY		AT_EMPTY_PATH
#define AUTOMOUNT	AT_NO_AUTOMOUNT

/* Sorted by name. */
static const struct performed performed[] = {
	{ "access",	OP_ACCESS,	-1, 0, 0, 1, -1 },
	{ "chmod",	OP_CHMOD,	-1, 0, 0, 1, -1 },
	{ "chown",	OP_CHOWN,	-1, 0, 0, 1, 2 },
	{ "faccessat",	OP_ACCESS,	-1, 0, 0, 2, -1 },
	{ "faccessat2",	OP_ACCESS,	3, 0, AT_EACCESS | NOFOLLOW | EMPTY, 2, -1 },
	{ "fallocate",	OP_FALLOCATE,	-1, 0, 0, 1, 2 },
	{ "fanotify_mark", OP_FANOTIFY,	-1, 0, 0, 1, 2 },
	{ "fchmod",	OP_CHMOD,	-1, 0, 0, 1, -1 },
	{ "fchmodat",	OP_CHMOD,	-1, 0, 0, 2, -1 },
	{ "fchmodat2",	OP_CHMOD,	3, 0, NOFOLLOW | EMPTY, 2, -1 },
	{ "fchown",	OP_CHOWN,	-1, 0, 0, 1, 2 },
	{ "fchownat",	OP_CHOWN,	4, 0, NOFOLLOW | EMPTY, 2, 3 },
	{ "fgetxattr",	OP_GETXATTR,	-1, 0, 0, 2, 3 },
	{ "file_getattr", OP_FILE_GETATTR, 4, 0, NOFOLLOW | EMPTY, 2, 3 },
	{ "file_setattr", OP_FILE_SETATTR, 4, 0, NOFOLLOW | EMPTY, 2, 3 },
	{ "flistxattr",	OP_LISTXATTR,	-1, 0, 0, 1, 2 },
	{ "fremovexattr", OP_REMOVEXATTR, -1, 0, 0, -1, -1 },
	/* fsetxattr's own flags (XATTR_CREATE, XATTR_REPLACE), checked by the kernel. */
	{ "fsetxattr",	OP_SETXATTR,	4, 0, ~0U, 2, 3 },
	{ "ftruncate",	OP_TRUNCATE,	-1, 0, 0, 1, -1 },
	{ "futimesat",	OP_UTIMES,	-1, 0, 0, 2, -1 },
	{ "getxattr",	OP_GETXATTR,	-1, 0, 0, 2, 3 },
	{ "getxattrat",	OP_GETXATTRAT,	2, 0, NOFOLLOW | EMPTY, 4, 5 },
	{ "inotify_add_watch", OP_INOTIFY, -1, 0, 0, 2, -1 },
	{ "lchown",	OP_CHOWN,	-1, NOFOLLOW, 0, 1, 2 },
	{ "lgetxattr",	OP_GETXATTR,	-1, 0, 0, 2, 3 },
	{ "link",	OP_LINK,	-1, 0, 0, -1, -1 },
	{ "linkat",	OP_LINK,	4, 0, AT_SYMLINK_FOLLOW | EMPTY, -1, -1 },
	{ "listxattr",	OP_LISTXATTR,	-1, 0, 0, 1, 2 },
	{ "listxattrat", OP_LISTXATTRAT, 2, 0, NOFOLLOW | EMPTY, 3, 4 },
	{ "llistxattr",	OP_LISTXATTR,	-1, 0, 0, 1, 2 },
	{ "lremovexattr", OP_REMOVEXATTR, -1, 0, 0, -1, -1 },
	{ "lsetxattr",	OP_SETXATTR,	4, 0, ~0U, 2, 3 },
	{ "lstat",	OP_STAT,	-1, NOFOLLOW, 0, 1, -1 },
	{ "mkdir",	OP_MKDIR,	-1, 0, 0, 1, -1 },
	{ "mkdirat",	OP_MKDIR,	-1, 0, 0, 2, -1 },
	{ "mknod",	OP_MKNOD,	-1, 0, 0, 1, 2 },
	{ "mknodat",	OP_MKNOD,	-1, 0, 0, 2, 3 },
	/* name_to_handle_at's flags (AT_HANDLE_*), checked by the kernel. */
	{ "name_to_handle_at", OP_NAME_TO_HANDLE, 4, 0, ~0U, 2, 3 },
	{ "newfstatat",	OP_STAT,	3, 0, NOFOLLOW | EMPTY | AUTOMOUNT, 2, -1 },
	{ "readlink",	OP_READLINK,	-1, 0, 0, 1, 2 },
	{ "readlinkat",	OP_READLINK,	-1, 0, 0, 2, 3 },
	{ "removexattr", OP_REMOVEXATTR, -1, 0, 0, -1, -1 },
	{ "removexattrat", OP_REMOVEXATTRAT, 2, 0, NOFOLLOW | EMPTY, -1, -1 },
	{ "rename",	OP_RENAME,	-1, 0, 0, -1, -1 },
	{ "renameat",	OP_RENAME,	-1, 0, 0, -1, -1 },
	/* renameat2's own flags (RENAME_*), checked by the kernel. */
	{ "renameat2",	OP_RENAME,	4, 0, ~0U, -1, -1 },
	{ "rmdir",	OP_UNLINK,	-1, AT_REMOVEDIR, 0, -1, -1 },
	/* setxattr's own flags (XATTR_CREATE, XATTR_REPLACE), checked by the kernel. */
	{ "setxattr",	OP_SETXATTR,	4, 0, ~0U, 2, 3 },
	{ "setxattrat",	OP_SETXATTRAT,	2, 0, NOFOLLOW | EMPTY, 4, 5 },
	{ "stat",	OP_STAT,	-1, 0, 0, 1, -1 },
	{ "statfs",	OP_STATFS,	-1, 0, 0, 1, -1 },
	{ "statx",	OP_STATX,	2, 0, NOFOLLOW | EMPTY | AUTOMOUNT | AT_STATX_SYNC_TYPE, 3, 4 },
	{ "symlink",	OP_SYMLINK,	-1, 0, 0, -1, -1 },
	{ "symlinkat",	OP_SYMLINK,	-1, 0, 0, -1, -1 },
	{ "truncate",	OP_TRUNCATE,	-1, 0, 0, 1, -1 },
	{ "unlink",	OP_UNLINK,	-1, 0, 0, -1, -1 },
	/* unlinkat's flags (AT_REMOVEDIR), checked by the kernel. */
	{ "unlinkat",	OP_UNLINK,	2, 0, ~0U, -1, -1 },
	{ "utime",	OP_UTIME,	-1, 0, 0, 1, -1 },
	{ "utimensat",	OP_UTIMENSAT,	3, 0, NOFOLLOW | EMPTY, 2, -1 },
	{ "utimes",	OP_UTIMES,	-1, 0, 0, 1, -1 },
};

#define NPERFORMED	(sizeof(performed) / sizeof(performed[0]))

static int
performed_compare(const void *key, const void *elem)
{
	return strcmp(key, ((const struct performed *)elem)->name);
}

static const struct performed *
find(const char *name)
{
	return bsearch(name, performed, NPERFORMED, sizeof(performed[0]), performed_compare);
}

int
sg_perform_handles(const char *name)
{
	return find(name) != NULL;
}

/* What a call gives back into the caller's memory, besides its return value. */
struct result {
	long long	 value;		/* the call's return value, or -errno */
	uint64_t	 addr;		/* where out goes; 0 for nothing */
	size_t		 len;
	uint64_t	 addr2;		/* where out2 goes (name_to_handle_at's mount id) */
	size_t		 len2;
	uint64_t	 out2;
	union {
		struct stat	 st;
		struct statx	 stx;
		struct statfs	 sfs;
		char		 link[PATH_MAX];
		char		 data[XATTR_SIZE_MAX];	/* an xattr's value, or their list */
	} out;
};

/* An attribute's value read from the caller, for setxattr and setxattrat. */
static char	 value[XATTR_SIZE_MAX];

/* Opens a resolved name without following any link on the way; -errno. */
int
sg_open_pinned(const char *name, uint64_t flags)
{
	struct open_how	 how;
	int		 fd;

	memset(&how, 0, sizeof(how));
	how.flags = flags | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, name, &how, sizeof(how));
	return fd == -1 ? -errno : fd;
}

/*
 * The parent directory of path i, opened, and its last component in *base ("/" is its own
 * parent, with "." as the name: the kernel then refuses what it would refuse for "/").
 */
static int
open_parent(const struct sg_syscall *c, int i, char *base, size_t size)
{
	char		 parent[PATH_MAX];
	const char	*slash;

	snprintf(parent, sizeof(parent), "%s", c->paths[i]);
	slash = strrchr(parent, '/');
	if (slash == NULL || parent[0] != '/')
		return -ENOENT;
	if (slash[1] == '\0') {
		snprintf(base, size, ".");
	} else {
		snprintf(base, size, "%s", slash + 1);
		parent[slash == parent ? 1 : slash - parent] = '\0';
	}
	return sg_open_pinned(parent, O_PATH | O_DIRECTORY);
}

/*
 * A copy of the caller's descriptor that path i stands for ("" with AT_EMPTY_PATH, fchmod's
 * descriptor, utimensat's with a NULL path), or -1 when the path is a name. The copy taken when
 * the descriptor was named (translate.c), so that the file acted on is the one decided on;
 * else one taken now (no PIDFD_THREAD), before the caller's credentials are: pidfd_getfd needs
 * the supervisor's own (its real uid, or CAP_SYS_PTRACE). -errno on failure.
 */
static int
copy_empty(const struct sg_syscall *c, int i, int pidfd)
{
	int	 fd;

	/* The caller's own nameless descriptor (resolve.h), which must still be nameless. */
	if (c->path_own_fds[i] >= 0) {
		fd = sg_fd_copy(c->tid, c->tgid, pidfd, c->path_own_fds[i]);
		if (fd >= 0 && !sg_nameless(fd)) {
			close(fd);
			return -ELOOP;
		}
		return fd == -EINVAL ? -ENOENT : fd;
	}
	if (!c->path_empty[i] || (c->path_fd[i] == AT_FDCWD && !c->path_fd_only[i]))
		return -1;
	if (c->path_copied[i])
		return (fd = fcntl(c->path_copy[i], F_DUPFD_CLOEXEC, 0)) == -1 ? -errno : fd;
	fd = sg_fd_copy(c->tid, c->tgid, pidfd, c->path_fd[i]);
	/* A thread's descriptor before Linux 6.9 (no PIDFD_THREAD): by the name it resolved to. */
	return fd == -EINVAL && !c->path_fd_only[i] ? -1 : fd;
}

/* The file path i names: the copy of the caller's descriptor, or the name, pinned. */
static int
open_object(const struct sg_syscall *c, int i, int copied)
{
	int	 fd;

	if (copied >= 0)
		return (fd = fcntl(copied, F_DUPFD_CLOEXEC, 0)) == -1 ? -errno : fd;
	return sg_open_pinned(c->paths[i], O_PATH | (c->path_follows[i] ? 0 : O_NOFOLLOW));
}

int
sg_perform_open(const struct sg_syscall *c, int i, int pidfd)
{
	int	 fd;

	if ((fd = copy_empty(c, i, pidfd)) != -1)
		return fd;
	return open_object(c, i, -1);
}

static void
proc_fd(int fd, char *out, size_t size)
{
	snprintf(out, size, "/proc/self/fd/%d", fd);
}

/* -errno of the last call when rc is -1, else rc. */
static long long
check(long long rc)
{
	return rc == -1 ? -errno : rc;
}

/*
 * truncate of the file fd (O_PATH) is, via its /proc/self/fd name. truncate(2) waits out a
 * lease the program holds on the file (the lease-break time, 45 s): a regular file is opened
 * for writing with O_NONBLOCK instead, which fails at once then (EAGAIN, what the program
 * sees; its lease is being broken meanwhile), and truncated through that descriptor. The
 * permission checks are the same (write access, append-only, a running program's ETXTBSY).
 * Anything else truncate refuses by its type, without waiting.
 */
static long long
truncate_file(int fd, const char *via, off_t length)
{
	struct stat	 st;
	long long	 rc;
	int		 wfd;

	if (fstat(fd, &st) == -1)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return check(truncate(via, length));
	if ((wfd = open(via, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	rc = check(ftruncate(wfd, length));
	close(wfd);
	return rc;
}

/* The times of utime, utimes and futimesat, read from the caller, as utimensat takes them. */
static int
read_times(const struct sg_syscall *c, enum op op, uint64_t addr, struct timespec ts[2])
{
	struct utimbuf	 ub;
	struct timeval	 tv[2];
	int		 i;

	if (op == OP_UTIME) {
		if (sg_mem_read(c->tid, addr, &ub, sizeof(ub)) != (ssize_t)sizeof(ub))
			return -EFAULT;
		ts[0].tv_sec = ub.actime;
		ts[1].tv_sec = ub.modtime;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		return 0;
	}
	if (op == OP_UTIMENSAT)
		return sg_mem_read(c->tid, addr, ts, 2 * sizeof(ts[0])) ==
		    (ssize_t)(2 * sizeof(ts[0])) ? 0 : -EFAULT;
	if (sg_mem_read(c->tid, addr, tv, sizeof(tv)) != (ssize_t)sizeof(tv))
		return -EFAULT;
	for (i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return 0;
}

/* A call that makes, removes or renames a name. */
static long long
on_names(const struct sg_syscall *c, const struct performed *p, unsigned flags, int copied)
{
	char		 base[PATH_MAX], base2[PATH_MAX], from[64];
	int		 dir, dir2 = -1, src;
	long long	 rc;

	/* A last component "." or "..": the kernel refuses what the resolved name would allow. */
	if (p->op == OP_UNLINK && ((flags | p->implied) & AT_REMOVEDIR) && c->path_dots[0])
		return c->path_dots[0] == 1 ? -EINVAL : -ENOTEMPTY;
	if (p->op == OP_RENAME && (c->path_dots[0] || c->path_dots[1]))
		return -EBUSY;
	if ((dir = open_parent(c, c->npaths - 1, base, sizeof(base))) < 0)
		return dir;
	switch (p->op) {
	case OP_UNLINK:
		rc = check(unlinkat(dir, base, (int)(flags | p->implied)));
		break;
	case OP_MKDIR:
		rc = check(mkdirat(dir, base, (mode_t)c->args[p->a]));
		break;
	case OP_MKNOD:
		/* The kernel's own encoding of dev, passed as it came. */
		rc = check(syscall(SYS_mknodat, dir, base, (mode_t)c->args[p->a],
		    (unsigned)c->args[p->b]));
		break;
	case OP_SYMLINK:
		rc = c->string == NULL ? -EFAULT : check(symlinkat(c->string, dir, base));
		break;
	case OP_LINK:
		if (c->path_empty[0] || copied >= 0) {
			/* An O_TMPFILE given a name: as open(2) says, through /proc. */
			if ((src = open_object(c, 0, copied)) < 0) {
				rc = src;
				break;
			}
			proc_fd(src, from, sizeof(from));
			rc = check(linkat(AT_FDCWD, from, dir, base, AT_SYMLINK_FOLLOW));
			close(src);
			break;
		}
		/* The source was resolved (and followed, with AT_SYMLINK_FOLLOW) already. */
		if ((dir2 = open_parent(c, 0, base2, sizeof(base2))) < 0) {
			rc = dir2;
			break;
		}
		rc = check(linkat(dir2, base2, dir, base, 0));
		break;
	case OP_RENAME:
		if ((dir2 = open_parent(c, 0, base2, sizeof(base2))) < 0) {
			rc = dir2;
			break;
		}
		rc = check(syscall(SYS_renameat2, dir2, base2, dir, base, flags));
		break;
	default:
		rc = -ENOSYS;
	}
	close(dir);
	if (dir2 != -1)
		close(dir2);
	return rc;
}

/* A call on an existing file. */
static long long
on_file(const struct sg_syscall *c, const struct performed *p, unsigned flags, int copied,
    struct result *r)
{
	struct timespec	 ts[2], *times = NULL;
	struct stat	 st;
	char		 via[64];
	int		 fd;
	long long	 rc;
	ssize_t		 n;

	if ((fd = open_object(c, 0, copied)) < 0)
		return fd;
	proc_fd(fd, via, sizeof(via));
	switch (p->op) {
	case OP_CHMOD:
		/* The kernel does not change a link's mode (fchmodat2 AT_SYMLINK_NOFOLLOW). */
		if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode))
			rc = -EOPNOTSUPP;
		else
			rc = check(chmod(via, (mode_t)c->args[p->a]));
		break;
	case OP_CHOWN:
		rc = check(fchownat(fd, "", (uid_t)c->args[p->a], (gid_t)c->args[p->b],
		    AT_EMPTY_PATH));
		break;
	case OP_TRUNCATE:
		rc = truncate_file(fd, via, (off_t)c->args[p->a]);
		break;
	case OP_UTIME:
	case OP_UTIMES:
	case OP_UTIMENSAT:
		rc = 0;
		if (c->args[p->a] != 0) {
			rc = read_times(c, p->op, c->args[p->a], ts);
			times = ts;
		}
		if (rc == 0)
			rc = check(utimensat(fd, "", times, AT_EMPTY_PATH));
		break;
	case OP_STAT:
		rc = check(fstatat(fd, "", &r->out.st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
		r->addr = c->args[p->a];
		r->len = rc == 0 ? sizeof(r->out.st) : 0;
		break;
	case OP_STATX:
		rc = check(statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW |
		    (int)(flags & AT_STATX_SYNC_TYPE), (unsigned)c->args[p->a], &r->out.stx));
		r->addr = c->args[p->b];
		r->len = rc == 0 ? sizeof(r->out.stx) : 0;
		break;
	case OP_STATFS:
		rc = check(fstatfs(fd, &r->out.sfs));
		r->addr = c->args[p->a];
		r->len = rc == 0 ? sizeof(r->out.sfs) : 0;
		break;
	case OP_ACCESS:
		rc = check(syscall(SYS_faccessat2, fd, "", (int)c->args[p->a],
		    AT_EACCESS | AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
		break;
	case OP_READLINK:
		if ((int)c->args[p->b] <= 0) {
			rc = -EINVAL;
		} else if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISLNK(st.st_mode)) {
			rc = -EINVAL;
		} else {
			n = readlinkat(fd, "", r->out.link, sizeof(r->out.link));
			rc = check(n);
			if (n >= 0) {
				if ((size_t)n > (size_t)(int)c->args[p->b])
					n = (int)c->args[p->b];
				rc = n;
				r->addr = c->args[p->a];
				r->len = (size_t)n;
			}
		}
		break;
	default:
		rc = -ENOSYS;
	}
	close(fd);
	return rc;
}

/*
 * A call on the caller's descriptor itself (fchmod, fchown, ftruncate, fallocate, the f*xattr
 * calls, utimensat and futimesat with a NULL path), made on the copy: the same open
 * file, so what the kernel checks of it (opened for writing, O_PATH, append-only) is checked
 * alike.
 */
static long long
on_descriptor(const struct sg_syscall *c, const struct performed *p, unsigned flags,
    int copied, struct result *r)
{
	struct timespec	 ts[2], *times = NULL;
	const char	*name = c->string;
	size_t		 size;
	long long	 rc;

	if (copied < 0)
		return -EBADF;
	switch (p->op) {
	case OP_CHMOD:
		return check(fchmod(copied, (mode_t)c->args[p->a]));
	case OP_CHOWN:
		return check(fchown(copied, (uid_t)c->args[p->a], (gid_t)c->args[p->b]));
	case OP_TRUNCATE:
		return check(ftruncate(copied, (off_t)c->args[p->a]));
	case OP_FALLOCATE:
		return check(fallocate(copied, (int)c->args[p->a], (off_t)c->args[p->b],
		    (off_t)c->args[3]));
	case OP_UTIMES:
	case OP_UTIMENSAT:
		/* The kernel refuses a NULL path that asks not to follow a link. */
		if (flags & AT_SYMLINK_NOFOLLOW)
			return -EINVAL;
		if (c->args[p->a] != 0) {
			if ((rc = read_times(c, p->op, c->args[p->a], ts)) != 0)
				return rc;
			times = ts;
		}
		return check(futimens(copied, times));
	case OP_SETXATTR:
		size = (size_t)c->args[p->b];
		if (name == NULL)
			return -EFAULT;
		if (size > sizeof(value))
			return -E2BIG;
		if (size > 0 && sg_mem_read(c->tid, c->args[p->a], value, size) != (ssize_t)size)
			return -EFAULT;
		return check(fsetxattr(copied, name, value, size, (int)flags));
	case OP_REMOVEXATTR:
		return name == NULL ? -EFAULT : check(fremovexattr(copied, name));
	case OP_GETXATTR:
	case OP_LISTXATTR:
		if (p->op == OP_GETXATTR && name == NULL)
			return -EFAULT;
		size = (size_t)c->args[p->b];
		if (size > sizeof(r->out.data))
			size = sizeof(r->out.data);
		rc = check(p->op == OP_GETXATTR ?
		    fgetxattr(copied, name, size ? r->out.data : NULL, size) :
		    flistxattr(copied, size ? r->out.data : NULL, size));
		if (rc > 0 && size > 0) {
			r->addr = c->args[p->a];
			r->len = (size_t)rc;
		}
		return rc;
	default:
		return -ENOSYS;
	}
}

/*
 * The xattr calls, on a name of /proc/self/fd: the file's own descriptor for the calls that
 * follow a last link, its parent's descriptor and last component for the l* calls (which act
 * on a link itself); only that last component is looked up, and not followed.
 */
static long long
on_xattr(const struct sg_syscall *c, const struct performed *p, unsigned flags,
    struct result *r)
{
	char		 base[PATH_MAX], via[PATH_MAX + 64];
	const char	*name = c->string;
	size_t		 size;
	int		 fd, follow = c->path_follows[0];
	long long	 rc;

	if (p->op != OP_LISTXATTR && name == NULL)
		return -ERANGE;
	if (follow) {
		if ((fd = sg_open_pinned(c->paths[0], O_PATH)) < 0)
			return fd;
		proc_fd(fd, via, sizeof(via));
	} else {
		if ((fd = open_parent(c, 0, base, sizeof(base))) < 0)
			return fd;
		snprintf(via, sizeof(via), "/proc/self/fd/%d/%s", fd, base);
	}
	/* The value's or list's size (removexattr has none). */
	size = p->b >= 0 ? (size_t)c->args[p->b] : 0;
	switch (p->op) {
	case OP_GETXATTR:
		if (size > sizeof(r->out.data))
			size = sizeof(r->out.data);
		rc = check(follow ? getxattr(via, name, size ? r->out.data : NULL, size) :
		    lgetxattr(via, name, size ? r->out.data : NULL, size));
		if (rc > 0 && size > 0) {
			r->addr = c->args[p->a];
			r->len = (size_t)rc;
		}
		break;
	case OP_LISTXATTR:
		if (size > sizeof(r->out.data))
			size = sizeof(r->out.data);
		rc = check(follow ? listxattr(via, size ? r->out.data : NULL, size) :
		    llistxattr(via, size ? r->out.data : NULL, size));
		if (rc > 0 && size > 0) {
			r->addr = c->args[p->a];
			r->len = (size_t)rc;
		}
		break;
	case OP_SETXATTR:
		if (size > sizeof(value)) {
			rc = -E2BIG;
			break;
		}
		if (size > 0 && sg_mem_read(c->tid, c->args[p->a], value, size) != (ssize_t)size) {
			rc = -EFAULT;
			break;
		}
		rc = check(follow ? setxattr(via, name, value, size, (int)flags) :
		    lsetxattr(via, name, value, size, (int)flags));
		break;
	case OP_REMOVEXATTR:
		rc = check(follow ? removexattr(via, name) : lremovexattr(via, name));
		break;
	default:
		rc = -ENOSYS;
	}
	close(fd);
	return rc;
}

/* setxattrat's and getxattrat's struct xattr_args. */
struct xattr_args_raw {
	uint64_t	 value;
	uint32_t	 size;
	uint32_t	 flags;
};

/*
 * The newer calls that take a descriptor and AT_EMPTY_PATH: the *xattrat calls, file_getattr
 * and file_setattr, name_to_handle_at, on the file opened without following links; and
 * inotify_add_watch and fanotify_mark, which act for a group of the caller's (a copy of its
 * descriptor, `group`) on that file.
 */
static long long
on_at(const struct sg_syscall *c, const struct performed *p, unsigned flags, int copied,
    int group, struct result *r)
{
	struct xattr_args_raw	 xa;
	struct {
		uint32_t	 bytes;
		int32_t		 type;
		unsigned char	 handle[MAX_HANDLE_BYTES];
	}			 fh;
	char			 base[PATH_MAX], via[PATH_MAX + 64];
	size_t			 size;
	int			 fd, follow = c->path_follows[0] || copied >= 0;
	int			 at = follow ? 0 : AT_SYMLINK_NOFOLLOW;
	uint64_t		 mnt = 0;
	long long		 rc;

	if ((p->op == OP_SETXATTRAT || p->op == OP_GETXATTRAT || p->op == OP_REMOVEXATTRAT) &&
	    c->string == NULL)
		return -ERANGE;
	/*
	 * These take a name: /proc/self/fd/N for the file, or, where the call does not follow a
	 * last link, /proc/self/fd/P/NAME through its parent (/proc/self/fd/N would follow it).
	 * The *xattrat calls and file_*attr do not take an O_PATH descriptor with "".
	 */
	if (p->op != OP_FANOTIFY && p->op != OP_NAME_TO_HANDLE && !follow && copied < 0) {
		if ((fd = open_parent(c, 0, base, sizeof(base))) < 0)
			return fd;
		snprintf(via, sizeof(via), "/proc/self/fd/%d/%s", fd, base);
	} else {
		if ((fd = open_object(c, 0, copied)) < 0)
			return fd;
		proc_fd(fd, via, sizeof(via));
	}
	switch (p->op) {
	case OP_SETXATTRAT:
	case OP_GETXATTRAT:
		size = (size_t)c->args[p->b];
		if (size < XATTR_ARGS_SIZE_VER0) {
			rc = -EINVAL;
			break;
		}
		if (sg_mem_read(c->tid, c->args[p->a], &xa, sizeof(xa)) != (ssize_t)sizeof(xa)) {
			rc = -EFAULT;
			break;
		}
		if (xa.size > sizeof(value) && p->op == OP_SETXATTRAT) {
			rc = -E2BIG;
			break;
		}
		if (xa.size > sizeof(value))
			xa.size = sizeof(value);
		if (p->op == OP_SETXATTRAT && xa.size > 0 &&
		    sg_mem_read(c->tid, xa.value, value, xa.size) != (ssize_t)xa.size) {
			rc = -EFAULT;
			break;
		}
		r->addr = xa.value;
		xa.value = (uint64_t)(uintptr_t)(p->op == OP_SETXATTRAT ? value : r->out.data);
		rc = check(syscall(p->op == OP_SETXATTRAT ? SYS_setxattrat : SYS_getxattrat,
		    AT_FDCWD, via, at, c->string, &xa, sizeof(xa)));
		if (p->op == OP_GETXATTRAT && rc > 0 && xa.size > 0)
			r->len = (size_t)rc;
		else
			r->addr = 0;
		break;
	case OP_LISTXATTRAT:
		size = (size_t)c->args[p->b];
		if (size > sizeof(r->out.data))
			size = sizeof(r->out.data);
		rc = check(syscall(SYS_listxattrat, AT_FDCWD, via, at, size ? r->out.data : NULL,
		    size));
		if (rc > 0 && size > 0) {
			r->addr = c->args[p->a];
			r->len = (size_t)rc;
		}
		break;
	case OP_REMOVEXATTRAT:
		rc = check(syscall(SYS_removexattrat, AT_FDCWD, via, at, c->string));
		break;
	case OP_FILE_GETATTR:
	case OP_FILE_SETATTR:
		size = (size_t)c->args[p->b];
		if (size > sizeof(r->out.data)) {
			rc = -E2BIG;
			break;
		}
		if (p->op == OP_FILE_SETATTR &&
		    sg_mem_read(c->tid, c->args[p->a], r->out.data, size) != (ssize_t)size) {
			rc = -EFAULT;
			break;
		}
		rc = check(syscall(p->op == OP_FILE_GETATTR ? SYS_file_getattr : SYS_file_setattr,
		    AT_FDCWD, via, r->out.data, size, at));
		if (p->op == OP_FILE_GETATTR && rc == 0) {
			r->addr = c->args[p->a];
			r->len = size;
		}
		break;
	case OP_NAME_TO_HANDLE:
		if (sg_mem_read(c->tid, c->args[p->a], &fh.bytes, sizeof(fh.bytes)) !=
		    (ssize_t)sizeof(fh.bytes)) {
			rc = -EFAULT;
			break;
		}
		if (fh.bytes > MAX_HANDLE_BYTES) {
			rc = -EINVAL;
			break;
		}
		rc = check(syscall(SYS_name_to_handle_at, fd, "", &fh, &mnt,
		    AT_EMPTY_PATH | (flags & ~(unsigned)AT_SYMLINK_FOLLOW)));
		if (rc == 0 || rc == -EOVERFLOW) {
			/* On EOVERFLOW the kernel says the size it needs, and that alone. */
			r->len = rc == 0 ? 8 + fh.bytes : sizeof(fh.bytes);
			memcpy(r->out.data, &fh, r->len);
			r->addr = c->args[p->a];
		}
		if (rc == 0) {
			/* An int, or with AT_HANDLE_MNT_ID_UNIQUE the 64-bit unique id. */
			r->out2 = mnt;
			r->addr2 = c->args[p->b];
			r->len2 = (flags & HANDLE_MNT_ID_UNIQUE) ? sizeof(uint64_t) : sizeof(int);
		}
		break;
	case OP_INOTIFY:
		rc = check(inotify_add_watch(group, via, (uint32_t)c->args[p->a] &
		    (follow ? ~(uint32_t)IN_DONT_FOLLOW : ~0U)));
		break;
	case OP_FANOTIFY:
		/* No name: the file is the descriptor itself. */
		rc = check(fanotify_mark(group, (unsigned)c->args[p->a], c->args[p->b], fd, NULL));
		break;
	default:
		rc = -ENOSYS;
	}
	close(fd);
	return rc;
}

/*
 * stat, lstat and newfstatat of a name the resolution found with no link on its way: the
 * stat it made of that name's descriptor (resolve.c, fast_walk) is the answer, the one
 * on_file would get by opening the same name the same way again; and readlink of such a
 * name that is no link, EINVAL, as on_file would find. A name found missing, its directory
 * there with no link on the way, is ENOENT to those, statx and access. Only when the caller
 * would have found it too: its credentials are the supervisor's own (else a directory on the
 * way it may not search would fail its call). 1 when r holds it.
 */
static int
stat_found(const struct sg_syscall *c, const struct performed *p,
    const struct sg_status *as, struct result *r)
{
	if (p->op < OP_STAT || p->op > OP_READLINK || p->op == OP_STATFS ||
	    c->npaths != 1 || c->path_fd_only[0] || c->path_empty[0] ||
	    c->path_copied[0] || c->path_own_fds[0] >= 0 || c->paths[0] != c->path ||
	    !sg_creds_are_own(as))
		return 0;
	if (c->path_missing_exact) {
		r->value = -ENOENT;
		return 1;
	}
	if ((p->op != OP_STAT && p->op != OP_READLINK) || !c->path_st_exact ||
	    (S_ISLNK(c->path_st.st_mode) && (c->path_follows[0] || p->op == OP_READLINK)))
		return 0;
	if (p->op == OP_READLINK) {
		r->value = -EINVAL;
		return 1;
	}
	r->out.st = c->path_st;
	r->addr = c->args[p->a];
	r->len = sizeof(r->out.st);
	r->value = 0;
	return 1;
}

/*
 * What the kernel refuses before it looks the name up, whatever the name: access's mode,
 * statx's reserved mask and both of its sync flags, readlink's size. A missing name must not
 * say ENOENT instead.
 */
static int
refused_before_lookup(const struct sg_syscall *c, const struct performed *p)
{
	switch (p->op) {
	case OP_ACCESS:
		return ((unsigned)c->args[p->a] & ~7U) != 0;
	case OP_STATX:
		return ((unsigned)c->args[p->a] & 0x80000000U) != 0 ||
		    ((unsigned)c->args[p->flags_arg] & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE;
	case OP_READLINK:
		return (int)c->args[p->b] <= 0;
	default:
		return 0;
	}
}

int
sg_perform(struct sg_listener *l, const struct sg_syscall *c, const struct sg_status *st,
    int pidfd)
{
	const struct performed	*p;
	static struct result	 r;	/* 64 KiB: the supervisor's threads take turns */
	struct sg_saved_creds	 saved;
	struct sg_status	 as;
	unsigned		 flags = 0;
	int			 i, creating, copied, group;

	if ((p = find(c->name)) == NULL || c->npaths == 0)
		return 1;
	if (refused_before_lookup(c, p)) {
		sg_notif_fail(l, c->id, EINVAL);
		return 0;
	}
	/* A name that could not be resolved: the caller's own call would have failed alike. */
	for (i = 0; i < c->npaths; i++) {
		if (c->path_errors[i] != 0) {
			sg_notif_fail(l, c->id, c->path_errors[i]);
			return 0;
		}
	}
	if (p->flags_arg >= 0) {
		flags = (unsigned)c->args[p->flags_arg];
		if (flags & ~p->valid) {
			sg_notif_fail(l, c->id, EINVAL);
			return 0;
		}
	}
	creating = p->op == OP_MKDIR || p->op == OP_MKNOD;
	/* A create needs the umask as it is now: the calling thread's own status says. */
	if (!creating || sg_status_read(c->tid, &as) == -1)
		as = *st;
	if (p->op == OP_ACCESS && !(flags & AT_EACCESS)) {
		/* access() checks the real ids, as the kernel's access_override_creds does. */
		as.fsuid = st->ruid;
		as.fsgid = st->rgid;
	}
	r.value = 0;
	r.addr = r.addr2 = 0;
	r.len = r.len2 = 0;
	/*
	 * A call that changes something must not run for a process that took over a reused pid.
	 * One that only looks writes its answer through sg_mem_write, which checks for itself.
	 */
	if (p->op < OP_STAT && !sg_notif_valid(l, c->id))
		return 0;
	memset(&saved, 0, sizeof(saved));
	if (stat_found(c, p, &as, &r))
		goto answer;
	group = ON_GROUP(p->op) ? sg_fd_copy(c->tid, c->tgid, pidfd, (int)c->args[0]) : -1;
	if ((copied = copy_empty(c, 0, pidfd)) < -1)
		r.value = copied;
	else if (group < -1)
		r.value = group;
	else if (sg_creds_assume(&as, creating, &saved) == -1)
		r.value = -EPERM;
	else if (c->path_fd_only[0])
		r.value = on_descriptor(c, p, flags, copied, &r);
	else if (p->op <= OP_RENAME)
		r.value = on_names(c, p, flags, copied);
	else if (ON_AT(p->op))
		r.value = on_at(c, p, flags, copied, group, &r);
	else if (p->op == OP_SETXATTR || p->op == OP_REMOVEXATTR || p->op >= OP_GETXATTR)
		r.value = on_xattr(c, p, flags, &r);
	else
		r.value = on_file(c, p, flags, copied, &r);
	if (copied >= 0)
		close(copied);
	if (group >= 0)
		close(group);
	if (sg_creds_restore(&saved) == -1) {
		syslog(LOG_ERR, "cannot restore the supervisor's credentials");
		return -1;
	}
answer:
	/* A result with nowhere to go: the kernel's own call would have met EFAULT. */
	if ((r.len > 0 && r.addr == 0) || (r.len2 > 0 && r.addr2 == 0)) {
		sg_notif_fail(l, c->id, EFAULT);
		return 0;
	}
	/* What the call gives back, even with an error (name_to_handle_at's EOVERFLOW). */
	if ((r.len > 0 && sg_mem_write(l, c->id, c->tid, r.addr, &r.out, r.len) == -1) ||
	    (r.len2 > 0 && sg_mem_write(l, c->id, c->tid, r.addr2, &r.out2, r.len2) == -1)) {
		if (errno != ESRCH)
			sg_notif_fail(l, c->id, EFAULT);
		return 0;
	}
	if (r.value < 0)
		sg_notif_fail(l, c->id, (int)-r.value);
	else
		sg_notif_return(l, c->id, r.value);
	return 0;
}
