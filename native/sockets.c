/*
 * connect, bind, sendto, sendmsg and sendmmsg with an address, performed by the supervisor on the
 * program's own socket when the decision rested on the address: the kernel would read the
 * address again after a CONTINUE, where a second thread could have written another. The
 * supervisor takes a copy of the caller's descriptor (pidfd_getfd: the same open socket) and
 * makes the call on it with the address it decided on, copied when it was read; the data of
 * sendto and sendmsg is read from the caller then (what it says does not decide anything).
 * sendmmsg sends each message decided on (at most SG_MESSAGES_MAX: it returns how many were
 * sent, as the kernel's does when it stops early) and writes back each one's msg_len.
 *
 * Sockets of AF_INET and AF_INET6 carry their owner, network namespace and cgroup from their
 * creation, which was the program's: the supervisor makes the call itself. A connect the
 * kernel makes for a process carries that process's identity to the other end for AF_UNIX
 * (SO_PEERCRED: its pid and ids), so there the supervisor would speak as itself, often as
 * root: an AF_UNIX connect or bind is made by a helper process forked for it, which takes
 * on the caller's ids, groups, capabilities (none when the caller is in a user namespace of
 * its own), umask, root and working directory before the call, and holds no descriptor of
 * the supervisor's; the other end sees the program's ids (and the helper's pid), and the
 * name is resolved as the program's own call would resolve it. Sends on AF_UNIX (their
 * control messages name the caller's descriptors, SCM_CREDENTIALS its pid) and every call on
 * other sockets (netlink: the sender's credentials) stay with CONTINUE (README: Known gaps).
 *
 * A call that would block (connect on a blocking socket; a send that finds the buffer full)
 * runs apart (apart.c), in a thread of its own that answers the kernel when it is done, so
 * that the supervisor goes on deciding other calls meanwhile.
 *
 * Every call is made with the caller's credentials (credentials.c: its ids, groups and no
 * effective capability it lacks in the supervisor's user namespace), on whichever thread
 * makes it: what the kernel checks against the sender's privileges is checked against the
 * program's, never the supervisor's. A bind to a port below the socket's network namespace's
 * ip_unprivileged_port_start needs its CAP_NET_BIND_SERVICE; a control message its own
 * (SO_MARK: CAP_NET_RAW or CAP_NET_ADMIN; SO_PRIORITY above 6, IPv6 options, ...). No list
 * of privileged control messages is kept here: the kernel's checks are the list.
 */

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "apart.h"
#include "credentials.h"
#include "fstat.h"
#include "process.h"
#include "sockets.h"

#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY		0x4000000
#endif

#define DATA_MAX		(1 << 20)	/* bytes of one send */
#define CONTROL_MAX		65536

enum op { OP_CONNECT, OP_BIND, OP_SENDTO, OP_SENDMSG, OP_SENDMMSG };

struct job;
static int	 read_message(const struct sg_syscall *, uint64_t, struct job *);
static int	 read_messages(const struct sg_syscall *, struct job *);

/* A call made on the caller's socket, here or apart; sendmmsg's further messages in next. */
struct job {
	const struct sg_listener *l;
	uint64_t	 id;
	pid_t		 tid;
	enum op		 op;
	int		 fd;		/* the copy of the caller's socket */
	struct job	*next;
	uint64_t	 vec;		/* sendmmsg: where the caller's struct mmsghdr are */
	unsigned	 sent;		/* sendmmsg: this message's bytes sent */
	struct sockaddr_storage addr;
	socklen_t	 addrlen;
	char		*data;
	size_t		 len;
	char		*control;
	size_t		 controllen;
	int		 flags;
	struct sg_status st;		/* the caller's credentials (the first job's) */
	int		 as_program;	/* AF_UNIX: made by a helper as the caller (below) */
	int		 cwd, root;	/* the caller's, O_PATH; -1 when not needed */
	uint64_t	 caps;		/* the effective capabilities the helper keeps */
};

static enum op
op_of(const char *name, int *known)
{
	*known = 1;
	if (strcmp(name, "connect") == 0)
		return OP_CONNECT;
	if (strcmp(name, "bind") == 0)
		return OP_BIND;
	if (strcmp(name, "sendto") == 0)
		return OP_SENDTO;
	if (strcmp(name, "sendmsg") == 0)
		return OP_SENDMSG;
	if (strcmp(name, "sendmmsg") == 0)
		return OP_SENDMMSG;
	*known = 0;
	return OP_CONNECT;
}

int
sg_socket_handles(const char *name)
{
	int	 known;

	op_of(name, &known);
	return known;
}

static void
job_free(struct job *j)
{
	struct job	*next;

	for (; j != NULL; j = next) {
		next = j->next;
		if (j->fd != -1)
			close(j->fd);
		if (j->as_program && j->cwd != -1)
			close(j->cwd);
		if (j->as_program && j->root != -1)
			close(j->root);
		free(j->data);
		free(j->control);
		free(j);
	}
}

/* One message of k (its address, data and control messages) sent on socket fd. */
static long long
send_message(int fd, const struct job *k, int flags)
{
	struct iovec	 iov = { k->data, k->len };
	struct msghdr	 m;

	memset(&m, 0, sizeof(m));
	m.msg_name = k->addrlen > 0 ? (void *)&k->addr : NULL;
	m.msg_namelen = k->addrlen;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = k->control;
	m.msg_controllen = k->controllen;
	return sendmsg(fd, &m, flags);
}

/*
 * sendmmsg's messages in turn: how many were sent, each one's bytes in its job; an error
 * only when the first fails, as the kernel's own sendmmsg.
 */
static long long
send_messages(struct job *j, int flags)
{
	struct job	*k;
	long long	 rc, n = 0;

	for (k = j; k != NULL; k = k->next, n++) {
		if ((rc = send_message(j->fd, k, flags)) == -1)
			return n > 0 ? n : -errno;
		k->sent = (unsigned)rc;
	}
	return n;
}

/* Writes each sent message's msg_len into the caller's struct mmsghdr, as the kernel does. */
static void
report_lengths(const struct job *j, long long sent)
{
	const struct job	*k;
	long long		 i;

	for (k = j, i = 0; k != NULL && i < sent; k = k->next, i++)
		sg_mem_write(j->l, j->id, j->tid, j->vec + (uint64_t)i * sizeof(struct mmsghdr) +
		    offsetof(struct mmsghdr, msg_len), &k->sent, sizeof(k->sent));
}

/* Closes every descriptor but the n of keep (-1 for none). */
static void
keep_only(int *keep, int n)
{
	unsigned	 lo = 0;
	int		 i, k, t;

	for (i = 1; i < n; i++)
		for (k = i; k > 0 && keep[k - 1] > keep[k]; k--) {
			t = keep[k];
			keep[k] = keep[k - 1];
			keep[k - 1] = t;
		}
	for (i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < lo)
			continue;
		if ((unsigned)keep[i] > lo)
			syscall(SYS_close_range, lo, (unsigned)keep[i] - 1, 0);
		lo = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, lo, ~0U, 0);
}

/*
 * The helper takes on the caller's ids (raw calls: this process alone), groups, umask and no
 * capability it may not keep; -1 when any of it fails. Not dumpable: the program, whose
 * user it now is, cannot attach to it.
 */
static int
become(const struct job *j)
{
	struct __user_cap_header_struct	 h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	 d[2];
	const struct sg_status		*st = &j->st;
	gid_t				 groups[SG_GROUPS_MAX];
	int				 n, i;

	umask(st->umask);
	if ((n = getgroups(SG_GROUPS_MAX, groups)) == -1)
		return -1;
	if ((n != st->ngroups || memcmp(groups, st->groups, (size_t)n * sizeof(gid_t)) != 0) &&
	    syscall(SYS_setgroups, st->ngroups, st->groups) == -1)
		return -1;
	if (syscall(SYS_setresgid, st->rgid, st->egid, st->sgid) == -1 ||
	    syscall(SYS_setresuid, st->ruid, st->euid, st->suid) == -1)
		return -1;
	syscall(SYS_setfsgid, st->fsgid);
	syscall(SYS_setfsuid, st->fsuid);
	if ((gid_t)syscall(SYS_setfsgid, -1) != st->fsgid ||
	    (uid_t)syscall(SYS_setfsuid, -1) != st->fsuid)
		return -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 || syscall(SYS_capget, &h, d) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		d[i].effective &= (uint32_t)(j->caps >> (32 * i));
		d[i].permitted = d[i].effective;
		d[i].inheritable = 0;
	}
	return syscall(SYS_capset, &h, d) == -1 ? -1 : 0;
}

/* The helper: the call as the caller, its errno (0: done) written to out. */
static void __attribute__((noreturn))
helper(const struct job *j, int out)
{
	int	 keep[4] = { j->fd, j->cwd, j->root, out };
	int	 err = 0;

	keep_only(keep, 4);
	if (j->root != -1 && (fchdir(j->root) == -1 || chroot(".") == -1))
		err = errno;
	else if (j->cwd != -1 && fchdir(j->cwd) == -1)
		err = errno;
	else if (become(j) == -1)
		err = errno != 0 ? errno : EPERM;
	else if ((j->op == OP_CONNECT ? connect(j->fd, (const struct sockaddr *)&j->addr,
	    j->addrlen) : bind(j->fd, (const struct sockaddr *)&j->addr, j->addrlen)) == -1)
		err = errno;
	if (write(out, &err, sizeof(err)) != (ssize_t)sizeof(err))
		_exit(1);
	_exit(0);
}

/*
 * An AF_UNIX connect or bind made by a helper as the caller: 0, or -errno. A helper that ends
 * without a word failed the call (EPERM). Reaped here if it has ended already, else by the
 * session's reaper (SIGCHLD): never waited for, as a pid reaped there could be reused.
 */
static long long
run_as_program(struct job *j)
{
	pid_t	 pid;
	ssize_t	 n;
	int	 p[2], err;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -errno;
	if ((pid = fork()) == -1) {
		err = errno;
		close(p[0]);
		close(p[1]);
		return -err;
	}
	if (pid == 0)
		helper(j, p[1]);
	close(p[1]);
	while ((n = read(p[0], &err, sizeof(err))) == -1 && errno == EINTR)
		;
	close(p[0]);
	waitpid(pid, NULL, __WALL | WNOHANG);
	if (n != (ssize_t)sizeof(err))
		return -EPERM;
	return err == 0 ? 0 : -err;
}

/* The call itself: its result, or -errno. */
static long long
run(struct job *j, int flags)
{
	long long	 rc;

	switch (j->op) {
	case OP_CONNECT:
		rc = connect(j->fd, (const struct sockaddr *)&j->addr, j->addrlen);
		break;
	case OP_BIND:
		rc = bind(j->fd, (const struct sockaddr *)&j->addr, j->addrlen);
		break;
	case OP_SENDTO:
		rc = sendto(j->fd, j->data, j->len, flags, (const struct sockaddr *)&j->addr,
		    j->addrlen);
		break;
	case OP_SENDMMSG:
		return send_messages(j, flags);
	default:
		rc = send_message(j->fd, j, flags);
	}
	return rc == -1 ? -errno : rc;
}

/*
 * run() with the caller's credentials, given back after (*fatal if they cannot be); then
 * sendmmsg's lengths, written with the supervisor's own (the caller's may not reach its
 * memory: a process that is not dumpable).
 */
static long long
run_as_caller(struct job *j, int flags, int *fatal)
{
	struct sg_saved_creds	 saved;
	long long		 rc;

	rc = sg_creds_assume(&j->st, 0, &saved) == -1 ? -EPERM : run(j, flags);
	if (sg_creds_restore(&saved) == -1) {
		syslog(LOG_ERR, "cannot restore the supervisor's credentials");
		*fatal = 1;
		return rc;
	}
	if (j->op == OP_SENDMMSG && rc > 0)
		report_lengths(j, rc);
	return rc;
}

static void *
run_apart(void *arg)
{
	struct job	*j = arg;
	long long	 rc;
	int		 fatal = 0;

	/*
	 * This thread's credentials end with it: one it could not restore harms nothing. A helper
	 * takes on the caller itself, from the supervisor's own credentials (it needs them to).
	 */
	rc = j->as_program ? run_as_program(j) : run_as_caller(j, j->flags, &fatal);

	sg_notif_answer_apart(j->l, j->id, rc < 0 ? 0 : rc, rc < 0 ? (int)-rc : 0);
	job_free(j);
	sg_apart_done();
	return NULL;
}

/* Reads what sendto or sendmsg sends (the data, sendmsg's control messages); -errno. */
static int
read_payload(const struct sg_syscall *c, struct job *j)
{
	int	 rc;

	if (j->op == OP_SENDMMSG)
		return read_messages(c, j);
	if (j->op == OP_SENDMSG) {
		rc = read_message(c, c->args[1], j);
		j->flags = (int)c->args[2];
		return rc;
	}
	j->len = (size_t)c->args[2];
	if (j->len > DATA_MAX)
		return -EMSGSIZE;
	if ((j->data = malloc(j->len ? j->len : 1)) == NULL)
		return -ENOMEM;
	if (j->len > 0 && sg_mem_read(c->tid, c->args[1], j->data, j->len) != (ssize_t)j->len)
		return -EFAULT;
	j->flags = (int)c->args[3];
	return 0;
}

/*
 * sendmmsg's messages, read once: one job each after the first, with the address decided on
 * (translate.c), its data and control messages read now; -errno.
 */
static int
read_messages(const struct sg_syscall *c, struct job *j)
{
	struct job	*k = j;
	unsigned	 i;
	int		 rc;

	for (i = 0; i < c->nmessages; i++) {
		if (i > 0) {
			if ((k->next = calloc(1, sizeof(*k))) == NULL)
				return -ENOMEM;
			k = k->next;
			k->fd = -1;
		}
		if (c->messages[i].named && c->messages[i].len > sizeof(k->addr))
			return -EINVAL;
		k->addr = c->messages[i].addr;
		k->addrlen = c->messages[i].named ? (socklen_t)c->messages[i].len : 0;
		if ((rc = read_message(c, c->args[1] + i * sizeof(struct mmsghdr), k)) != 0)
			return rc;
	}
	j->flags = (int)c->args[3];
	return 0;
}

/* One struct msghdr's data and control messages (its name was decided on already); -errno. */
static int
read_message(const struct sg_syscall *c, uint64_t addr, struct job *j)
{
	struct msghdr	 m;
	struct iovec	 iov[IOV_MAX];
	size_t		 i, total = 0;

	if (sg_mem_read(c->tid, addr, &m, sizeof(m)) != (ssize_t)sizeof(m))
		return -EFAULT;
	if (m.msg_iovlen > IOV_MAX)
		return -EMSGSIZE;
	if (m.msg_iovlen > 0 && sg_mem_read(c->tid, (uint64_t)(uintptr_t)m.msg_iov, iov,
	    m.msg_iovlen * sizeof(iov[0])) != (ssize_t)(m.msg_iovlen * sizeof(iov[0])))
		return -EFAULT;
	for (i = 0; i < m.msg_iovlen; i++) {
		if (iov[i].iov_len > DATA_MAX - total)
			return -EMSGSIZE;
		total += iov[i].iov_len;
	}
	if ((j->data = malloc(total ? total : 1)) == NULL)
		return -ENOMEM;
	for (i = 0, j->len = 0; i < m.msg_iovlen; i++) {
		if (iov[i].iov_len > 0 && sg_mem_read(c->tid, (uint64_t)(uintptr_t)iov[i].iov_base,
		    j->data + j->len, iov[i].iov_len) != (ssize_t)iov[i].iov_len)
			return -EFAULT;
		j->len += iov[i].iov_len;
	}
	if (m.msg_controllen > CONTROL_MAX)
		return -ENOBUFS;
	if (m.msg_controllen > 0) {
		j->controllen = m.msg_controllen;
		if ((j->control = malloc(j->controllen)) == NULL)
			return -ENOMEM;
		if (sg_mem_read(c->tid, (uint64_t)(uintptr_t)m.msg_control, j->control,
		    j->controllen) != (ssize_t)j->controllen)
			return -EFAULT;
	}
	return 0;
}

/*
 * Makes the call on j, here or apart; its result, or -errno; *answered when apart, *fatal
 * when the supervisor's own credentials could not be taken back.
 */
static long long
perform(struct job *j, int *answered, int *fatal)
{
	int		 blocking;
	long long	 rc;

	*answered = 0;
	/* Apart whatever the socket: the name's lookup can wait on what the program controls. */
	if (j->as_program) {
		if ((rc = sg_apart_start(run_apart, j)) == 0)
			*answered = 1;
		return rc;
	}
	blocking = !(fcntl(j->fd, F_GETFL) & O_NONBLOCK);
	if (j->op == OP_BIND || !blocking)
		return run_as_caller(j, j->flags, fatal);
	if (j->op != OP_CONNECT && !(j->flags & MSG_DONTWAIT)) {
		/* Most sends find room: try without waiting first. */
		rc = run_as_caller(j, j->flags | MSG_DONTWAIT, fatal);
		if (rc != -EAGAIN && rc != -EWOULDBLOCK)
			return rc;
	}
	if ((rc = sg_apart_start(run_apart, j)) == 0)
		*answered = 1;
	return rc;
}

/*
 * Whether the call on the caller's socket is made here (see above): 1 by the supervisor, 2 by
 * a helper as the caller (AF_UNIX connect, bind), 0 by the kernel; -errno.
 */
static int
speaks_for(int fd, enum op op)
{
	int		 domain;
	socklen_t	 len = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == -1)
		return -errno;
	if (domain == AF_UNIX && (op == OP_CONNECT || op == OP_BIND))
		return 2;
	return domain == AF_INET || domain == AF_INET6;
}

/*
 * What the helper needs of the calling thread: its status now (ids, groups, the umask a bind
 * creates with), and for a name, its root (when not the supervisor's) and, for a relative
 * one, its working directory; -errno.
 */
static int
as_program(struct job *j, pid_t tid)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)&j->addr;
	char		 path[64];
	int		 named;

	j->as_program = 1;
	j->cwd = j->root = -1;
	if (sg_status_read(tid, &j->st) == -1)
		return -ESRCH;
	/* None in a user namespace of its own (sg_status_read). */
	j->caps = j->st.cap_eff;
	named = j->addrlen > offsetof(struct sockaddr_un, sun_path) &&
	    un->sun_family == AF_UNIX && un->sun_path[0] != '\0';
	if (!named)
		return 0;
	if (!sg_tid_root_is_slash(tid)) {
		snprintf(path, sizeof(path), "/proc/%d/root", (int)tid);
		if ((j->root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
			return -errno;
	}
	if (un->sun_path[0] != '/') {
		snprintf(path, sizeof(path), "/proc/%d/cwd", (int)tid);
		if ((j->cwd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
			return -errno;
	}
	return 0;
}

/*
 * elevated: st is a rule's `as uid:gid` (decide.c), not the caller's; only a bind or connect
 * with its address, on an IP socket, is made with it. Anything else would be the kernel's
 * (CONTINUE, with the address read again) or the helper's as the caller: EPERM instead.
 */
static int
socket_perform(struct sg_listener *l, const struct sg_syscall *c, const struct sg_status *st,
    int pidfd, int elevated)
{
	struct job	*j;
	long long	 rc;
	int		 known, answered = 0, fatal = 0;
	enum op		 op = op_of(c->name, &known);

	if (elevated && (!known || (op != OP_CONNECT && op != OP_BIND) || !c->have_addr ||
	    c->addr_unreadable || c->addrlen > sizeof(c->addr))) {
		sg_notif_fail(l, c->id, EPERM);
		return 0;
	}

	/*
	 * Without an address: connect and bind have nothing to act on, sendto's was NULL in a
	 * register; sendmsg's msghdr is in memory, where a name could be written after the
	 * decision, so it is performed (with no name) all the same.
	 */
	if (!sg_socket_handles(c->name))
		return 1;
	/* Decided on an address that could not be read: the kernel's read could find one. */
	if (c->addr_unreadable) {
		sg_notif_fail(l, c->id, EFAULT);
		return 0;
	}
	/* sendmmsg's messages are in memory too; none (vlen 0) sends nothing. */
	if (strcmp(c->name, "sendmmsg") == 0 ? c->nmessages == 0 :
	    !c->have_addr && strcmp(c->name, "sendmsg") != 0)
		return 1;
	if (c->have_addr && c->addrlen > sizeof(c->addr)) {
		sg_notif_fail(l, c->id, EINVAL);
		return 0;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		sg_notif_fail(l, c->id, ENOMEM);
		return 0;
	}
	j->l = l;
	j->id = c->id;
	j->tid = c->tid;
	j->vec = c->args[1];
	j->op = op_of(c->name, &known);
	j->st = *st;
	j->addr = c->addr;
	j->addrlen = c->have_addr ? (socklen_t)c->addrlen : 0;
	if ((j->fd = sg_fd_copy(c->tid, c->tgid, pidfd, (int)c->args[0])) < 0) {
		rc = j->fd;
		j->fd = -1;
	} else if (elevated && (rc = speaks_for(j->fd, j->op)) != 1) {
		/* Not an IP socket (or no socket): never the helper's, never the kernel's. */
		rc = rc < 0 ? rc : -EPERM;
	} else if ((rc = speaks_for(j->fd, j->op)) == 2) {
		if ((rc = as_program(j, c->tid)) == 0) {
			if (!sg_notif_valid(l, c->id)) {
				job_free(j);
				return 0;
			}
			rc = perform(j, &answered, &fatal);
		}
	} else if (rc == 0 && !c->messages_cut) {
		/* Not an IP socket: left to the kernel. */
		job_free(j);
		return 1;
	} else if (rc == 0) {
		/* The kernel would send messages beyond those decided on. */
		rc = -EMSGSIZE;
	} else if (rc < 0) {
		/* rc says why (ENOTSOCK) */
	} else if (j->op != OP_CONNECT && j->op != OP_BIND && (rc = read_payload(c, j)) != 0) {
		/* rc says why */
	} else if (j->flags & MSG_ZEROCOPY) {
		/*
		 * The kernel would send from the supervisor's pages after the call returned, when
		 * its buffer is freed and reused: the supervisor's memory on the wire. ENOBUFS is the
		 * kernel's own answer to a zerocopy send it cannot make; the program sends again
		 * without the flag.
		 */
		rc = -ENOBUFS;
	} else if (!sg_notif_valid(l, c->id)) {
		job_free(j);
		return 0;
	} else {
		rc = perform(j, &answered, &fatal);
	}
	if (answered)
		return fatal ? -1 : 0;
	job_free(j);
	if (rc < 0)
		sg_notif_fail(l, c->id, (int)-rc);
	else
		sg_notif_return(l, c->id, rc);
	return fatal ? -1 : 0;
}

int
sg_socket_perform(struct sg_listener *l, const struct sg_syscall *c, const struct sg_status *st,
    int pidfd)
{
	return socket_perform(l, c, st, pidfd, 0);
}

int
sg_socket_perform_as(struct sg_listener *l, const struct sg_syscall *c,
    const struct sg_status *as, int pidfd)
{
	return socket_perform(l, c, as, pidfd, 1);
}
