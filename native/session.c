/*
 * One supervised session, start to end: greet the host, take its policies until `start`,
 * launch the command, then two loops until the last traced task is gone. The listener thread
 * waits for notifications in SECCOMP_IOCTL_NOTIF_RECV itself; the main thread waits in epoll
 * for everything else: the control socket, a signalfd, a timer, each process's pidfd, and the
 * listener's hangup. One lock makes them take turns, so the rest of the supervisor runs as if
 * it were single-threaded.
 *
 * Why the listener has a thread of its own: with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP the
 * kernel wakes a task waiting in NOTIF_RECV on the CPU of the task that made the call, and
 * the answer wakes that task on the supervisor's CPU: the two hand the CPU to each other
 * instead of waking one another across CPUs. A wait in epoll loses that hint (epoll's own
 * wake-up is an ordinary one), and on a small VM the cross-CPU wake-ups were most of what a
 * notified call cost.
 *
 * Neither loop waits on one question: a held call stays in the kernel while the loops go
 * on. Questions of a process that died are found on SIGCHLD, on its pidfd, and on a timer (a
 * killed thread's call can vanish without its process exiting), and cancelled.
 */

#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "apart.h"
#include "control.h"
#include "counts.h"
#include "decide.h"
#include "host.h"
#include "kill.h"
#include "landlock.h"
#include "names.h"
#include "own-files.h"
#include "pending.h"
#include "policy.h"
#include "search.h"
#include "session.h"
#include "translate.h"

#define TAG_CONTROL	1ULL
#define TAG_LISTENER	2ULL
#define TAG_SIGNAL	3ULL
#define TAG_TIMER	4ULL
#define SWEEP_MS	250
#define EVENTS_MAX	64
#define DRAIN_MS	2000
#define SG_KERNEL_ALLOW_MAX 128

struct session {
	struct sg_supervisor	 s;
	int			 sigfd;
	int			 timerfd;
	int			 started;
	int			 listener_hup;
	int			 command_done;
	int			 command_status;	/* as a shell reports it */
	int			 terminate;		/* a signal asked the supervisor to stop */
	int			 watching_out;		/* EPOLLOUT on the control socket */
	int			 stopping;		/* the session is over */
	/* Kernel-speed mode (`kernel`, `landlock-rule` before `start`; landlock.h). */
	int			 landlock;		/* the ruleset, or -1 */
	int			 allow[SG_KERNEL_ALLOW_MAX];	/* calls allowed in the filter */
	size_t			 nallow;
	int			 grants_proc;		/* a grant covers /proc/PID (landlock_rule) */
	int			 kernel_broken;		/* a kernel frame failed: never start */
	/* A run from a plan (session.h). */
	const struct sg_planned	*plan;
	int			 host_fd;	/* the pair's other end, until the host has it */
	int			 preamble_failed;
	/* The command's end with processes left (hand_over). */
	pthread_t		 listener;
	int			 handed_over;	/* this is the supervisor that stays */
	int			 hand_over_parent;	/* this one returns the command's status */
	int			 no_hand_over;	/* the fork failed: stay, as before */
	uint64_t		 last_call_ms;	/* when the last notification was decided */
	uint64_t		 done_ms;	/* when the command's end was seen, or 0 */
};

static void	 send_exit(int status, int left);
static void	*listener_loop(void *arg);

/*
 * SYSGATE_PROFILE=1: how many notifications of each call, and how long the supervisor took
 * from reading each to its answer, on standard error at the end (where the time goes).
 */
#define PROFILE_CALLS	512
static struct {
	int		 on;
	uint64_t	 n[PROFILE_CALLS + 1], ns[PROFILE_CALLS + 1];
} profile;

/* A monotonic clock in milliseconds. */
static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Taken by each loop for everything it does but wait. */
static pthread_mutex_t turn = PTHREAD_MUTEX_INITIALIZER;

static void
send_hello(const struct sg_listener *l, const char *token)
{
	struct sg_out	 o;
	char		 features[128] = "";

	if (l->features & SG_FEAT_SYNC_WAKEUP)
		strcat(features, " sync-wakeup");
	if (l->features & SG_FEAT_WAIT_KILLABLE)
		strcat(features, " wait-killable");
	if (l->features & SG_FEAT_ADDFD_SEND)
		strcat(features, " addfd-send");
	sg_out_init(&o);
	sg_out_verb(&o, "hello");
	sg_out_num(&o, "version", SG_PROTOCOL_VERSION);
	sg_out_str(&o, "features", features[0] ? features + 1 : "");
	if (token[0] != '\0')
		sg_out_str(&o, "token", token);
	sg_out_end(&o);
	sg_control_send(&o);
	sg_out_free(&o);
}

static void
install_policy(struct session *ss, const struct sg_frame *f)
{
	char			 name[PATH_MAX], err[512];
	const struct sg_field	*text = sg_frame_get(f, "text");
	struct sg_policy	*p;

	if (sg_field_str(sg_frame_get(f, "name"), name, sizeof(name)) == -1 || text == NULL) {
		sg_control_error("policy needs name= and text=", 0);
		return;
	}
	if ((p = sg_policy_read(text->val, text->len, err, sizeof(err))) == NULL) {
		sg_control_error(err, 0);
		return;
	}
	if (sg_policy_install(name, p) == NULL) {
		sg_control_error("cannot install the policy", 0);
		return;
	}
	if (ss->started)
		sg_decide_policy_arrived(&ss->s, name);
}

/* A kernel frame that cannot be honoured: say why, and refuse to start (fail closed). */
static void
kernel_failed(struct session *ss, const char *why)
{
	ss->kernel_broken = 1;
	sg_control_error(why, 0);
}

/*
 * The calls decided by their target before any rule (decide.c, reaches_outside): never let
 * into the kernel, whatever allow= says, or a rule that compares nothing would let a program
 * reach sysgate's own processes. (Landlock refuses most of it by itself, not pidfd_open.)
 */
static int
decided_by_target(const char *name)
{
	static const char *const names[] = { "ptrace", "process_vm_readv", "process_vm_writev",
	    "kcmp", "pidfd_open", NULL };
	int	 i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* `kernel handled= allow=`: turns on kernel-speed mode. */
static void
kernel_mode(struct session *ss, const struct sg_frame *f)
{
	const struct sg_field *reads;
	char		 calls[8192], err[512], word[16], *name, *save = NULL;
	unsigned long	 handled;
	int		 nr;

	if (ss->landlock >= 0) {
		kernel_failed(ss, "kernel mode was already set");
		return;
	}
	if (sg_field_ulong(sg_frame_get(f, "handled"), &handled) == -1 || handled == 0 ||
	    sg_field_str(sg_frame_get(f, "allow"), calls, sizeof(calls)) == -1) {
		kernel_failed(ss, "kernel needs handled= (not 0) and allow=");
		return;
	}
	/*
	 * reads=exact: the host vouches that the rules grant reading only what the run's
	 * policies permit, for as long as it runs (app/core/kernel/kernel-mode.ts): a reading
	 * open the policy permits within them may be left to Landlock (decide.c, kernel_reads).
	 */
	if ((reads = sg_frame_get(f, "reads")) != NULL) {
		if (sg_field_str(reads, word, sizeof(word)) == -1 || strcmp(word, "exact") != 0) {
			kernel_failed(ss, "kernel: reads= is exact or absent");
			return;
		}
		ss->s.reads_exact = 1;
	}
	for (name = strtok_r(calls, " ", &save); name != NULL; name = strtok_r(NULL, " ", &save)) {
		/*
		 * A call this architecture does not have, or notified: one that changes the
		 * credentials the supervisor performs calls with must be seen (decide.c), and so
		 * must one that could change sysgate's own files (own-files.c).
		 */
		if ((nr = sg_call_number(name)) < 0 || decided_by_target(name) ||
		    sg_call_changes_ids(name) || sg_own_decided_by_name(name))
			continue;
		if (ss->nallow == SG_KERNEL_ALLOW_MAX) {
			kernel_failed(ss, "kernel: too many calls in allow=");
			return;
		}
		ss->allow[ss->nallow++] = nr;
	}
	if ((ss->landlock = sg_landlock_create(handled, err, sizeof(err))) == -1)
		kernel_failed(ss, err);
}

/*
 * Whether a grant on `real` (where its name really leads) covers a process's /proc/PID: /,
 * /proc, or /proc/PID itself (or /proc/self, which names the supervisor's). /proc/sys/... and
 * /proc/filesystems do not. (A procfs mounted elsewhere, under a granted directory, is not
 * seen: Known gaps.)
 */
static int
covers_proc_pid(const char *real)
{
	return strcmp(real, "/") == 0 || strcmp(real, "/proc") == 0 ||
	    (strncmp(real, "/proc/", 6) == 0 && real[6] >= '0' && real[6] <= '9');
}

/* `landlock-rule path= file= dir=`: one grant of the ruleset. */
static void
landlock_rule(struct session *ss, const struct sg_frame *f)
{
	char		 path[PATH_MAX], err[PATH_MAX + 64];
	unsigned long	 file, dir;
	struct sg_landlock_grant got;

	if (ss->landlock < 0) {
		kernel_failed(ss, "landlock-rule before kernel");
		return;
	}
	if (sg_field_ulong(sg_frame_get(f, "file"), &file) == -1 ||
	    sg_field_ulong(sg_frame_get(f, "dir"), &dir) == -1 ||
	    sg_field_str(sg_frame_get(f, "path"), path, sizeof(path)) == -1) {
		kernel_failed(ss, "landlock-rule needs path=, file= and dir=");
		return;
	}
	/* The kernel would change sysgate's own files without asking (own-files.c). */
	if (sg_own_granted(path, file, dir)) {
		snprintf(err, sizeof(err), "landlock-rule: %s: a right that would change "
		    "sysgate's own files", path);
		kernel_failed(ss, err);
		return;
	}
	if (sg_landlock_add(ss->landlock, path, file, dir, &got, err, sizeof(err)) == -1) {
		kernel_failed(ss, err);
		return;
	}
	/* A rule that grants nothing there (a directory given only file rights) covers nothing. */
	if (got.access != 0 && covers_proc_pid(got.real))
		ss->grants_proc = 1;
	if (ss->s.reads_exact && sg_read_grants_add(&ss->s.reads, &got) == -1)
		kernel_failed(ss, "landlock-rule: out of memory");
}

/*
 * A grant that covers /proc/PID lets the kernel open another process's /proc/PID/environ (and
 * what else Landlock's ptrace check does not cover) for a reading open the filter allows:
 * then no open is allowed in the filter, and each is decided by its name (decide.c,
 * opens_outside), Landlock still restricting what the supervisor permits.
 */
static void
notify_opens(struct session *ss)
{
	size_t	 i, n = 0;

	if (!ss->grants_proc)
		return;
	for (i = 0; i < ss->nallow; i++)
		if (ss->allow[i] != sg_call_number("open") && ss->allow[i] != sg_call_number("openat"))
			ss->allow[n++] = ss->allow[i];
	ss->nallow = n;
}

static void
on_frame(const struct sg_frame *f, void *arg)
{
	struct session	*ss = arg;

	if (strcmp(f->verb, "policy") == 0)
		install_policy(ss, f);
	else if (strcmp(f->verb, "kernel") == 0 && !ss->started)
		kernel_mode(ss, f);
	else if (strcmp(f->verb, "landlock-rule") == 0 && !ss->started)
		landlock_rule(ss, f);
	else if (strcmp(f->verb, "start") == 0 && !ss->started)
		ss->started = -1;	/* launched by the caller of the loop */
	else if (strcmp(f->verb, "answer") == 0 && ss->started > 0)
		sg_decide_answer(&ss->s, f);
	else if (strcmp(f->verb, "kill") == 0 && ss->started > 0)
		sg_kill_requested(&ss->s, f);
	else
		sg_control_error("unknown or unexpected verb", 0);
}

/* Waits for `start`, installing policies meanwhile; -1 when the host leaves first. */
static int
await_start(struct session *ss)
{
	struct pollfd	 pfd;

	while (ss->started == 0) {
		pfd.fd = sg_control_fd();
		pfd.events = POLLIN | (sg_control_has_output() ? POLLOUT : 0);
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pfd.revents & POLLOUT)
			sg_control_flush();
		if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) &&
		    sg_control_read(on_frame, ss) == -1)
			return -1;
	}
	return 0;
}

/* A frame of a plan's preamble that fails: said here, as no host is there to say it. */
static void
preamble_error(const char *message, void *arg)
{
	struct session	*ss = arg;

	ss->preamble_failed = 1;
	fprintf(stderr, "sysgate: %s\n", message);
}

/*
 * A plan's preamble through `start`, handled as from a host; -1 if a frame failed, which
 * fails closed as a failed `kernel` frame does.
 */
static int
take_preamble(struct session *ss)
{
	static struct sg_frame	 f;
	struct sg_parse_error	 err;
	const char		*p = ss->plan->preamble;
	size_t			 len = ss->plan->len, used;

	sg_control_errors_to(preamble_error, ss);
	while (ss->started == 0 && !ss->preamble_failed) {
		if (sg_frame_parse(p, len, &f, &used, &err) != SG_PARSE_FRAME) {
			preamble_error("the plan's preamble does not end with start", ss);
			break;
		}
		on_frame(&f, ss);
		p += used;
		len -= used;
	}
	if (len > 0 && !ss->preamble_failed)
		preamble_error("the plan has frames after start", ss);
	sg_control_errors_to(NULL, NULL);
	return ss->preamble_failed ? -1 : 0;
}

/* The first frame only a host can deal with (control.h): the host starts on the pair's end. */
static void
start_host(const char *verb, void *arg)
{
	struct session	*ss = arg;
	pid_t		 pid;

	if ((pid = sg_host_start(ss->plan->host_argv, ss->host_fd)) == -1) {
		fprintf(stderr, "sysgate: cannot start the host: %s\n", strerror(errno));
	} else {
		ss->s.host = pid;
		if (ss->plan->explain)
			fprintf(stderr, "sysgate: start: host started for \"%s\"\n", verb);
	}
	/* The host's end is the host's alone from now on: its exit ends the socket. */
	close(ss->host_fd);
	ss->host_fd = -1;
}

/* The command as execvp would find it; the policy's name is its real path. */
static void
find_command(const char *name, char *path, size_t size, char *real)
{
	sg_search_path(name, path, size);
	if (realpath(path, real) == NULL)
		snprintf(real, PATH_MAX, "%s", path);
}

static int
epoll_add(int epfd, int fd, uint64_t tag, uint32_t events)
{
	struct epoll_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = tag << 32;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int
setup_loop(struct session *ss)
{
	sigset_t		 mask;
	struct itimerspec	 its;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1)
		return -1;
	if ((ss->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		return -1;
	if ((ss->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) == -1)
		return -1;
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_nsec = SWEEP_MS * 1000000L;
	its.it_value = its.it_interval;
	if (timerfd_settime(ss->timerfd, 0, &its, NULL) == -1)
		return -1;
	sg_intercept_sample_cpus();
	if ((ss->s.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return -1;
	if (epoll_add(ss->s.epfd, sg_control_fd(), TAG_CONTROL, EPOLLIN) == -1 ||
	    epoll_add(ss->s.epfd, ss->sigfd, TAG_SIGNAL, EPOLLIN) == -1 ||
	    epoll_add(ss->s.epfd, ss->timerfd, TAG_TIMER, EPOLLIN) == -1)
		return -1;
	return 0;
}

static int
shell_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* Reaps the command and every orphan the subreaper inherited. */
static void
reap(struct session *ss)
{
	struct sg_process	*p;
	pid_t			 pid;
	int			 status;

	while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
		if (pid == ss->s.host) {
			ss->s.host = 0;		/* not traced: its end is the socket's */
			continue;
		}
		if ((p = sg_process_find(pid)) != NULL)
			p->status = shell_status(status);
		if (pid == ss->s.command) {
			ss->command_done = 1;
			ss->command_status = shell_status(status);
		}
	}
}

static void
on_signal(struct session *ss)
{
	struct signalfd_siginfo	 si;

	while (read(ss->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap(ss);
			sg_decide_sweep(&ss->s);
		} else {
			/* Asked to stop: nothing traced may outlive the supervisor's watch. */
			ss->terminate = 1;
			sg_kill_tree(&ss->s);
		}
	}
}

static void
on_timer(struct session *ss)
{
	uint64_t	 ticks;

	if (read(ss->timerfd, &ticks, sizeof(ticks)) == -1 && errno != EAGAIN)
		return;
	sg_intercept_sample_cpus();
	if (sg_pending_count() > 0)
		sg_decide_sweep(&ss->s);
	if (sg_counts_due())
		sg_counts_flush();
}

/* The main loop watches the listener for its hangup only: no task is left that runs the filter. */
static void
on_listener(struct session *ss, uint32_t events)
{
	if (events & (EPOLLHUP | EPOLLERR)) {
		ss->listener_hup = 1;
		epoll_ctl(ss->s.epfd, EPOLL_CTL_DEL, ss->s.l.fd, NULL);
	}
}

static void
host_lost(struct session *ss)
{
	epoll_ctl(ss->s.epfd, EPOLL_CTL_DEL, sg_control_fd(), NULL);
	if (ss->s.opt->on_host_loss == SG_LOSS_DENY)
		syslog(LOG_WARNING, "host gone: denying every question from now on");
	sg_decide_host_lost(&ss->s);
}

static void
on_control(struct session *ss, uint32_t events)
{
	if (events & EPOLLOUT)
		sg_control_flush();
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && sg_control_read(on_frame, ss) == -1)
		host_lost(ss);
}

static void
on_process(struct session *ss, pid_t pid)
{
	struct sg_process	*p;

	reap(ss);
	if ((p = sg_process_find(pid)) != NULL && !p->exited)
		sg_decide_process_exited(&ss->s, p);
}

static void
dispatch(struct session *ss, const struct epoll_event *ev)
{
	uint64_t	 tag = ev->data.u64 >> 32;

	switch (tag) {
	case TAG_CONTROL:
		on_control(ss, ev->events);
		break;
	case TAG_LISTENER:
		on_listener(ss, ev->events);
		break;
	case TAG_SIGNAL:
		on_signal(ss);
		break;
	case TAG_TIMER:
		on_timer(ss);
		break;
	case SG_TAG_PROCESS:
		on_process(ss, (pid_t)(uint32_t)ev->data.u64);
		break;
	}
}

/* After a turn: frames that could not be written wait for the socket to take them. */
static void
end_turn(struct session *ss)
{
	struct epoll_event	 ev;
	int			 want;

	if (!ss->s.host_gone && sg_control_lost())
		host_lost(ss);
	if (ss->s.host_gone)
		return;
	want = sg_control_has_output();
	if (want == ss->watching_out)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | (want ? EPOLLOUT : 0);
	ev.data.u64 = TAG_CONTROL << 32;
	if (epoll_ctl(ss->s.epfd, EPOLL_CTL_MOD, sg_control_fd(), &ev) == 0)
		ss->watching_out = want;
}

static int
listener_hung_up(int fd)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR));
}

static void
profile_start(struct timespec *t0)
{
	clock_gettime(CLOCK_MONOTONIC, t0);
}

static void
profile_end(const struct timespec *t0, int nr)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (nr < 0 || nr >= PROFILE_CALLS)
		nr = PROFILE_CALLS;
	profile.n[nr]++;
	profile.ns[nr] += (uint64_t)(t1.tv_sec - t0->tv_sec) * 1000000000 +
	    (uint64_t)t1.tv_nsec - (uint64_t)t0->tv_nsec;
}

static void
profile_print(void)
{
	uint64_t	 n = 0, ns = 0;
	int		 i;

	if (!profile.on)
		return;
	for (i = 0; i <= PROFILE_CALLS; i++) {
		if (profile.n[i] == 0)
			continue;
		n += profile.n[i];
		ns += profile.ns[i];
		fprintf(stderr, "sysgate: profile %d %s %llu calls %.1f us each %.2f ms\n",
		    (int)getpid(), i < PROFILE_CALLS && sg_call_name(i) ? sg_call_name(i) : "?",
		    (unsigned long long)profile.n[i],
		    (double)profile.ns[i] / 1e3 / (double)profile.n[i], (double)profile.ns[i] / 1e6);
	}
	fprintf(stderr, "sysgate: profile %d all %llu calls %.2f ms\n", (int)getpid(),
	    (unsigned long long)n, (double)ns / 1e6);
}

/* The listener thread: one notification after another, each decided in its turn. */
static void *
listener_loop(void *arg)
{
	struct session	*ss = arg;
	struct timespec	 t0;
	int		 err, nr;

	for (;;) {
		if (sg_notif_recv(&ss->s.l) == -1) {
			/* ENOENT: the caller died before its call was read, or no task is left. */
			err = errno;
			if (err == ENOENT && !listener_hung_up(ss->s.l.fd))
				continue;
			/* hand_over stops this thread between two notifications. */
			if (err == EINTR && ss->s.l.stop)
				return NULL;
			break;
		}
		nr = ss->s.l.notif->data.nr;
		pthread_mutex_lock(&turn);
		ss->last_call_ms = now_ms();
		if (profile.on)
			profile_start(&t0);
		if (ss->s.fatal) {
			/* The main loop is about to kill the tree: nothing runs on meanwhile. */
			sg_notif_fail(&ss->s.l, ss->s.l.notif->id, EPERM);
		} else if (!ss->stopping) {
			sg_decide_notification(&ss->s);
			end_turn(ss);
		}
		if (profile.on)
			profile_end(&t0, nr);
		pthread_mutex_unlock(&turn);
	}
	if (err != ENOENT) {
		/* A listener that fails otherwise leaves calls nobody answers. */
		pthread_mutex_lock(&turn);
		syslog(LOG_ERR, "SECCOMP_IOCTL_NOTIF_RECV: %s", strerror(err));
		ss->s.fatal = 1;
		pthread_mutex_unlock(&turn);
	}
	return NULL;
}

static void
on_stop_signal(int sig)
{
	(void)sig;
}

/* Ends the listener thread between two notifications; called with the turn held. */
static void
stop_listener(struct session *ss)
{
	struct sigaction	 sa;
	struct timespec		 ts;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;	/* no SA_RESTART: NOTIF_RECV ends with EINTR */
	sigaction(SIGUSR2, &sa, NULL);
	ss->s.l.stop = 1;
	pthread_mutex_unlock(&turn);
	/* Again until it is gone: a signal that comes between two waits is not seen. */
	do {
		pthread_kill(ss->listener, SIGUSR2);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
	} while (pthread_timedjoin_np(ss->listener, NULL, &ts) == ETIMEDOUT);
	pthread_mutex_lock(&turn);
	ss->s.l.stop = 0;
}

/*
 * The command is over, and processes it left run on (a daemon, `sleep 3 &`): sysgate returns
 * now with the command's status, as the shell would, and they stay supervised until they
 * end. The listener thread is stopped between two notifications and the supervisor forks:
 * this process sends `exit` and returns the status (after a plan's host has read it), the
 * child goes on deciding, without a host (the control socket closed: what needs
 * one fails closed, denied and written to syslog), with its standard descriptors on
 * /dev/null (a `$(sysgate ...)` must not wait for it). Not while a call runs apart (a thread
 * is not forked): the hand-over waits for it.
 */
static void
hand_over(struct session *ss)
{
	pid_t	 pid;
	int	 null;

	stop_listener(ss);
	if ((pid = fork()) == -1) {
		syslog(LOG_ERR, "cannot hand the processes left over: fork: %m");
		ss->no_hand_over = 1;
		if ((errno = pthread_create(&ss->listener, NULL, listener_loop, ss)) != 0)
			ss->s.fatal = 1;
		return;
	}
	if (pid > 0) {
		/* The child has closed its copy of the socket: the host reads `exit`, then EOF. */
		ss->hand_over_parent = 1;
		send_exit(ss->command_status, 1);
		return;
	}
	ss->handed_over = 1;
	ss->s.self = getpid();
	ss->s.host = 0;
	ss->host_fd = -1;
	epoll_ctl(ss->s.epfd, EPOLL_CTL_DEL, sg_control_fd(), NULL);
	sg_control_close();
	ss->s.host_left = 1;
	/* Questions still waiting, and calls waiting for a policy, are decided without it. */
	sg_decide_host_lost(&ss->s);
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
	syslog(LOG_INFO, "command %d exited with %d; its processes left stay supervised",
	    (int)ss->s.command, ss->command_status);
	if ((errno = pthread_create(&ss->listener, NULL, listener_loop, ss)) != 0) {
		syslog(LOG_ERR, "cannot start the listener thread: %m");
		ss->s.fatal = 1;
	}
}

#define SETTLE_MS	100	/* quiet after the command's end before handing over */
#define SETTLE_MAX_MS	1000	/* and at most this long */

/*
 * Whether the command's end leaves processes to hand over (hand_over), and they have
 * settled: no call for SETTLE_MS (a background job's own start, `sleep 3 &` opening
 * /dev/null, still has its host), or SETTLE_MAX_MS since the end. -1: not yet, *wait_ms
 * says how long to wait; 0: nothing to hand over; 1: now.
 */
static int
time_to_hand_over(struct session *ss, int *wait_ms)
{
	uint64_t	 now;

	*wait_ms = -1;
	if (!ss->command_done || ss->listener_hup || ss->handed_over || ss->no_hand_over ||
	    ss->s.fatal || ss->terminate || ss->s.killing)
		return 0;
	now = now_ms();
	if (ss->done_ms == 0)
		ss->done_ms = now;
	if (sg_apart_running() == 0 && (now - ss->last_call_ms >= SETTLE_MS ||
	    now - ss->done_ms >= SETTLE_MAX_MS)) {
		/* The command's reaping may have just released the filter's last task. */
		if (listener_hung_up(ss->s.l.fd)) {
			ss->listener_hup = 1;
			return 0;
		}
		return 1;
	}
	*wait_ms = SETTLE_MS / 4;
	return -1;
}

#define HELD_MS	1000	/* the turn waited for this long: look for a stop signal */

/* SIGINT, SIGTERM or SIGHUP if one waits to be read (left there for on_signal), else 0. */
static int
stop_pending(void)
{
	static const int	 stops[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t		 set;
	size_t			 i;

	if (sigpending(&set) == -1)
		return 0;
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		if (sigismember(&set, stops[i]))
			return stops[i];
	return 0;
}

/*
 * The main loop's turn. The listener thread holds it while it decides a call; should that
 * ever wait on something (a call performed for the program never should, but a memory read
 * can wait on the program's own userfaultfd), a stop signal must still end the run, failing
 * closed: every traced process is killed, found in /proc without the table the turn guards,
 * and the supervisor exits, which ends the waiting thread too.
 */
static void
take_turn(struct session *ss)
{
	struct timespec	 ts;
	int		 sig;

	for (;;) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += HELD_MS / 1000;
		if (pthread_mutex_timedlock(&turn, &ts) == 0)
			return;
		if ((sig = stop_pending()) == 0)
			continue;
		syslog(LOG_WARNING, "asked to stop while a call is being decided for more than "
		    "%d ms: killing every traced process", HELD_MS);
		sg_kill_descendants(&ss->s);
		_exit(128 + sig);
	}
}

static void
run_loop(struct session *ss)
{
	struct epoll_event	 events[EVENTS_MAX];
	int			 n, i, wait_ms;

	pthread_mutex_lock(&turn);
	while (!(ss->listener_hup && ss->command_done) && !ss->s.fatal) {
		if (time_to_hand_over(ss, &wait_ms) == 1) {
			hand_over(ss);
			if (ss->hand_over_parent)
				break;
			continue;
		}
		pthread_mutex_unlock(&turn);
		n = epoll_wait(ss->s.epfd, events, EVENTS_MAX, wait_ms);
		take_turn(ss);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		for (i = 0; i < n; i++)
			dispatch(ss, &events[i]);
		end_turn(ss);
	}
	/* The listener thread may still be between notifications: it decides nothing more. */
	ss->stopping = 1;
	pthread_mutex_unlock(&turn);
}

static void
send_started(pid_t pid)
{
	struct sg_out	 o;

	sg_out_init(&o);
	sg_out_verb(&o, "started");
	sg_out_num(&o, "pid", pid);
	sg_out_end(&o);
	sg_control_send(&o);
	sg_out_free(&o);
}

static void
send_exit(int status, int left)
{
	struct sg_out	 o;

	/* The last counts belong to the run: before its end. */
	sg_counts_flush();
	sg_out_init(&o);
	sg_out_verb(&o, "exit");
	sg_out_num(&o, "status", status);
	if (left)
		sg_out_num(&o, "left", left);
	sg_out_end(&o);
	sg_control_send(&o);
	sg_out_free(&o);
	sg_control_drain(DRAIN_MS);
}

/*
 * A host started for a plan's run writes the history and the log once it has read `exit`:
 * the run is over when it has exited, or when a signal asks the supervisor to stop. What a
 * slow host has not read yet goes on being written meanwhile, `exit` included.
 */
static void
wait_host(struct session *ss)
{
	struct signalfd_siginfo	 si;
	struct pollfd		 pfd[2];

	reap(ss);
	while (ss->s.host > 0) {
		pfd[0].fd = ss->sigfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = sg_control_has_output() ? sg_control_fd() : -1;
		pfd[1].events = POLLOUT;
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			return;
		if (pfd[1].revents & POLLOUT)
			sg_control_flush();
		while (read(ss->sigfd, &si, sizeof(si)) == sizeof(si))
			if (si.ssi_signo != SIGCHLD)
				return;
		reap(ss);
	}
}

static int
launch(struct session *ss, char *argv[])
{
	struct sg_command	 cmd;
	char			 path[PATH_MAX], err[512];
	int			 release;

	find_command(argv[0], path, sizeof(path), ss->s.command_path);
	/* Found by its name; run as another (login(1) starts a login shell as "-bash"). */
	if (ss->s.opt->argv0 != NULL)
		argv[0] = (char *)ss->s.opt->argv0;
	memset(&cmd, 0, sizeof(cmd));
	cmd.path = path;
	cmd.argv = argv;
	cmd.run_as = ss->s.opt->run_as;
	cmd.foreground = ss->s.opt->terminal_foreground;
	cmd.uid = ss->s.opt->run_uid;
	cmd.gid = ss->s.opt->run_gid;
	cmd.landlock = ss->landlock;
	ss->s.kernel = ss->landlock >= 0;
	notify_opens(ss);
	/* A grant of another process's /proc/PID: its reading opens are the supervisor's. */
	if (ss->grants_proc)
		ss->s.reads_exact = 0;
	sg_read_grants_sort(&ss->s.reads);
	cmd.allow = ss->allow;
	cmd.nallow = ss->nallow;
	if (sg_intercept_launch(&ss->s.l, &cmd, &ss->s.command, &release, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "sysgate-supervisor: cannot start %s: %s\n", argv[0], err);
		return -1;
	}
	/* No EPOLLIN: a notification must not wake this loop, only the hangup. */
	if (epoll_add(ss->s.epfd, ss->s.l.fd, TAG_LISTENER, 0) == -1)
		return -1;
	/* Nothing went out before: a plan's hello waits for the features the launch found. */
	if (ss->plan != NULL)
		send_hello(&ss->s.l, ss->s.opt->token);
	send_started(ss->s.command);
	ss->started = 1;
	if (sg_intercept_release(release) == -1)
		return -1;
	return 0;
}

/* Whether this process runs under a seccomp filter already (Seccomp: 2 in its status). */
static int
under_seccomp(void)
{
	char	 line[256];
	FILE	*f;
	int	 mode = 0;

	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(f);
	return mode == 2;
}

/*
 * Why no listener could be had. Under a filter with a listener of its own (sysgate inside
 * sysgate, or another supervisor), the kernel refuses a second one (EBUSY) and sysgate
 * refuses it before the kernel does (EPERM): one supervisor per process, so it says so.
 */
static void
say_no_listener(int err)
{
	if (under_seccomp() && (err == EBUSY || err == EPERM))
		fprintf(stderr, "sysgate-supervisor: this process already runs under a seccomp "
		    "filter that refuses it a listener (sysgate cannot run inside sysgate, or "
		    "another supervisor): %s\n", strerror(err));
	else if (err == ENOSYS || err == EINVAL)
		fprintf(stderr, "sysgate-supervisor: this kernel has no seccomp user "
		    "notification: %s\n", strerror(err));
	else
		fprintf(stderr, "sysgate-supervisor: cannot install a seccomp listener: %s\n",
		    strerror(err));
}

int
sg_session_run(const struct sg_options *opt, const struct sg_planned *plan)
{
	static struct session	 ss;
	memset(&ss, 0, sizeof(ss));
	ss.landlock = -1;
	ss.plan = plan;
	ss.host_fd = plan != NULL ? plan->host_fd : -1;
	ss.s.opt = opt;
	ss.s.self = getpid();
	openlog("sysgate", LOG_PID, LOG_AUTHPRIV);
	signal(SIGPIPE, SIG_IGN);
	if (sg_own_setup(opt->protect, opt->nprotect) == -1) {
		fprintf(stderr, "sysgate-supervisor: --protect: a place too long, or too many; "
		    "not starting the command\n");
		return 1;
	}
	/*
	 * A traced program of the supervisor's own user that a policy lets use ptrace,
	 * process_vm_writev or pidfd_getfd (a debugger's policy) could otherwise attach to the
	 * supervisor, write its memory or take its listener, and answer its own calls. Not
	 * dumpable, it is out of reach of any process without CAP_SYS_PTRACE. (Its children
	 * inherit this until they execute the command, which makes them dumpable again.)
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		fprintf(stderr, "sysgate-supervisor: prctl(PR_SET_DUMPABLE): %s\n", strerror(errno));
		return 1;
	}
	/* Orphans of the traced tree come to the supervisor, which reaps and knows them. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		syslog(LOG_WARNING, "cannot become a child subreaper: %m");
	if (sg_control_open(opt->control_fd) == -1) {
		fprintf(stderr, "sysgate-supervisor: --control-fd %d: %s\n", opt->control_fd,
		    strerror(errno));
		return 1;
	}
	/* A plan's run learns the kernel's features from its launch, saving the probe's fork. */
	if ((plan != NULL ? sg_intercept_sizes(&ss.s.l) : sg_intercept_probe(&ss.s.l)) == -1) {
		say_no_listener(errno);
		return 1;
	}
	if (plan != NULL)
		sg_control_await_host(start_host, &ss);
	if (plan == NULL)
		send_hello(&ss.s.l, opt->token);
	if (plan != NULL && take_preamble(&ss) == -1) {
		fprintf(stderr, "sysgate: the run's plan could not be set up; "
		    "not starting the command\n");
		return 1;
	}
	if (plan == NULL && await_start(&ss) == -1)
		return 1;
	if (ss.kernel_broken) {
		fprintf(stderr, "sysgate-supervisor: kernel mode could not be set up; "
		    "not starting the command\n");
		sg_control_drain(DRAIN_MS);
		return 1;
	}
	if (setup_loop(&ss) == -1 || launch(&ss, opt->argv) == -1) {
		fprintf(stderr, "sysgate-supervisor: %s\n", strerror(errno));
		if (ss.s.command > 0)
			kill(ss.s.command, SIGKILL);
		return 1;
	}
	profile.on = getenv("SYSGATE_PROFILE") != NULL;
	if ((errno = pthread_create(&ss.listener, NULL, listener_loop, &ss)) != 0) {
		fprintf(stderr, "sysgate-supervisor: cannot start the listener thread: %s\n",
		    strerror(errno));
		sg_kill_tree(&ss.s);
		return 1;
	}
	run_loop(&ss);
	profile_print();
	/* Nothing below runs at the same time as a decision (stopping is set). */
	if (ss.s.fatal) {
		sg_kill_tree(&ss.s);
		ss.command_status = 70;
	} else if (ss.terminate && !ss.command_done) {
		ss.command_status = 128 + SIGKILL;
	}
	if (!ss.hand_over_parent && !ss.handed_over)
		send_exit(ss.command_status, 0);
	if (ss.s.host > 0)
		wait_host(&ss);
	return ss.command_status;
}
