/*
 * The seccomp user-notification interface. The build machine's headers may be older than the
 * running kernel, so the newer constants are defined here and every feature is tried at run
 * time, with a fallback where one exists.
 *
 * Handing over the listener: a filter applies to the thread that installs it. The child
 * starts a helper thread first, installs the filter on its main thread, and lets the helper,
 * which is not filtered, send the listener with SCM_RIGHTS; sendmsg from the filtered thread
 * would be a notified call that nobody can answer yet. The main thread then waits for the
 * go-ahead and executes the command, which ends the helper's thread group membership anyway.
 */

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "credentials.h"
#include "filter.h"
#include "intercept.h"
#include "landlock.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER	(1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV	(1UL << 5)
#endif
#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE	(1UL << 0)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND			(1UL << 1)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	1
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS		_IOW('!', 4, __u64)
#endif

static long
sys_seccomp(unsigned op, unsigned long flags, void *args)
{
	return syscall(SYS_seccomp, op, flags, args);
}

/* Installs prog on the calling thread; tries WAIT_KILLABLE_RECV first. */
static int
install(struct sock_fprog *prog, int *killable)
{
	long	 fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	fd = sys_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER |
	    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, prog);
	*killable = fd >= 0;
	if (fd == -1 && errno == EINVAL)
		fd = sys_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
	return (int)fd;
}

static int
kernel_at_least(int major, int minor)
{
	struct utsname	 u;
	int		 ma = 0, mi = 0;

	if (uname(&u) == -1 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > major || (ma == major && mi >= minor);
}

/* A throwaway child installs an allow-all filter to learn what this kernel accepts. */
static void
probe_child(int wfd)
{
	struct sock_filter	 allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog	 prog = { 1, &allow };
	int			 killable = 0, fd, result = 0;
	uint64_t		 flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;

	if ((fd = install(&prog, &killable)) >= 0) {
		result |= killable ? SG_FEAT_WAIT_KILLABLE : 0;
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) == 0)
			result |= SG_FEAT_SYNC_WAKEUP;
	} else {
		/* Why, for the supervisor to say: a listener there already is EBUSY. */
		result = -errno;
	}
	if (write(wfd, &result, sizeof(result)) != sizeof(result))
		_exit(1);
	_exit(0);
}

int
sg_intercept_sizes(struct sg_listener *l)
{
	struct seccomp_notif_sizes sizes;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (sys_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == -1)
		return -1;
	l->notif_size = sizes.seccomp_notif > sizeof(struct seccomp_notif) ?
	    sizes.seccomp_notif : sizeof(struct seccomp_notif);
	l->resp_size = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp) ?
	    sizes.seccomp_notif_resp : sizeof(struct seccomp_notif_resp);
	if ((l->notif = calloc(1, l->notif_size)) == NULL ||
	    (l->resp = calloc(1, l->resp_size)) == NULL)
		return -1;
	/* SECCOMP_ADDFD_FLAG_SEND came with 5.14; its absence shows only as EINVAL later. */
	if (kernel_at_least(5, 14))
		l->features |= SG_FEAT_ADDFD_SEND;
	return 0;
}

int
sg_intercept_probe(struct sg_listener *l)
{
	int		 p[2], result = -1, status;
	pid_t		 pid;

	if (sg_intercept_sizes(l) == -1)
		return -1;
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0)
		probe_child(p[1]);
	close(p[1]);
	if (read(p[0], &result, sizeof(result)) != sizeof(result))
		result = -EIO;
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (result < 0) {
		errno = -result;
		return -1;
	}
	l->features |= result;
	return 0;
}

struct handoff {
	int	 sock;		/* to the supervisor */
	int	 pipe[2];	/* the main thread tells the helper the listener's number */
	int	 killable;
};

static int
send_listener(int sock, int fd, int killable)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	char		 byte = killable ? 'K' : 'L';
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	} cmsg;
	struct cmsghdr	*c;

	memset(&msg, 0, sizeof(msg));
	memset(&cmsg, 0, sizeof(cmsg));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	msg.msg_controllen = sizeof(cmsg.buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static void *
helper_thread(void *arg)
{
	struct handoff	*h = arg;
	int		 fd;

	if (read(h->pipe[0], &fd, sizeof(fd)) != sizeof(fd) || fd < 0)
		return NULL;
	if (send_listener(h->sock, fd, h->killable) == -1)
		return NULL;
	return h;
}

static void
child_fail(int sock, const char *what)
{
	char	 msg[256];
	int	 n;

	n = snprintf(msg, sizeof(msg), "E%s: %s", what, strerror(errno));
	if (n > 0)
		(void)!write(sock, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	_exit(127);
}

void
sg_signals_reset(void)
{
	sigset_t	 all;
	int		 sig;

	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/*
 * On the terminal of a desktop session the command is a job of its own: Ctrl-C and the other
 * terminal signals reach it and its children, not the supervisor (which would take a SIGINT for
 * an order to kill the whole traced tree).
 */
static int
take_foreground(void)
{
	sigset_t	 ttou, old;
	int		 rc;

	if (!isatty(STDIN_FILENO))
		return 0;
	if (setpgid(0, 0) == -1)
		return -1;
	/* A process group that is not yet the foreground one gets SIGTTOU for asking. */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	if (sigprocmask(SIG_BLOCK, &ttou, &old) == -1)
		return -1;
	rc = tcsetpgrp(STDIN_FILENO, getpid());
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static void
child_main(int sock, const struct sg_command *cmd, pid_t supervisor)
{
	extern char	**environ;
	struct handoff	 h;
	struct sg_filter f;
	struct sock_fprog prog;
	pthread_t	 helper;
	void		*sent = NULL;
	const char	*what;
	int		 fd;
	char		 go;

	sg_signals_reset();
	if (cmd->foreground && take_foreground() == -1)
		child_fail(sock, "taking the terminal's foreground");
	/* Before the filter: set*id calls made under it would wait for the supervisor. */
	if (cmd->run_as && sg_creds_become(cmd->uid, cmd->gid, &what) == -1)
		child_fail(sock, what);
	/* The supervisor gone means nobody answers: better dead than stuck. After the ids,
	 * since changing them clears the parent-death signal. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		child_fail(sock, "prctl(PR_SET_PDEATHSIG)");
	if (getppid() != supervisor)
		_exit(127);
	/*
	 * The supervisor is not dumpable (session.c), and this copy of it inherited that: made
	 * dumpable again, so that a supervisor without CAP_SYS_PTRACE can read the arguments of
	 * its first call, the execve (which would make it dumpable only once done).
	 */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == -1)
		child_fail(sock, "prctl(PR_SET_DUMPABLE)");
	if (cmd->landlock >= 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
			child_fail(sock, "prctl(PR_SET_NO_NEW_PRIVS)");
		if (sg_landlock_restrict(cmd->landlock) == -1)
			child_fail(sock, "landlock_restrict_self");
		close(cmd->landlock);
	}
	if (sg_filter_build(&f, cmd->allow, cmd->nallow) == -1) {
		errno = E2BIG;
		child_fail(sock, "building the filter");
	}
	prog.len = f.len;
	prog.filter = f.insns;
	h.sock = sock;
	if (pipe(h.pipe) == -1)
		child_fail(sock, "pipe");
	if (pthread_create(&helper, NULL, helper_thread, &h) != 0)
		child_fail(sock, "pthread_create");
	if ((fd = install(&prog, &h.killable)) == -1)
		child_fail(sock, "seccomp(SECCOMP_SET_MODE_FILTER)");
	/* From here on the main thread is filtered: only baseline calls until execve. */
	if (write(h.pipe[1], &fd, sizeof(fd)) != sizeof(fd))
		_exit(127);
	if (pthread_join(helper, &sent) != 0 || sent == NULL)
		_exit(127);
	close(fd);
	if (read(sock, &go, 1) != 1 || go != 'G')
		_exit(127);
	close(sock);
	close(h.pipe[0]);
	close(h.pipe[1]);
	execve(cmd->path, cmd->argv, environ);
	_exit(errno == ENOENT ? 127 : 126);
}

static int
receive_listener(int sock, int *fd, int *killable, char *err, size_t errsize)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	char		 data[256];
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	} cmsg;
	struct cmsghdr	*c;
	ssize_t		 n;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = data;
	iov.iov_len = sizeof(data) - 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	msg.msg_controllen = sizeof(cmsg.buf);
	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) == -1 && errno == EINTR)
		;
	if (n <= 0) {
		snprintf(err, errsize, "the child ended before handing over the listener");
		return -1;
	}
	if (data[0] == 'E') {
		data[n] = '\0';
		snprintf(err, errsize, "%s", data + 1);
		return -1;
	}
	c = CMSG_FIRSTHDR(&msg);
	if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int))) {
		snprintf(err, errsize, "the child sent no listener");
		return -1;
	}
	memcpy(fd, CMSG_DATA(c), sizeof(int));
	*killable = data[0] == 'K';
	return 0;
}

int
sg_intercept_launch(struct sg_listener *l, const struct sg_command *cmd, pid_t *child,
    int *release_fd, char *err, size_t errsize)
{
	int		 sv[2], killable = 0;
	uint64_t	 flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	pid_t		 pid, self = getpid();

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		snprintf(err, errsize, "socketpair: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errsize, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		child_main(sv[1], cmd, self);
	}
	close(sv[1]);
	*child = pid;
	if (receive_listener(sv[0], &l->fd, &killable, err, errsize) == -1) {
		close(sv[0]);
		return -1;
	}
	l->features &= ~SG_FEAT_WAIT_KILLABLE;
	l->features |= killable ? SG_FEAT_WAIT_KILLABLE : 0;
	/* The flags are the ioctl's argument itself, not a pointer to them. Waking the caller
	 * synchronously on answering saves a scheduler round trip per call. */
	if (ioctl(l->fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) == 0)
		l->features |= SG_FEAT_SYNC_WAKEUP;
	else
		l->features &= ~SG_FEAT_SYNC_WAKEUP;
	*release_fd = sv[0];
	return 0;
}

int
sg_intercept_release(int release_fd)
{
	char	 go = 'G';
	ssize_t	 n;

	n = write(release_fd, &go, 1);
	close(release_fd);
	return n == 1 ? 0 : -1;
}

int
sg_notif_recv(struct sg_listener *l)
{
	memset(l->notif, 0, l->notif_size);
	while (ioctl(l->fd, SECCOMP_IOCTL_NOTIF_RECV, l->notif) == -1) {
		if (errno != EINTR || l->stop)
			return -1;
		memset(l->notif, 0, l->notif_size);
	}
	return 0;
}

int
sg_notif_valid(const struct sg_listener *l, uint64_t id)
{
	return ioctl(l->fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static int
respond(struct sg_listener *l, uint64_t id, long long val, int error, unsigned flags)
{
	memset(l->resp, 0, l->resp_size);
	l->resp->id = id;
	l->resp->val = val;
	l->resp->error = error;
	l->resp->flags = flags;
	while (ioctl(l->fd, SECCOMP_IOCTL_NOTIF_SEND, l->resp) == -1) {
		/* ENOENT: the caller was killed or interrupted; there is no one to answer. */
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

int
sg_notif_answer_apart(const struct sg_listener *l, uint64_t id, long long val, int error)
{
	struct seccomp_notif_resp	*resp;
	int				 rc = 0;

	if ((resp = calloc(1, l->resp_size)) == NULL)
		return -1;
	resp->id = id;
	resp->val = val;
	resp->error = -error;
	while (ioctl(l->fd, SECCOMP_IOCTL_NOTIF_SEND, resp) == -1) {
		if (errno != EINTR) {
			rc = -1;
			break;
		}
	}
	free(resp);
	return rc;
}

/* The request that installs srcfd in the caller of notification id. */
static void
addfd_request(struct seccomp_notif_addfd *add, uint64_t id, int srcfd, int cloexec)
{
	memset(add, 0, sizeof(*add));
	add->id = id;
	add->srcfd = (unsigned)srcfd;
	add->newfd_flags = cloexec ? O_CLOEXEC : 0;
}

int
sg_notif_addfd_apart(const struct sg_listener *l, uint64_t id, int srcfd, int cloexec)
{
	struct seccomp_notif_addfd add;
	int		 fd;

	addfd_request(&add, id, srcfd, cloexec);
	add.flags = (l->features & SG_FEAT_ADDFD_SEND) ? SECCOMP_ADDFD_FLAG_SEND : 0;
	if ((fd = ioctl(l->fd, SECCOMP_IOCTL_NOTIF_ADDFD, &add)) == -1 && errno == EINVAL &&
	    add.flags != 0) {
		/* A kernel older than 5.14 (l->features is the listener's to change). */
		add.flags = 0;
		fd = ioctl(l->fd, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
	}
	if (fd == -1)
		return -errno;
	if (!(add.flags & SECCOMP_ADDFD_FLAG_SEND) && sg_notif_answer_apart(l, id, fd, 0) == -1)
		return -errno;
	return fd;
}

int
sg_notif_continue(struct sg_listener *l, uint64_t id)
{
	return respond(l, id, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
}

int
sg_notif_fail(struct sg_listener *l, uint64_t id, int error)
{
	return respond(l, id, 0, -error, 0);
}

int
sg_notif_return(struct sg_listener *l, uint64_t id, long long val)
{
	return respond(l, id, val, 0, 0);
}

/*
 * ADDFD wakes the caller to install the descriptor, and waits for it. That wake-up is an
 * ordinary one (unlike an answer's, SYNC_WAKE_UP), and the scheduler sends the caller to an
 * idle CPU rather than to this one, which is busy with the supervisor: on a VM whose idle
 * CPUs halt, waking one costs more than the whole call. So for the length of the ioctl the
 * caller may run only on the supervisor's CPU, where the supervisor is about to sleep; its
 * affinity is given back at once. A caller held to other CPUs is left alone.
 *
 * Only while some CPU is idle, though: on a machine kept busy by others there is no halted
 * CPU to wake, and the three affinity calls are pure cost (open+close by name 21 us without
 * them, 29 us with them, load 3-6 on 2 vCPUs; but 82 us without, 29 with, at load 2 with
 * some CPU idle: native/README.md, Measured cost).
 */
static atomic_int	 cpus_idle = 1;

/*
 * How many tasks other than this one are running or ready to, this instant (the fourth
 * field of /proc/loadavg, "running/total"); 0 when it cannot be read.
 */
static long
others_running(void)
{
	char	 buf[128];
	long	 running = 0;
	int	 fd;
	ssize_t	 n;

	if ((fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%*s %*s %*s %ld/", &running) != 1 || running < 1)
		return 0;
	return running - 1;
}

/*
 * Looks at /proc/stat's first line: whether the CPUs were idle, all together, for at least
 * a quarter of one CPU's time since the last look. The first look, when the session starts,
 * has nothing to compare with: then the hold is made unless every CPU has another task
 * running this instant. Wrong the one way costs about 7 us per open, the other about 50.
 */
void
sg_intercept_sample_cpus(void)
{
	static int			 fd = -2;
	static unsigned long long	 last_idle, last_total;
	static long			 ncpus;
	unsigned long long		 v[8], idle, total;
	char				 buf[256];
	ssize_t				 n;
	int				 i;

	if (fd == -2) {
		fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
		if ((ncpus = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
			ncpus = 1;
		atomic_store(&cpus_idle, others_running() < ncpus);
	}
	if (fd < 0 || (n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return;
	buf[n] = '\0';
	memset(v, 0, sizeof(v));
	if (sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
	    &v[3], &v[4], &v[5], &v[6], &v[7]) < 4)
		return;
	for (total = 0, i = 0; i < 8; i++)
		total += v[i];
	idle = v[3] + v[4];
	if (last_total != 0 && total > last_total)
		atomic_store(&cpus_idle,
		    (idle - last_idle) * 4 * (unsigned long long)ncpus >= total - last_total);
	last_idle = idle;
	last_total = total;
}

static int
hold_here(pid_t tid, cpu_set_t *saved)
{
	cpu_set_t	 here;
	int		 cpu;

	if (!atomic_load(&cpus_idle) ||
	    (cpu = sched_getcpu()) < 0 || cpu >= CPU_SETSIZE ||
	    sched_getaffinity(tid, sizeof(*saved), saved) == -1 ||
	    !CPU_ISSET(cpu, saved) || CPU_COUNT(saved) == 1)
		return 0;
	CPU_ZERO(&here);
	CPU_SET(cpu, &here);
	return sched_setaffinity(tid, sizeof(here), &here) == 0;
}

static int
addfd(struct sg_listener *l, struct seccomp_notif_addfd *add, pid_t tid)
{
	cpu_set_t	 saved;
	int		 held, fd, err;

	held = hold_here(tid, &saved);
	fd = ioctl(l->fd, SECCOMP_IOCTL_NOTIF_ADDFD, add);
	err = errno;
	if (held)
		sched_setaffinity(tid, sizeof(saved), &saved);
	errno = err;
	return fd;
}

int
sg_notif_addfd(struct sg_listener *l, uint64_t id, pid_t tid, int srcfd, int cloexec)
{
	struct seccomp_notif_addfd add;
	int		 fd;

	addfd_request(&add, id, srcfd, cloexec);
	if (l->features & SG_FEAT_ADDFD_SEND) {
		add.flags = SECCOMP_ADDFD_FLAG_SEND;
		if ((fd = addfd(l, &add, tid)) >= 0)
			return fd;
		if (errno != EINVAL)
			return -errno;
		/* An older kernel: install, then answer with the number. */
		l->features &= ~SG_FEAT_ADDFD_SEND;
		add.flags = 0;
	}
	if ((fd = ioctl(l->fd, SECCOMP_IOCTL_NOTIF_ADDFD, &add)) == -1)
		return -errno;
	if (sg_notif_return(l, id, fd) == -1)
		return -errno;
	return fd;
}

static ssize_t
read_proc_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	char	 path[64];
	int	 fd;
	ssize_t	 n;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = pread(fd, buf, len, (off_t)addr);
	close(fd);
	return n;
}

ssize_t
sg_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec	 local = { buf, len };
	struct iovec	 remote = { (void *)(uintptr_t)addr, len };
	ssize_t		 n;
	int		 lifted, err;

	/* With the supervisor's own capabilities, also while a call is performed (credentials.c). */
	lifted = sg_creds_lift();
	n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n == -1 && (errno == ENOSYS || errno == EPERM))
		n = read_proc_mem(pid, addr, buf, len);
	err = errno;
	if (sg_creds_lower(lifted) == -1) {
		/*
		 * A subset of the permitted set: capset cannot refuse it. Should it, the
		 * caller's call must not go on with the supervisor's capabilities.
		 */
		syslog(LOG_ERR, "cannot narrow the supervisor's capabilities again");
		abort();
	}
	errno = err;
	return n;
}

static ssize_t
write_proc_mem(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	char	 path[64];
	int	 fd;
	ssize_t	 n;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = pwrite(fd, buf, len, (off_t)addr);
	close(fd);
	return n;
}

int
sg_mem_write(const struct sg_listener *l, uint64_t id, pid_t pid, uint64_t addr,
    const void *buf, size_t len)
{
	struct iovec	 local = { (void *)(uintptr_t)buf, len };
	struct iovec	 remote = { (void *)(uintptr_t)addr, len };
	ssize_t		 n;
	int		 lifted;

	if (!sg_notif_valid(l, id)) {
		errno = ESRCH;
		return -1;
	}
	lifted = sg_creds_lift();
	n = process_vm_writev(pid, &local, 1, &remote, 1, 0);
	if (n == -1 && (errno == ENOSYS || errno == EPERM))
		n = write_proc_mem(pid, addr, buf, len);
	if (sg_creds_lower(lifted) == -1) {
		syslog(LOG_ERR, "cannot narrow the supervisor's capabilities again");
		abort();
	}
	if (n != (ssize_t)len) {
		errno = EFAULT;
		return -1;
	}
	return 0;
}

int
sg_mem_read_string(pid_t pid, uint64_t addr, char *buf, size_t size)
{
	size_t		 got = 0, want;
	ssize_t		 n;
	const size_t	 page = 4096;

	if (addr == 0) {
		errno = EFAULT;
		return -1;
	}
	/* Read up to page ends, so an unmapped next page does not fail a short string. */
	while (got + 1 < size) {
		want = page - ((addr + got) % page);
		if (want > size - 1 - got)
			want = size - 1 - got;
		if ((n = sg_mem_read(pid, addr + got, buf + got, want)) <= 0) {
			if (n == 0)
				errno = EFAULT;
			return -1;
		}
		if (memchr(buf + got, '\0', (size_t)n) != NULL)
			return 0;
		got += (size_t)n;
	}
	buf[size - 1] = '\0';
	errno = ENAMETOOLONG;
	return -1;
}
