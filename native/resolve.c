/*
 * Path resolution on the supervisor's side, one component at a time, with the caller's
 * cwd, root and descriptors read from /proc/TID. Each component costs one readlink(2) on the
 * name built so far: EINVAL means it exists and is no link, ENOENT that it does not exist.
 *
 * The names are in the supervisor's view of the file system: for a chrooted caller they
 * start with its root's path. /proc/self and /proc/thread-self are rewritten to the caller's
 * own pid, as the kernel would for the caller; every other procfs link is followed by the
 * text it reads as, but for the last component being the caller's own descriptor whose link
 * leads to no name ("pipe:[N]", "/tmp/#12 (deleted)"): the name is then that link itself,
 * which the open family and perform.c act on through a copy of the descriptor. The caller's
 * own /proc/PID is named as a policy sees it: /proc/self (and /proc/thread-self).
 *
 * Nothing here is trusted to stay true: the open family opens the resulting name with
 * RESOLVE_NO_SYMLINKS, so a link swapped in after this walk makes the open fail.
 */

#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resolve.h"

#define LINKS_MAX	40
#define PROC_MAGIC	0x9fa0
#define PROC_ROOT_INO	1

/* The strings last: a walk starts by clearing what comes before them (sg_resolve). */
struct walk {
	size_t	 plen;
	size_t	 rootlen;		/* prefix[0..rootlen) is the caller's root */
	int	 links;
	int	 via_proc_link;		/* the last splice came from a procfs link; -1: ask */
	int	 own_fd;		/* the name is the caller's nameless descriptor */
	struct stat st;			/* what lstat found at the last component; mode 0: not */
	int	 st_exact;		/* st is of the name itself, found without a link */
	int	 missing_exact;		/* the last name alone is missing, found without a link */
	const struct sg_resolve_in *in;
	char	 prefix[PATH_MAX];	/* resolved so far; "" is the root itself */
	char	 rest[PATH_MAX * 2];	/* still to resolve */
	char	 link_dir[PATH_MAX];	/* where the last splice's link was (via_proc_link) */
};

static int
proc_link(pid_t tid, const char *what, char *out, size_t outsize)
{
	char	 path[64];
	ssize_t	 n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, what);
	if ((n = readlink(path, out, outsize - 1)) == -1)
		return errno == ENOENT ? -ESRCH : -errno;
	if ((size_t)n == outsize - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return 0;
}

int
sg_fd_path(pid_t tid, int fd, char *out, size_t outsize)
{
	char	 what[32];
	int	 rc;

	if (fd < 0)
		return -EBADF;
	snprintf(what, sizeof(what), "fd/%d", fd);
	rc = proc_link(tid, what, out, outsize);
	return rc == -ESRCH ? -EBADF : rc;
}

/* The root as a prefix: "/" becomes "", so that names join with a single '/'. */
static int
walk_root(struct walk *w)
{
	int	 rc;

	if (w->in->root != NULL) {
		if (strlen(w->in->root) >= sizeof(w->prefix))
			return -ENAMETOOLONG;
		strcpy(w->prefix, w->in->root);
	} else if ((rc = proc_link(w->in->tid, "root", w->prefix, sizeof(w->prefix))) != 0) {
		return rc;
	}
	if (w->prefix[0] != '/')
		return -ENOENT;
	w->plen = strlen(w->prefix);
	while (w->plen > 0 && w->prefix[w->plen - 1] == '/')
		w->prefix[--w->plen] = '\0';
	w->rootlen = w->plen;
	return 0;
}

/* The directory a relative path starts from: the cwd, or what dirfd names. */
static int
walk_base(struct walk *w)
{
	char	 base[PATH_MAX];
	int	 rc;
	size_t	 n;

	if (w->in->dirfd == SG_AT_FDCWD)
		rc = proc_link(w->in->tid, "cwd", base, sizeof(base));
	else
		rc = sg_fd_path(w->in->tid, w->in->dirfd, base, sizeof(base));
	if (rc != 0)
		return rc;
	if (base[0] != '/')
		return -ENOTDIR;
	n = strlen(base);
	while (n > 1 && base[n - 1] == '/')
		base[--n] = '\0';
	if (strcmp(base, "/") == 0)
		n = 0;
	/* A base outside the root (a descriptor from before chroot) is taken as it is. */
	memcpy(w->prefix, base, n);
	w->prefix[n] = '\0';
	w->plen = n;
	return 0;
}

static int
is_proc_root(const char *dir)
{
	struct stat	 st;
	struct statfs	 sfs;

	return stat(dir[0] ? dir : "/", &st) == 0 && st.st_ino == PROC_ROOT_INO &&
	    statfs(dir[0] ? dir : "/", &sfs) == 0 && sfs.f_type == PROC_MAGIC;
}

static int
is_on_proc(const char *dir)
{
	struct statfs	 sfs;

	return statfs(dir[0] ? dir : "/", &sfs) == 0 && sfs.f_type == PROC_MAGIC;
}

/* Reads the link at name, or what /proc/self would read as for the caller. */
static ssize_t
read_link(const struct walk *w, const char *name, const char *comp, char *buf, size_t size)
{
	int	 n;

	if ((strcmp(comp, "self") == 0 || strcmp(comp, "thread-self") == 0) &&
	    is_proc_root(w->prefix)) {
		if (strcmp(comp, "self") == 0)
			n = snprintf(buf, size, "%d", (int)w->in->tgid);
		else
			n = snprintf(buf, size, "%d/task/%d", (int)w->in->tgid, (int)w->in->tid);
		return n;
	}
	return readlink(name, buf, size);
}

/*
 * The last component, as read_link; but lstat first: a name that is no link (nearly every
 * one) costs that one call and says what the name is, which the open family and the stat
 * family would otherwise look at again. Its errors are readlink's: the same lookup, which
 * does not mount an automount point either.
 */
static ssize_t
read_last(struct walk *w, const char *name, const char *comp, char *buf, size_t size)
{
	struct stat	 st;

	if (strcmp(comp, "self") == 0 || strcmp(comp, "thread-self") == 0)
		return read_link(w, name, comp, buf, size);
	if (fstatat(AT_FDCWD, name, &st, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT) == -1)
		return -1;
	if (S_ISLNK(st.st_mode))
		return readlink(name, buf, size);
	w->st = st;
	errno = EINVAL;
	return -1;
}

/*
 * The length of the caller's own /proc/PID at the start of name (relative to the root), as
 * /proc/PID/task/TID, /proc/TID (a thread's own) or /proc/PID; *thread when it is the
 * calling thread's. 0 when name is not in there.
 */
static size_t
own_proc(const struct sg_resolve_in *in, const char *name, int *thread)
{
	char	 p[96];
	int	 n, i;
	pid_t	 ids[3][2] = { { in->tgid, in->tid }, { in->tid, 0 }, { in->tgid, 0 } };

	if (strncmp(name, "/proc/", 6) != 0)
		return 0;
	for (i = 0; i < 3; i++) {
		if (i == 1 && in->tid == in->tgid)
			continue;
		if (ids[i][1] != 0)
			n = snprintf(p, sizeof(p), "/proc/%d/task/%d", (int)ids[i][0],
			    (int)ids[i][1]);
		else
			n = snprintf(p, sizeof(p), "/proc/%d", (int)ids[i][0]);
		if (strncmp(name, p, (size_t)n) == 0 && (name[n] == '/' || name[n] == '\0')) {
			*thread = i < 2;
			return (size_t)n;
		}
	}
	return 0;
}

int
sg_nameless(int fd)
{
	char		 path[64], target[PATH_MAX];
	struct stat	 st;
	ssize_t		 n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((n = readlink(path, target, sizeof(target) - 1)) <= 0)
		return 0;
	if (target[0] != '/')
		return 1;
	return fstat(fd, &st) == 0 && st.st_nlink == 0;
}

/*
 * Whether link `name` (target read as `target`), the last component, is the caller's own
 * descriptor leading to no name: in its own /proc/PID/fd (or its thread's), and a pipe,
 * socket or anonymous inode (a target that is no path) or a file without a link left.
 */
static int
own_nameless_fd(const struct walk *w, const char *name, const char *target, int *fd)
{
	const char	*rel = name + w->rootlen, *slash;
	size_t		 len;
	struct stat	 st;
	char		*end;
	long		 v;
	int		 thread;

	if (w->rootlen != 0 || (len = own_proc(w->in, rel, &thread)) == 0 ||
	    strncmp(rel + len, "/fd/", 4) != 0)
		return 0;
	slash = rel + len + 4;
	v = strtol(slash, &end, 10);
	if (*slash == '\0' || *end != '\0' || v < 0 || v > INT_MAX)
		return 0;
	if (target[0] == '/' && (stat(name, &st) == -1 || st.st_nlink != 0))
		return 0;
	*fd = (int)v;
	return 1;
}

/* Puts the link's text in front of what is still to resolve. */
static int
splice_link(struct walk *w, const char *target, size_t tlen, const char *after)
{
	char	 tmp[sizeof(w->rest)];
	int	 n;

	if (++w->links > LINKS_MAX)
		return -ELOOP;
	n = snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)tlen, target, *after ? "/" : "", after);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(w->rest, tmp, (size_t)n + 1);
	/* Asked only of a missing last name (via_proc), which few walks meet. */
	memcpy(w->link_dir, w->prefix, w->plen + 1);
	w->via_proc_link = -1;
	w->st.st_mode = 0;
	if (target[0] == '/') {
		w->plen = w->rootlen;
		w->prefix[w->plen] = '\0';
	}
	return 0;
}

/* Whether the last splice came from a procfs link. */
static int
via_proc(struct walk *w)
{
	if (w->via_proc_link == -1)
		w->via_proc_link = is_on_proc(w->link_dir);
	return w->via_proc_link;
}

static void
pop(struct walk *w)
{
	char	*slash;

	if (w->plen <= w->rootlen)
		return;
	slash = strrchr(w->prefix, '/');
	w->plen = slash != NULL && (size_t)(slash - w->prefix) >= w->rootlen ?
	    (size_t)(slash - w->prefix) : w->rootlen;
	w->prefix[w->plen] = '\0';
}

/*
 * One component: 0 to go on with what follows it, 2 when a link's text was put in front of
 * what follows, 1 when the walk is over (the last component is missing), or -errno.
 */
static int
step(struct walk *w, const char *comp, const char *after, int last, int *missing)
{
	char		 name[PATH_MAX], target[PATH_MAX];
	ssize_t		 n;
	int		 len, own;

	if (strcmp(comp, ".") == 0)
		return 0;
	if (strcmp(comp, "..") == 0) {
		pop(w);
		return 0;
	}
	len = snprintf(name, sizeof(name), "%s/%s", w->prefix, comp);
	if (len < 0 || (size_t)len >= sizeof(name))
		return -ENAMETOOLONG;
	n = last ? read_last(w, name, comp, target, sizeof(target)) :
	    read_link(w, name, comp, target, sizeof(target));
	if (n >= 0) {
		if ((size_t)n >= sizeof(target))
			return -ENAMETOOLONG;
		target[n] = '\0';
		if (last && w->in->follow && own_nameless_fd(w, name, target, &own) &&
		    is_on_proc(w->prefix)) {
			w->own_fd = own;
			memcpy(w->prefix, name, (size_t)len + 1);
			w->plen = (size_t)len;
			return 1;
		}
		if (!(last && !w->in->follow))
			return splice_link(w, target, (size_t)n, after) == 0 ? 2 : -ELOOP;
	} else if (errno == ENOENT && last && !via_proc(w)) {
		*missing = 1;
	} else if (errno != EINVAL) {
		return -errno;
	}
	memcpy(w->prefix, name, (size_t)len + 1);
	w->plen = (size_t)len;
	return *missing ? 1 : 0;
}

/* Splits off the first component of w->rest; *last when nothing but slashes follows. */
static int
next_component(struct walk *w, char *comp, size_t size, char *after, int *last, int *slash)
{
	const char	*p = w->rest, *end;
	size_t		 n;

	while (*p == '/')
		p++;
	if (*p == '\0')
		return 0;
	end = strchr(p, '/');
	n = end ? (size_t)(end - p) : strlen(p);
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(comp, p, n);
	comp[n] = '\0';
	p += n;
	*slash = *p == '/';
	while (*p == '/')
		p++;
	*last = *p == '\0';
	memmove(after, p, strlen(p) + 1);
	return 1;
}

static int
walk_all(struct walk *w, int *missing)
{
	char	 comp[NAME_MAX + 1], after[sizeof(w->rest)];
	int	 rc, last, slash, follow = w->in->follow;
	struct sg_resolve_in trailing;

	while ((rc = next_component(w, comp, sizeof(comp), after, &last, &slash)) == 1) {
		/* A trailing slash makes even a non-following call follow the last link. */
		if (last && slash && !follow) {
			trailing = *w->in;
			trailing.follow = 1;
			w->in = &trailing;
		}
		rc = step(w, comp, after, last, missing);
		if (rc < 0)
			return rc;
		if (rc == 1)
			return 0;
		if (rc == 0)
			memcpy(w->rest, after, strlen(after) + 1);
	}
	return rc;
}

/*
 * What fstat would say of fd, from statx, which also tells an automount point not mounted
 * (O_PATH does not mount it, a stat of the caller's would): *exact is 0 for one.
 */
static int
stat_of(int fd, struct stat *st, int *exact)
{
	struct statx	 sx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == -1)
		return -1;
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	st->st_ino = sx.stx_ino;
	st->st_nlink = sx.stx_nlink;
	st->st_mode = sx.stx_mode;
	st->st_uid = sx.stx_uid;
	st->st_gid = sx.stx_gid;
	st->st_rdev = makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
	st->st_size = (off_t)sx.stx_size;
	st->st_blksize = (blksize_t)sx.stx_blksize;
	st->st_blocks = (blkcnt_t)sx.stx_blocks;
	st->st_atim.tv_sec = sx.stx_atime.tv_sec;
	st->st_atim.tv_nsec = sx.stx_atime.tv_nsec;
	st->st_mtim.tv_sec = sx.stx_mtime.tv_sec;
	st->st_mtim.tv_nsec = sx.stx_mtime.tv_nsec;
	st->st_ctim.tv_sec = sx.stx_ctime.tv_sec;
	st->st_ctim.tv_nsec = sx.stx_ctime.tv_nsec;
	*exact = (sx.stx_attributes & STATX_ATTR_AUTOMOUNT) == 0;
	return 0;
}

/* An O_PATH descriptor of name, reached with no link on its way, or -1 (errno). */
static int
open_no_links(const char *name, int flags)
{
	struct open_how	 how;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_CLOEXEC | (uint64_t)flags;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, AT_FDCWD, name[0] != '\0' ? name : "/", &how,
	    sizeof(how));
}

/* Whether name is a directory reached with no link on its way. */
static int
is_plain_directory(const char *name)
{
	int	 fd;

	if ((fd = open_no_links(name, O_DIRECTORY)) == -1)
		return 0;
	close(fd);
	return 1;
}

/*
 * A name of three components or more with no link on its way (most of them), any name with
 * "..", or any for a call that wants its stat (in->eager): one openat2 that refuses every
 * link, from the supervisor's root as the walk goes, finds it in place of a readlink per
 * component. Its name is then the path itself, normalised, as the walk would have named it
 * (every readlink on the way EINVAL), and its descriptor's stat is exactly what is there (but
 * at an automount point, which the O_PATH open did not mount). A ".." pops the name built so
 * far once that is found to be a directory with no link on its way (one more openat2 for a
 * run of them), as the walk pops it after a readlink of each component said the same. A
 * name whose last component alone is missing (its parent found so) is named as the walk
 * names it (*missing). 0 when done; -ENOENT when a directory on its way is missing, as the
 * walk would say; else (-1) the walk does it all again (a link on the way, any other
 * failure, a root that is not the supervisor's): w->prefix is given back as it was.
 */
static int
fast_walk(struct walk *w, int *missing)
{
	const char	*p = w->in->path, *end;
	char		*slash;
	size_t		 n, base = w->plen, parent = 0;
	int		 ncomp = 0, dots = 0, checked = 1, last_name = 0, fd, rc = -1;

	if (w->rootlen != 0)
		return -1;
	for (; *p != '\0'; p = end) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* What the name has become so far must be a directory, without links. */
			if (!checked && !is_plain_directory(w->prefix))
				goto out;
			checked = 1;
			dots = 1;
			last_name = 0;
			slash = strrchr(w->prefix, '/');
			w->plen = slash != NULL ? (size_t)(slash - w->prefix) : 0;
			w->prefix[w->plen] = '\0';
			continue;
		}
		if (n == 1 && p[0] == '.') {
			last_name = 0;
			continue;
		}
		if (w->plen + 1 + n >= sizeof(w->prefix))
			goto out;
		last_name = 1;
		parent = w->plen;
		w->prefix[w->plen++] = '/';
		memcpy(w->prefix + w->plen, p, n);
		w->plen += n;
		w->prefix[w->plen] = '\0';
		ncomp++;
		checked = 0;
	}
	/* Ending in "..": the walk names the directory popped to, and has no stat of it. */
	if (ncomp == 0 || (dots && checked) || (!dots && ncomp < 3 && !w->in->eager))
		goto out;
	/* A trailing slash follows even where the call does not (walk_all). */
	fd = open_no_links(w->prefix, w->in->follow || p[-1] == '/' ? 0 : O_NOFOLLOW);
	if (fd == -1) {
		if (errno != ENOENT)
			goto out;
		/* Only a missing last name is named; "name/." is ENOENT, as the walk says. */
		if (!last_name) {
			rc = -ENOENT;
			goto out;
		}
		w->prefix[parent] = '\0';
		fd = open_no_links(w->prefix, O_DIRECTORY);
		w->prefix[parent] = '/';
		if (fd != -1) {
			close(fd);
			*missing = w->missing_exact = 1;
			rc = 0;
		} else if (errno == ENOENT) {
			rc = -ENOENT;
		}
		goto out;
	}
	if (stat_of(fd, &w->st, &w->st_exact) == 0)
		rc = 0;
	close(fd);
out:
	if (rc == -1) {
		w->plen = base;
		w->prefix[base] = '\0';
		w->st.st_mode = 0;
	}
	return rc;
}

/*
 * Whether the path can only name a directory: it ends in a slash, "." or ".." (the kernel
 * then looks the last component up as a directory, and a file there is ENOTDIR).
 */
static int
names_directory(const char *path)
{
	size_t		 n = strlen(path);
	const char	*last;

	if (n > 0 && path[n - 1] == '/')
		return 1;
	last = strrchr(path, '/');
	last = last == NULL ? path : last + 1;
	return strcmp(last, ".") == 0 || strcmp(last, "..") == 0;
}

/* 0 when what the walk ended on is a directory, else -ENOTDIR (or the stat's error). */
static int
is_directory(const struct walk *w)
{
	struct stat	 st;

	if (w->st.st_mode != 0)
		return S_ISDIR(w->st.st_mode) ? 0 : -ENOTDIR;
	if (stat(w->plen == 0 ? "/" : w->prefix, &st) == -1)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* How a policy sees the name: the caller's own /proc/PID as /proc/self. */
static void
found_as(const struct walk *w, const char *out, struct sg_resolved *found)
{
	static int	 proc_root = -1;
	int		 thread = 0;

	found->own_fd = w->own_fd;
	found->st = w->st;
	found->st_exact = w->st_exact;
	found->missing_exact = w->missing_exact;
	found->proc_len = 0;
	found->proc_as = NULL;
	if (w->rootlen != 0)
		return;
	if (proc_root == -1)
		proc_root = is_proc_root("/proc");
	if (proc_root && (found->proc_len = own_proc(w->in, out, &thread)) != 0)
		found->proc_as = thread ? "/proc/thread-self" : "/proc/self";
}

int
sg_resolve(const struct sg_resolve_in *in, char *out, size_t outsize, int *missing,
    struct sg_resolved *found)
{
	static struct walk	 w;
	int			 rc;

	/* Not the 16 KiB of strings, which are written before they are read. */
	memset(&w, 0, offsetof(struct walk, prefix));
	w.prefix[0] = w.rest[0] = w.link_dir[0] = '\0';
	w.in = in;
	w.own_fd = -1;
	*missing = 0;
	if (found != NULL) {
		found->own_fd = -1;
		found->st.st_mode = 0;
		found->st_exact = 0;
		found->missing_exact = 0;
		found->proc_len = 0;
		found->proc_as = NULL;
	}
	if (strlen(in->path) >= sizeof(w.rest))
		return -ENAMETOOLONG;
	if ((rc = walk_root(&w)) != 0)
		return rc;
	if (in->path[0] == '\0') {
		if (!in->empty_ok)
			return -ENOENT;
		if (in->dirfd != SG_AT_FDCWD)
			return sg_fd_path(in->tid, in->dirfd, out, outsize);
		return proc_link(in->tid, "cwd", out, outsize);
	}
	if (in->path[0] != '/' && (rc = walk_base(&w)) != 0)
		return rc;
	strcpy(w.rest, in->path);
	if ((rc = fast_walk(&w, missing)) == -ENOENT)
		return rc;
	if (rc != 0 && (rc = walk_all(&w, missing)) != 0)
		return rc;
	if (!*missing && names_directory(in->path) && (rc = is_directory(&w)) != 0)
		return rc;
	if (w.plen == 0)
		rc = snprintf(out, outsize, "/");
	else
		rc = snprintf(out, outsize, "%s", w.prefix);
	if (rc < 0 || (size_t)rc >= outsize)
		return -ENAMETOOLONG;
	if (found != NULL)
		found_as(&w, out, found);
	return 0;
}
