/*
 * From a notification to the call a policy talks about: the table generated from
 * app/common/calls/arguments.ts says what each argument is; this file reads what needs
 * reading from the caller's memory (checking after each read that the notification is still
 * valid) and gives each argument its translations in argument order, so that the second
 * path of rename is filename[1].
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arguments.generated.h"
#include "decision.generated.h"
#include "format.h"
#include "fstat.h"
#include "names.h"
#include "resolve.h"
#include "translate.h"

#define VALUE_MAX	4096
#define AT_EMPTY	0x1000

struct open_how_raw {
	uint64_t	 flags;
	uint64_t	 mode;
	uint64_t	 resolve;
};

/* What one pass over the arguments learned that another needs. */
struct decoding {
	const struct sg_listener *l;
	const struct sg_call	*desc;
	struct sg_syscall	*c;
	int			 have_how;
	struct open_how_raw	 how;
	int			 gone;
	const char		*root;		/* the caller's root, when known */
	int			 pidfd;		/* the caller's process's, or -1 */
};

static int
call_compare(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sg_call *)elem)->name);
}

static const struct sg_call *
describe(const char *name)
{
	if (name == NULL)
		return NULL;
	return bsearch(name, sg_calls, SG_NCALLS, sizeof(sg_calls[0]), call_compare);
}

int
sg_translates(const char *name)
{
	return describe(name) != NULL;
}

/* Adds a translation; the next index of its name is the count of those before it. */
static void
add(struct sg_syscall *c, const char *name, const char *value)
{
	size_t	 i;
	unsigned index = 0;
	char	*v;

	if (c->ntargs == SG_TARGS_MAX || (v = strdup(value)) == NULL)
		return;
	for (i = 0; i < c->ntargs; i++)
		if (strcmp(c->targs[i].name, name) == 0)
			index++;
	c->values[c->ntargs] = v;
	c->targs[c->ntargs].name = name;
	c->targs[c->ntargs].index = index;
	c->targs[c->ntargs].value = v;
	c->ntargs++;
}

static void
add_formatted(struct sg_syscall *c, const char *name, int (*fmt)(uint64_t, char *, size_t),
    uint64_t v)
{
	char	 buf[64];

	if (fmt(v, buf, sizeof(buf)) == 0)
		add(c, name, buf);
}

static void
add_number(struct sg_syscall *c, const char *name, long long v)
{
	char	 buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	add(c, name, buf);
}

static int
read_or_gone(struct decoding *d, uint64_t addr, void *buf, size_t len)
{
	ssize_t	 n;

	d->c->read_memory = 1;
	n = sg_mem_read(d->c->tid, addr, buf, len);
	if (n == -1 && errno == ESRCH)
		d->gone = 1;
	return n == (ssize_t)len ? 0 : -1;
}

static int
string_or_gone(struct decoding *d, uint64_t addr, char *buf, size_t size)
{
	d->c->read_memory = 1;
	if (sg_mem_read_string(d->c->tid, addr, buf, size) == 0)
		return 0;
	if (errno == ESRCH)
		d->gone = 1;
	return -1;
}

/*
 * The user names looked up, while /etc/passwd stays the file it was (its device, inode,
 * size and times): a lookup reads it whole (six calls and more; a set*id call makes three),
 * the check is one stat. Cleared when it changes.
 */
#define UNAMES	16
static struct {
	struct stat	 passwd;
	int		 n;
	uid_t		 uid[UNAMES];
	char		 name[UNAMES][64];
} unames;

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void
add_uname(struct sg_syscall *c, uid_t uid)
{
	struct passwd	 pw, *res = NULL;
	struct stat	 st;
	char		 buf[4096];
	int		 i, known;

	known = stat("/etc/passwd", &st) == 0;
	if (!known || !same_file(&st, &unames.passwd)) {
		unames.n = 0;
		unames.passwd = st;
	}
	for (i = 0; known && i < unames.n; i++) {
		if (unames.uid[i] == uid) {
			add(c, "uname", unames.name[i]);
			return;
		}
	}
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL) {
		add_number(c, "uname", (long long)uid);
		return;
	}
	add(c, "uname", res->pw_name);
	if (known && unames.n < UNAMES && strlen(res->pw_name) < sizeof(unames.name[0])) {
		unames.uid[unames.n] = uid;
		strcpy(unames.name[unames.n++], res->pw_name);
	}
}

/* The executable of a pid, or its number: a negative pid is a process group. */
static void
add_pidname(struct sg_syscall *c, pid_t pid)
{
	char	 path[64], exe[PATH_MAX];
	ssize_t	 n;

	if (pid > 0) {
		snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
		if ((n = readlink(path, exe, sizeof(exe) - 1)) > 0) {
			exe[n] = '\0';
			add(c, "pidname", exe);
			return;
		}
	}
	add_number(c, "pidname", (long long)pid);
}

/*
 * An address that cannot be read: SG_UNREADABLE, and the call fails with EFAULT if permitted
 * (sockets.c), since the kernel would read it again and could find one nobody decided on.
 */
static void
unreadable_address(struct decoding *d)
{
	if (d->gone)
		return;
	d->c->addr_unreadable = 1;
	add(d->c, "sockaddr", SG_UNREADABLE);
}

/*
 * A call's address; SG_NO_ADDRESS for none (a send on a connected socket: the kernel reads
 * nothing then, and a rule can tell it from every address).
 */
static void
add_sockaddr(struct decoding *d, uint64_t addr, uint64_t len)
{
	struct sockaddr_storage	 ss;
	char			 text[VALUE_MAX];

	if (addr == 0) {
		add(d->c, "sockaddr", SG_NO_ADDRESS);
		return;
	}
	d->c->addrlen = len;
	if (len > sizeof(ss))
		len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (read_or_gone(d, addr, &ss, (size_t)len) == -1) {
		unreadable_address(d);
		return;
	}
	d->c->addr = ss;
	d->c->have_addr = 1;
	if (sg_fmt_sockaddr(&ss, (size_t)len, text, sizeof(text)) == 0)
		add(d->c, "sockaddr", text);
	else
		unreadable_address(d);
}

static void
add_msghdr(struct decoding *d, uint64_t addr)
{
	struct msghdr	 m;

	if (addr == 0 || read_or_gone(d, addr, &m, sizeof(m)) == -1) {
		unreadable_address(d);
		return;
	}
	add_sockaddr(d, (uint64_t)(uintptr_t)m.msg_name, m.msg_namelen);
}

/*
 * sendmmsg's messages: each one's address (SG_NO_ADDRESS for none) as sockaddr, sockaddr[1],
 * ..., kept for sockets.c, which sends exactly these. At most SG_MESSAGES_MAX are decided (and
 * sent); a message that cannot be read ends the list, SG_UNREADABLE.
 */
static void
add_mmsghdr(struct decoding *d, uint64_t addr, uint64_t vlen)
{
	struct mmsghdr		 m;
	struct sg_message_addr	*msg;
	char			 text[VALUE_MAX];
	uint64_t		 len;
	unsigned		 i;

	d->c->messages_cut = vlen > SG_MESSAGES_MAX;
	for (i = 0; i < vlen && i < SG_MESSAGES_MAX && !d->gone; i++) {
		msg = &d->c->messages[i];
		memset(msg, 0, sizeof(*msg));
		if (read_or_gone(d, addr + i * sizeof(m), &m, sizeof(m)) == -1) {
			unreadable_address(d);
			return;
		}
		d->c->nmessages++;
		if (m.msg_hdr.msg_name == NULL) {
			add(d->c, "sockaddr", SG_NO_ADDRESS);
			continue;
		}
		msg->named = 1;
		msg->len = len = m.msg_hdr.msg_namelen;
		if (len > sizeof(msg->addr))
			len = sizeof(msg->addr);
		if (read_or_gone(d, (uint64_t)(uintptr_t)m.msg_hdr.msg_name, &msg->addr,
		    (size_t)len) == -1) {
			unreadable_address(d);
			return;
		}
		if (sg_fmt_sockaddr(&msg->addr, (size_t)len, text, sizeof(text)) == 0)
			add(d->c, "sockaddr", text);
		else
			unreadable_address(d);
	}
}

/* Appends one argument of the caller's, read in full, to the raw arguments. */
static int
add_raw_arg(struct decoding *d, uint64_t ptr, size_t *cap)
{
	static char	 arg[SG_ARG_MAX + 1];
	size_t		 n;
	char		*grown;

	/* Longer than MAX_ARG_STRLEN: the kernel's execve fails with E2BIG. */
	if (string_or_gone(d, ptr, arg, sizeof(arg)) == -1)
		return -1;
	n = strlen(arg) + 1;
	if (d->c->argv_rawlen + n > SG_ARGS_MAX)
		return -1;
	if (d->c->argv_rawlen + n > *cap) {
		while (d->c->argv_rawlen + n > *cap)
			*cap *= 2;
		if ((grown = realloc(d->c->argv_raw, *cap)) == NULL)
			return -1;
		d->c->argv_raw = grown;
	}
	memcpy(d->c->argv_raw + d->c->argv_rawlen, arg, n);
	d->c->argv_rawlen += n;
	return 0;
}

/*
 * execve's arguments: all of them, read once, kept raw for the check after the exec
 * (decide.c), and the argv translation made of them: joined by spaces, at most
 * SG_ARGV_ENTRIES arguments and SG_ARGV_MAX bytes, argv_cut when that is not all of them.
 */
static void
add_argv(struct decoding *d, uint64_t addr)
{
	static char	 joined[SG_ARGV_MAX];
	struct sg_syscall *c = d->c;
	uint64_t	 ptr;
	size_t		 len = 0, n, at, i, cap = 4096;

	if ((c->argv_raw = malloc(cap)) == NULL)
		return;
	for (i = 0; addr != 0; i++) {
		if (read_or_gone(d, addr + i * sizeof(ptr), &ptr, sizeof(ptr)) == -1)
			goto unread;
		if (ptr == 0)
			break;
		if (add_raw_arg(d, ptr, &cap) == -1)
			goto unread;
	}
	joined[0] = '\0';
	for (i = 0, at = 0; at < c->argv_rawlen; i++, at += n + 1) {
		n = strlen(c->argv_raw + at);
		if (i == SG_ARGV_ENTRIES || len + n + 2 > sizeof(joined)) {
			c->argv_cut = 1;
			break;
		}
		if (i > 0)
			joined[len++] = ' ';
		memcpy(joined + len, c->argv_raw + at, n + 1);
		len += n;
	}
	if (!d->gone)
		add(c, "argv", joined);
	return;
unread:
	/* Unreadable or too long: the kernel's own execve fails too (EFAULT, E2BIG). */
	free(c->argv_raw);
	c->argv_raw = NULL;
	c->argv_rawlen = 0;
	c->argv_cut = 1;
	if (!d->gone)
		add(c, "argv", "");
}

static void
read_openhow(struct decoding *d, uint64_t addr, uint64_t size)
{
	if (size < sizeof(d->how) || read_or_gone(d, addr, &d->how, sizeof(d->how)) == -1)
		return;
	d->have_how = 1;
	d->c->oflags = (int)d->how.flags;
	d->c->mode = (unsigned)d->how.mode;
	d->c->resolve = d->how.resolve;
}

static int
creates(uint64_t flags)
{
	return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

static void
add_openhow(struct decoding *d)
{
	if (!d->have_how)
		return;
	add_formatted(d->c, "oflags", sg_fmt_oflags, d->how.flags);
	if (creates(d->how.flags))
		add_formatted(d->c, "mode", sg_fmt_mode, d->how.mode);
}

static int
follows(const struct decoding *d, const struct sg_arg *a)
{
	uint64_t	 flags = d->c->args[a->flag_arg];

	switch (a->follow) {
	case SG_NOFOLLOW:
		return 0;
	case SG_FOLLOWS_UNLESS_FLAG:
		return (flags & a->flag) == 0;
	case SG_NOFOLLOW_UNLESS_FLAG:
		return (flags & a->flag) != 0;
	case SG_FOLLOWS_BY_OFLAGS:
		if (d->desc->args[a->flag_arg].kind == SG_K_OPENHOW)
			flags = d->have_how ? d->how.flags : 0;
		if (flags & O_NOFOLLOW)
			return 0;
		return (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	}
	return 1;
}

/* AT_EMPTY_PATH in the call's AT_* flags lets "" name the directory descriptor itself. */
static int
empty_path_ok(const struct decoding *d)
{
	int	 i;

	for (i = 0; i < d->desc->nargs; i++)
		if (d->desc->args[i].kind == SG_K_ATFLAGS)
			return (d->c->args[i] & AT_EMPTY) != 0;
	return 0;
}

/* Whether a path's last component is "." (1) or ".." (2), trailing slashes aside. */
static int
last_dots(const char *path)
{
	size_t	 n = strlen(path), start;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (start = n; start > 0 && path[start - 1] != '/'; start--)
		;
	if (n - start == 1 && path[start] == '.')
		return 1;
	return n - start == 2 && path[start] == '.' && path[start + 1] == '.' ? 2 : 0;
}

/*
 * Names the file a descriptor of the caller's refers to, from a copy of the descriptor taken
 * first (*copy): the name decided on is then the name of the file acted on, though another
 * thread put another file on that number meanwhile (perform.c acts on the copy). Without a
 * copy (no PIDFD_THREAD for a thread's call before Linux 6.9, no pidfd), by its number alone,
 * and *copy is -1. -errno.
 */
static int
name_descriptor(struct decoding *d, int fd, int *copy, char *name, size_t size)
{
	char	 link[64];
	ssize_t	 n;
	int	 rc;

	*copy = sg_fd_copy(d->c->tid, d->c->tgid, d->pidfd, fd);
	if (*copy == -EBADF)
		return -EBADF;
	if (*copy < 0) {
		*copy = -1;
		return sg_fd_path(d->c->tid, fd, name, size);
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", *copy);
	if ((n = readlink(link, name, size)) == -1 || (size_t)n == size) {
		rc = n == -1 ? -errno : -ENAMETOOLONG;
		close(*copy);
		*copy = -1;
		return rc;
	}
	name[n] = '\0';
	/* A pipe, a socket, a file with no link left: by its number, as resolve.c names it. */
	if (sg_nameless(*copy))
		snprintf(name, size, "/proc/self/fd/%d", fd);
	return 0;
}

/* Keeps what perform.c needs of the path just added. */
static void
keep_path(struct decoding *d, int i, int rc, const char *raw, const struct sg_resolve_in *in,
    int fd, int copy, int fd_only, const char *name, const struct sg_resolved *found)
{
	struct sg_syscall	*c = d->c;
	int			 n = (int)c->npaths;
	int			 own_fd = rc == 0 ? found->own_fd : -1;
	const char		*acting;

	if (c->ntargs == 0 || strcmp(c->targs[c->ntargs - 1].name, "filename") != 0) {
		if (copy >= 0)
			close(copy);
		return;
	}
	/*
	 * Where a policy sees another name (the caller's /proc/PID as /proc/self), the name
	 * acted on is kept apart; never the shown one, which would be the supervisor's own.
	 */
	acting = c->values[c->ntargs - 1];
	if (strcmp(acting, name) != 0) {
		if (c->nacting < 2 && (c->acting[c->nacting] = strdup(name)) != NULL)
			acting = c->acting[c->nacting++];
		else if (rc == 0)
			rc = -ENOMEM;
	}
	if (c->path == NULL) {
		c->path = acting;
		c->path_error = -rc;
		c->path_own_fd = own_fd;
		if (rc == 0) {
			c->path_st = found->st;
			c->path_st_exact = found->st_exact;
			c->path_missing_exact = found->missing_exact;
		}
	}
	if (n >= 2) {
		if (copy >= 0)
			close(copy);
		return;
	}
	c->paths[n] = acting;
	c->path_own_fds[n] = own_fd;
	c->path_errors[n] = -rc;
	c->path_empty[n] = rc == 0 && (fd_only || (raw[0] == '\0' && in->empty_ok));
	c->path_fd_only[n] = fd_only;
	c->path_copied[n] = copy >= 0;
	c->path_copy[n] = copy;
	c->path_fd[n] = fd;
	c->path_args[n] = i;
	c->path_follows[n] = rc == 0 && in->follow;
	c->path_dots[n] = rc == 0 && !fd_only ? last_dots(raw) : 0;
	c->npaths++;
}

/*
 * A path, resolved; or a descriptor that stands for one (fchmod's; utimensat's with a NULL
 * path; "" with AT_EMPTY_PATH), named by what it refers to. A name that cannot be read (a bad
 * pointer, NULL) and a descriptor that names nothing are SG_UNREADABLE: learning asks about
 * them rather than permits.
 */
static void
add_path(struct decoding *d, int i)
{
	const struct sg_arg	*a = &d->desc->args[i];
	struct sg_resolve_in	 in;
	struct sg_resolved	 found;
	char			 raw[PATH_MAX], name[PATH_MAX], shown[PATH_MAX];
	int			 rc, missing = 0, fd_only = 0, copy = -1, named = 0, fd;

	memset(&in, 0, sizeof(in));
	found.own_fd = -1;
	found.st.st_mode = 0;
	found.proc_len = 0;
	found.proc_as = NULL;
	raw[0] = '\0';
	in.dirfd = i > 0 && d->desc->args[i - 1].kind == SG_K_DIRFD ?
	    (int)d->c->args[i - 1] : SG_AT_FDCWD;
	fd = in.dirfd;
	if (a->kind == SG_K_FILE) {
		fd_only = 1;
		fd = (int)d->c->args[i];
		rc = name_descriptor(d, fd, &copy, name, sizeof(name));
		named = 1;
	} else if (d->c->args[i] == 0 && a->if_null == SG_NULL_NOTHING) {
		return;
	} else if (d->c->args[i] == 0 && a->if_null == SG_NULL_DIRFD) {
		/* utimensat(fd, NULL): fd itself; with AT_FDCWD the kernel reads the NULL. */
		fd_only = 1;
		rc = in.dirfd == SG_AT_FDCWD ? -EFAULT :
		    name_descriptor(d, in.dirfd, &copy, name, sizeof(name));
		named = 1;
	} else if (d->c->args[i] == 0 ||
	    string_or_gone(d, d->c->args[i], raw, sizeof(raw)) == -1) {
		if (d->gone)
			return;
		/* A name that cannot be read: learning asks about it, never permits. */
		rc = d->c->args[i] != 0 && errno == ENAMETOOLONG ? -ENAMETOOLONG : -EFAULT;
		named = rc == -EFAULT;
	} else {
		in.tgid = d->c->tgid;
		in.tid = d->c->tid;
		in.path = raw;
		in.follow = follows(d, a);
		in.empty_ok = empty_path_ok(d);
		in.root = d->root;
		/* The stat family and readlink may answer with the resolution's stat (perform.c). */
		in.eager = strcmp(d->c->name, "newfstatat") == 0 ||
		    strcmp(d->c->name, "stat") == 0 || strcmp(d->c->name, "lstat") == 0 ||
		    strcmp(d->c->name, "readlink") == 0 || strcmp(d->c->name, "readlinkat") == 0;
		if (raw[0] == '\0' && in.empty_ok && in.dirfd != SG_AT_FDCWD) {
			rc = name_descriptor(d, in.dirfd, &copy, name, sizeof(name));
			named = 1;
		} else {
			rc = sg_resolve(&in, name, sizeof(name), &missing, &found);
		}
	}
	if (rc != 0)
		strcpy(name, named ? SG_UNREADABLE : SG_NONEXISTENT);
	/* The caller's own /proc/PID is /proc/self to a policy; the supervisor acts on name. */
	if (rc == 0 && found.proc_as != NULL && snprintf(shown, sizeof(shown), "%s%s",
	    found.proc_as, name + found.proc_len) < (int)sizeof(shown))
		add(d->c, "filename", shown);
	else
		add(d->c, "filename", name);
	keep_path(d, i, rc, raw, &in, fd, copy, fd_only, name, &found);
}

static void
add_cmd(struct decoding *d, uint64_t cmd)
{
	char	 buf[64];

	if (strcmp(d->c->name, "fcntl") == 0)
		add_formatted(d->c, "cmd", sg_fmt_fcntl_cmd, cmd);
	else if (strcmp(d->c->name, "ioctl") == 0) {
		snprintf(buf, sizeof(buf), "0x%x", (unsigned)cmd);
		add(d->c, "cmd", buf);
	} else
		add_number(d->c, "cmd", (long long)(int)cmd);
}

/* Every argument but paths, which may need what these give (openat2's flags). */
static void
add_other(struct decoding *d, int i)
{
	const struct sg_arg	*a = &d->desc->args[i];
	uint64_t		 v = d->c->args[i];
	char			 buf[VALUE_MAX];

	switch (a->kind) {
	case SG_K_OFLAGS:
		d->c->oflags = (int)v;
		add_formatted(d->c, "oflags", sg_fmt_oflags, v);
		break;
	case SG_K_OPENHOW:
		add_openhow(d);
		break;
	case SG_K_MODE:
		/* The open family reads its mode only when it creates: otherwise it is noise. */
		if (d->c->is_open && !creates(d->c->oflags))
			break;
		d->c->mode = (unsigned)v;
		add_formatted(d->c, "mode", sg_fmt_mode, v);
		break;
	case SG_K_FD:
		add_number(d->c, "fd", (long long)(int)v);
		break;
	case SG_K_SOCKADDR:
		add_sockaddr(d, v, d->c->args[a->length_arg]);
		break;
	case SG_K_MSGHDR:
		add_msghdr(d, v);
		break;
	case SG_K_MMSGHDR:
		add_mmsghdr(d, v, (uint32_t)d->c->args[i + 1]);
		break;
	case SG_K_SOCKDOM:
		add_formatted(d->c, "sockdom", sg_fmt_sockdom, v);
		break;
	case SG_K_SOCKTYPE:
		add_formatted(d->c, "socktype", sg_fmt_socktype, v);
		break;
	case SG_K_UID:
		add_number(d->c, "uid", (long long)(uint32_t)v);
		add_uname(d->c, (uid_t)v);
		break;
	case SG_K_GID:
		add_number(d->c, "gid", (long long)(uint32_t)v);
		break;
	case SG_K_SIGNAL:
		add_formatted(d->c, "signame", sg_fmt_signal, v);
		break;
	case SG_K_PID:
		add_pidname(d->c, (pid_t)v);
		break;
	case SG_K_ARGV:
		add_argv(d, v);
		break;
	case SG_K_CMD:
		add_cmd(d, v);
		break;
	case SG_K_PROT:
		add_formatted(d->c, "prot", sg_fmt_prot, v);
		break;
	case SG_K_STRING:
		/* NULL is mount's "no source"; a bad pointer cannot be decided on. */
		if (v == 0)
			break;
		if (string_or_gone(d, v, buf, sizeof(buf)) == -1) {
			if (!d->gone)
				add(d->c, "string", SG_UNREADABLE);
		} else {
			add(d->c, "string", buf);
			if (d->c->string == NULL && d->c->ntargs > 0 &&
			    strcmp(d->c->targs[d->c->ntargs - 1].name, "string") == 0)
				d->c->string = d->c->values[d->c->ntargs - 1];
		}
		break;
	}
}

/*
 * Translations in argument order. openat2's flags, which decide how its path is resolved,
 * sit in the open_how after the path: that is read first.
 */
static void
translate_args(struct decoding *d)
{
	int	 i;

	for (i = 0; i < d->desc->nargs && !d->gone; i++)
		if (d->desc->args[i].kind == SG_K_OPENHOW)
			read_openhow(d, d->c->args[i], i + 1 < 6 ? d->c->args[i + 1] : 0);
	for (i = 0; i < d->desc->nargs && !d->gone; i++) {
		if (d->desc->args[i].kind == SG_K_PATH || d->desc->args[i].kind == SG_K_FILE)
			add_path(d, i);
		else if (d->desc->args[i].translation != NULL ||
		    d->desc->args[i].kind == SG_K_OPENHOW)
			add_other(d, i);
	}
}

static const char *
alias_of(const struct decoding *d)
{
	int	 acc = d->c->oflags & O_ACCMODE;

	switch (d->desc->alias) {
	case SG_ALIAS_FSREAD:
		return "fsread";
	case SG_ALIAS_FSWRITE:
		return "fswrite";
	case SG_ALIAS_BY_OFLAGS:
		/* O_TRUNC truncates even a read-only open. */
		return acc == O_RDONLY && (d->c->oflags & (O_CREAT | O_TRUNC)) == 0 ?
		    "fsread" : "fswrite";
	}
	return NULL;
}

int
sg_call_changes_ids(const char *name)
{
	/* unshare and setns: another user namespace takes the capabilities (credentials.c). */
	static const char *const calls[] = { "setuid", "setgid", "setreuid", "setregid",
	    "setresuid", "setresgid", "setfsuid", "setfsgid", "setgroups", "capset", "umask",
	    "unshare", "setns", NULL };
	int	 i;

	for (i = 0; calls[i] != NULL; i++)
		if (strcmp(name, calls[i]) == 0)
			return 1;
	return 0;
}

/*
 * What call_of says of a call by its name alone, worked out once per number, not by a score
 * of strcmp on every notification (twice: the look at the registers, then the translation).
 */
struct call_kind {
	int		 known;
	const char	*name;
	int		 is_open;
	int		 is_exec;
	int		 changes_ids;
	int		 is_creat;
};

#define KINDS_MAX	1024

static const struct call_kind *
kind_of(int nr)
{
	static struct call_kind	 kinds[KINDS_MAX], unknown = { 1, "unknown", 0, 0, 0, 0 };
	struct call_kind	*k;
	const char		*name;

	if (nr < 0 || nr >= KINDS_MAX)
		return &unknown;
	k = &kinds[nr];
	if (k->known)
		return k;
	if ((name = sg_call_name(nr)) == NULL)
		name = "unknown";
	k->name = name;
	k->is_open = strcmp(name, "open") == 0 || strcmp(name, "openat") == 0 ||
	    strcmp(name, "openat2") == 0 || strcmp(name, "creat") == 0;
	k->is_exec = strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0;
	k->changes_ids = sg_call_changes_ids(name);
	k->is_creat = strcmp(name, "creat") == 0;
	k->known = 1;
	return k;
}

/* The call itself: what every decision needs. */
static void
call_of(const struct sg_listener *l, pid_t tgid, struct sg_syscall *c)
{
	const struct call_kind	*k;
	int			 i;

	memset(c, 0, sizeof(*c));
	c->path_own_fd = c->path_own_fds[0] = c->path_own_fds[1] = -1;
	c->id = l->notif->id;
	c->tid = (pid_t)l->notif->pid;
	c->tgid = tgid;
	c->nr = l->notif->data.nr;
	for (i = 0; i < 6; i++)
		c->args[i] = l->notif->data.args[i];
	k = kind_of(c->nr);
	c->name = k->name;
	c->is_open = k->is_open;
	c->is_exec = k->is_exec;
	c->changes_ids = k->changes_ids;
	if (k->is_creat)
		c->oflags = O_CREAT | O_WRONLY | O_TRUNC;
}

int
sg_translate_registers(const struct sg_listener *l, pid_t tgid, int no_aliases,
    struct sg_syscall *c)
{
	struct decoding	 d;
	int		 i;

	call_of(l, tgid, c);
	memset(&d, 0, sizeof(d));
	d.l = l;
	d.c = c;
	if ((d.desc = describe(c->name)) == NULL)
		return 0;
	for (i = 0; i < d.desc->nargs; i++) {
		if (d.desc->args[i].kind == SG_K_OPENHOW)
			return -1;
		if (d.desc->args[i].kind == SG_K_OFLAGS)
			c->oflags = (int)c->args[i];
	}
	if (!no_aliases)
		c->alias = alias_of(&d);
	return 0;
}

int
sg_translate(const struct sg_listener *l, pid_t tgid, int pidfd, int no_aliases,
    const char *root, struct sg_syscall *c)
{
	struct decoding	 d;

	call_of(l, tgid, c);
	memset(&d, 0, sizeof(d));
	d.l = l;
	d.c = c;
	d.root = root;
	d.pidfd = pidfd;
	if ((d.desc = describe(c->name)) == NULL)
		return 0;
	translate_args(&d);
	if (d.gone) {
		sg_syscall_free(c);
		return -1;
	}
	if (!no_aliases)
		c->alias = alias_of(&d);
	return 0;
}

void
sg_syscall_free(struct sg_syscall *c)
{
	size_t	 i;

	for (i = 0; i < c->ntargs; i++)
		free(c->values[i]);
	for (i = 0; i < 2; i++)
		if (c->path_copied[i])
			close(c->path_copy[i]);
	memset(c->path_copied, 0, sizeof(c->path_copied));
	c->ntargs = 0;
	free(c->argv_raw);
	c->argv_raw = NULL;
	c->argv_rawlen = 0;
	for (i = 0; i < (size_t)c->nacting; i++)
		free(c->acting[i]);
	c->nacting = 0;
	c->path = NULL;
	c->npaths = 0;
	c->string = NULL;
}

const char *
sg_syscall_value(const struct sg_syscall *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->ntargs; i++)
		if (strcmp(c->targs[i].name, name) == 0)
			return c->targs[i].value;
	return NULL;
}
