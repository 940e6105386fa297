/*
 * Routes around seccomp itself: ways a program could make calls the supervisor never sees, or
 * answer them itself. Each tries, ATTEMPTS times at most and for SECONDS at most, to open the
 * forbidden file FILE (or to get the power to, which is as good), and counts the attempts that
 * got through.
 *
 * Usage: routes ROUTE FILE ATTEMPTS SECONDS, ROUTE one of
 *   io_uring	io_uring_setup: a ring whose operations (IORING_OP_OPENAT...) seccomp never sees
 *   listener	seccomp(SET_MODE_FILTER, NEW_LISTENER): a filter of its own whose listener
 *		(newest first) would answer its own opens with CONTINUE
 *   listener-wide	the same with the high bits of the operation and flags set, which the
 *		kernel drops (it reads unsigned ints)
 *   filter	prctl(PR_SET_SECCOMP) and seccomp() with a filter that allows everything: the
 *		kernel must still take the most restrictive answer, the supervisor's
 *   ptrace	PTRACE_ATTACH to a traced sibling (it could change its calls after the check)
 *   vm-write	process_vm_writev into a traced sibling
 *   proc-mem	opening /proc/SIBLING/mem for writing
 *   userfaultfd	userfaultfd(2) and /dev/userfaultfd (stalls the supervisor's reads)
 *   int80	the i386 entry point: int 0x80 with open(FILE)
 *   x32	the x32 entry point: openat(FILE) with __X32_SYSCALL_BIT
 *   tiocsti	TIOCSTI and TIOCLINUX on a terminal of its own that it made its controlling
 *		terminal: bytes typed into the shell that reads it, outside every policy (FILE
 *		unused; an ioctl that succeeds is the escape), with a policy permitting every ioctl
 *   clone-ns	clone with a namespace flag (each of them), or CLONE_PARENT, and clone3 with
 *		CLONE_NEWUSER: process creation runs in the kernel, but these must still be
 *		decided, and the policy names no clone (FILE unused; a child made is the escape)
 *   supervisor	the supervisor itself (the parent of the command): PTRACE_SEIZE,
 *		process_vm_writev, its descriptors through pidfd_getfd (its listener among them),
 *		its /proc/PID/mem; for a program of the supervisor's own user, with a policy that
 *		permits those calls (a debugger's)
 *   host	every ancestor of the supervisor (sysgate's Node.js host, the front door, whatever
 *		started them), none of them traced and some of the program's own user:
 *		PTRACE_ATTACH, PTRACE_SEIZE, process_vm_readv/writev, pidfd_open (and through it
 *		pidfd_getfd), kcmp; with a policy that permits them all (a debugger's)
 *   host-proc	the same ancestors' /proc/PID/mem and /proc/PID/environ, opened for reading
 *   debugger	the way that stays open: PTRACE_ATTACH to its own traced child, its memory
 *		through process_vm_readv and /proc/PID/mem, a pidfd and kcmp, and the
 *		supervisor's /proc/PID/stat as ps reads it; a refusal is counted (FILE unused)
 */

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <unistd.h>

#include "hostile.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd		438
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup	425
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER	(1UL << 3)
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF	0x7fc00000U
#endif
#ifndef SECCOMP_IOCTL_NOTIF_RECV
#define SECCOMP_IOCTL_NOTIF_RECV	_IOWR('!', 0, struct seccomp_notif)
#define SECCOMP_IOCTL_NOTIF_SEND	_IOWR('!', 1, struct seccomp_notif_resp)
#endif
#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE	(1UL << 0)
#endif
#define X32_SYSCALL_BIT		0x40000000L

static const char *file;

/* Whether FILE can be opened now: the proof that a route got around the supervisor. */
static int
opens(void)
{
	int	 fd;

	if ((fd = open(file, O_RDONLY)) == -1)
		return 0;
	close(fd);
	return 1;
}

/* Answers every call its own filter sends it with CONTINUE: the program deciding for itself. */
static void *
answer_all(void *arg)
{
	int				 fd = (int)(intptr_t)arg;
	struct seccomp_notif		 n;
	struct seccomp_notif_resp	 r;

	for (;;) {
		memset(&n, 0, sizeof(n));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &n) == -1)
			continue;
		memset(&r, 0, sizeof(r));
		r.id = n.id;
		r.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &r);
	}
	return NULL;
}

static int
try_listener(int wide)
{
	struct sock_filter	 insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog	 prog = { sizeof(insns) / sizeof(insns[0]), insns };
	unsigned long		 op = SECCOMP_SET_MODE_FILTER, flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	pthread_t		 t;
	long			 fd;

	if (wide) {
		op |= 0xffffffff00000000UL;
		flags |= 0xffffffff00000000UL;
	}
	if ((fd = syscall(SYS_seccomp, op, flags, &prog)) < 0)
		return 0;
	/* A listener of its own: prove what it is worth. */
	if (pthread_create(&t, NULL, answer_all, (void *)(intptr_t)fd) != 0)
		return 1;
	return 1 + opens();
}

static int
try_filter(void)
{
	struct sock_filter	 insns[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog	 prog = { 1, insns };

	/* Both are allowed to run (the policy permits them); neither may loosen anything. */
	prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
	return opens();
}

static pid_t	 sibling = -1;
static volatile char target[64] = "untouched";

/* A traced sibling: a fork of this program, waiting. */
static void
start_sibling(void)
{
	if (sibling != -1)
		return;
	if ((sibling = fork()) == 0) {
		for (;;)
			pause();
	}
	if (sibling == -1) {
		perror("fork");
		exit(2);
	}
}

static int
try_ptrace(void)
{
	if (ptrace(PTRACE_ATTACH, sibling, NULL, NULL) == -1)
		return 0;
	waitpid(sibling, NULL, __WALL);
	ptrace(PTRACE_DETACH, sibling, NULL, NULL);
	return 1;
}

static int
try_vm_write(void)
{
	char		 text[] = "changed";
	struct iovec	 local = { text, sizeof(text) };
	struct iovec	 remote = { (void *)target, sizeof(text) };

	return process_vm_writev(sibling, &local, 1, &remote, 1, 0) > 0;
}

static int
try_proc_mem(void)
{
	char	 path[64];
	int	 fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)sibling);
	if ((fd = open(path, O_RDWR)) == -1)
		return 0;
	/* Holding it is enough: the sibling's memory is ours to write. */
	close(fd);
	return 1;
}

static int
try_userfaultfd(void)
{
	long	 fd;
	int	 got = 0;

	if ((fd = syscall(SYS_userfaultfd, O_CLOEXEC)) >= 0) {
		close((int)fd);
		got = 1;
	}
	if ((fd = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC)) >= 0) {
		close((int)fd);
		got = 1;
	}
	return got;
}

/* Any hold on the supervisor, which is our parent: each would let us answer our own calls. */
static int
try_supervisor(void)
{
	pid_t		 sup = getppid();
	char		 byte = 0, path[64];
	struct iovec	 local = { &byte, 1 }, remote = { (void *)target, 1 };
	int		 pidfd, fd, got = 0;

	if (ptrace(PTRACE_SEIZE, sup, NULL, NULL) == 0) {
		ptrace(PTRACE_DETACH, sup, NULL, NULL);
		got = 1;
	}
	/* Whatever the address: EPERM and EFAULT tell apart whether the way is open. */
	if (process_vm_writev(sup, &local, 1, &remote, 1, 0) != -1 || errno != EPERM)
		got = 1;
	if ((pidfd = (int)syscall(SYS_pidfd_open, sup, 0)) >= 0) {
		for (fd = 0; fd < 64; fd++)
			if (syscall(SYS_pidfd_getfd, pidfd, fd, 0) >= 0)
				got = 1;
		close(pidfd);
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)sup);
	if ((fd = open(path, O_RDWR)) >= 0) {
		close(fd);
		got = 1;
	}
	return got;
}

#ifndef SYS_kcmp
#define SYS_kcmp		312
#endif
#define KCMP_VM			1

/* The supervisor's ancestors up to init: sysgate's host and whatever started it. */
static pid_t	 outside[32];
static int	 noutside;

static void
find_outside(void)
{
	char	 path[64], line[256];
	pid_t	 pid = getppid(), next;
	FILE	*f;

	while (noutside < 32 && pid > 1) {
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		if ((f = fopen(path, "r")) == NULL)
			break;
		next = 0;
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "PPid: %d", &next) == 1)
				break;
		fclose(f);
		if (next <= 1)
			break;
		outside[noutside++] = pid = next;
	}
	if (noutside == 0) {
		fprintf(stderr, "routes: the supervisor has no ancestor to try\n");
		exit(2);
	}
}

/* Any hold on one of them: each is a process outside every policy. */
static int
try_host_pid(pid_t host)
{
	char		 byte = 0;
	struct iovec	 local = { &byte, 1 }, remote = { (void *)target, 1 };
	int		 pidfd, fd, got = 0;

	if (ptrace(PTRACE_ATTACH, host, NULL, NULL) == 0) {
		waitpid(host, NULL, __WALL);
		ptrace(PTRACE_DETACH, host, NULL, NULL);
		got = 1;
	}
	if (ptrace(PTRACE_SEIZE, host, NULL, NULL) == 0) {
		ptrace(PTRACE_DETACH, host, NULL, NULL);
		got = 1;
	}
	/* Whatever the address: EPERM and EFAULT tell apart whether the way is open. */
	if (process_vm_readv(host, &local, 1, &remote, 1, 0) != -1 || errno != EPERM)
		got = 1;
	if (process_vm_writev(host, &local, 1, &remote, 1, 0) != -1 || errno != EPERM)
		got = 1;
	if (syscall(SYS_kcmp, getpid(), host, KCMP_VM, 0, 0) != -1 || errno != EPERM)
		got = 1;
	if ((pidfd = (int)syscall(SYS_pidfd_open, host, 0)) >= 0) {
		got = 1;
		for (fd = 0; fd < 64; fd++)
			if (syscall(SYS_pidfd_getfd, pidfd, fd, 0) >= 0)
				got = 1;
		close(pidfd);
	}
	return got;
}

static int
try_host(void)
{
	int	 i, got = 0;

	for (i = 0; i < noutside; i++)
		got |= try_host_pid(outside[i]);
	return got;
}

static int
try_host_proc(void)
{
	static const char *const entries[] = { "mem", "environ" };
	char	 path[64];
	int	 i, j, fd, got = 0;

	for (i = 0; i < noutside; i++)
		for (j = 0; j < 2; j++) {
			snprintf(path, sizeof(path), "/proc/%d/%s", (int)outside[i], entries[j]);
			if ((fd = open(path, O_RDONLY)) >= 0) {
				close(fd);
				got = 1;
			}
		}
	return got;
}

/* A debugger's work on its own child, which must stay possible: 1 when any of it failed. */
static int
try_debugger(void)
{
	char		 byte = 0;
	struct iovec	 local = { &byte, 1 }, remote = { (void *)target, 1 };
	char		 path[64];
	int		 pidfd, fd, failed = 0;

	if (ptrace(PTRACE_ATTACH, sibling, NULL, NULL) == -1) {
		perror("ptrace PTRACE_ATTACH to its own child");
		return 1;
	}
	waitpid(sibling, NULL, __WALL);
	if (process_vm_readv(sibling, &local, 1, &remote, 1, 0) != 1 || byte != 'u') {
		perror("process_vm_readv of its own child");
		failed = 1;
	}
	if (ptrace(PTRACE_DETACH, sibling, NULL, NULL) == -1)
		failed = 1;
	if ((pidfd = (int)syscall(SYS_pidfd_open, sibling, 0)) == -1) {
		perror("pidfd_open of its own child");
		failed = 1;
	} else
		close(pidfd);
	if (syscall(SYS_kcmp, getpid(), sibling, KCMP_VM, 0, 0) == -1) {
		perror("kcmp with its own child");
		failed = 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)sibling);
	if ((fd = open(path, O_RDONLY)) == -1) {
		perror("its own child's /proc/PID/mem");
		failed = 1;
	} else
		close(fd);
	/* What ps reads of every process, the supervisor's too. */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)getppid());
	if ((fd = open(path, O_RDONLY)) == -1) {
		perror("the supervisor's /proc/PID/stat");
		failed = 1;
	} else
		close(fd);
	return failed;
}

/*
 * Another ABI's entry, in a child: the filter kills it (SIGSYS) before anything happens; an
 * exit status of 0 means the call opened the file.
 */
static int
try_other_abi(int x32, const char *low)
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == 0) {
		long	 rc;

		if (x32) {
			rc = syscall(X32_SYSCALL_BIT | SYS_openat, AT_FDCWD, file, O_RDONLY);
		} else {
			/* i386 open(2) is 5; the name is below 2 GiB (low_copy). */
			__asm__ volatile ("int $0x80" : "=a"(rc) : "a"(5L), "b"(low), "c"(0L)
			    : "memory");
		}
		_exit(rc >= 0 ? 0 : 1);
	}
	if (pid == -1 || waitpid(pid, &status, 0) == -1) {
		perror("fork");
		exit(2);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int terminal = -1;

/* A session and a pseudo-terminal of its own, its controlling terminal. */
static void
start_terminal(void)
{
	int	 master;

	if (setsid() == -1 || (master = posix_openpt(O_RDWR | O_NOCTTY)) == -1 ||
	    grantpt(master) == -1 || unlockpt(master) == -1 ||
	    (terminal = open(ptsname(master), O_RDWR | O_NOCTTY)) == -1 ||
	    ioctl(terminal, TIOCSCTTY, 0) == -1) {
		perror("terminal");
		exit(2);
	}
}

/*
 * Each clone the filter must not allow by itself; a child created is an escape. A plain fork
 * must work (the attempt is void otherwise).
 */
static int
try_clone_ns(void)
{
	static const unsigned long flags[] = { 0x00020000, 0x02000000, 0x04000000, 0x08000000,
	    0x10000000, 0x20000000, 0x40000000, 0x00008000 };
	struct { uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size,
	    tls; } args;
	size_t	 i;
	long	 pid;
	int	 made = 0;

	if ((pid = fork()) == 0)
		_exit(0);
	if (pid == -1) {
		perror("fork");
		exit(2);
	}
	waitpid((pid_t)pid, NULL, 0);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if ((pid = syscall(SYS_clone, flags[i] | SIGCHLD, 0, 0, 0, 0)) == 0)
			_exit(0);
		if (pid > 0) {
			waitpid((pid_t)pid, NULL, __WALL);
			made++;
		}
	}
	memset(&args, 0, sizeof(args));
	args.flags = 0x10000000;
	args.exit_signal = SIGCHLD;
	if ((pid = syscall(435, &args, sizeof(args))) == 0)
		_exit(0);
	if (pid > 0) {
		waitpid((pid_t)pid, NULL, __WALL);
		made++;
	}
	return made;
}

/* One byte typed into the terminal (TIOCSTI), one selection pasted (TIOCLINUX, subcode 3). */
static int
try_tiocsti(void)
{
	char	 c = 'x', paste = 3;

	return (ioctl(terminal, TIOCSTI, &c) == 0) + (ioctl(terminal, TIOCLINUX, &paste) == 0);
}

int
main(int argc, char *argv[])
{
	struct budget	 b;
	const char	*route;
	long		 i, escapes = 0;
	char		*low;

	if (argc != 5) {
		fprintf(stderr, "usage: routes ROUTE FILE ATTEMPTS SECONDS\n");
		return 2;
	}
	route = argv[1];
	file = argv[2];
	/* A copy of the name where a 32-bit call can point at it. */
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
	    -1, 0);
	if (low == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	snprintf(low, 4096, "%s", file);
	budget_start(&b, atol(argv[3]), atof(argv[4]));
	if (strcmp(route, "ptrace") == 0 || strcmp(route, "vm-write") == 0 ||
	    strcmp(route, "proc-mem") == 0 || strcmp(route, "debugger") == 0)
		start_sibling();
	if (strcmp(route, "host") == 0 || strcmp(route, "host-proc") == 0)
		find_outside();
	if (strcmp(route, "tiocsti") == 0)
		start_terminal();
	for (i = 0; budget_left(&b, i); i++) {
		if (strcmp(route, "io_uring") == 0) {
			struct { uint32_t words[30]; } params;	/* struct io_uring_params */
			long	 fd;

			memset(&params, 0, sizeof(params));
			if ((fd = syscall(SYS_io_uring_setup, 4, &params)) >= 0) {
				close((int)fd);
				escapes++;
			}
		} else if (strcmp(route, "listener") == 0) {
			escapes += try_listener(0) != 0;
		} else if (strcmp(route, "listener-wide") == 0) {
			escapes += try_listener(1) != 0;
		} else if (strcmp(route, "filter") == 0) {
			escapes += try_filter();
		} else if (strcmp(route, "ptrace") == 0) {
			escapes += try_ptrace();
		} else if (strcmp(route, "vm-write") == 0) {
			escapes += try_vm_write();
		} else if (strcmp(route, "proc-mem") == 0) {
			escapes += try_proc_mem();
		} else if (strcmp(route, "userfaultfd") == 0) {
			escapes += try_userfaultfd();
		} else if (strcmp(route, "int80") == 0) {
			escapes += try_other_abi(0, low);
		} else if (strcmp(route, "x32") == 0) {
			escapes += try_other_abi(1, low);
		} else if (strcmp(route, "tiocsti") == 0) {
			escapes += try_tiocsti();
		} else if (strcmp(route, "supervisor") == 0) {
			escapes += try_supervisor();
		} else if (strcmp(route, "host") == 0) {
			escapes += try_host();
		} else if (strcmp(route, "host-proc") == 0) {
			escapes += try_host_proc();
		} else if (strcmp(route, "debugger") == 0) {
			escapes += try_debugger();
		} else if (strcmp(route, "clone-ns") == 0) {
			escapes += try_clone_ns();
		} else {
			fprintf(stderr, "routes: no such route: %s\n", route);
			return 2;
		}
		if (escapes > 0)
			break;
	}
	if (sibling != -1) {
		kill(sibling, SIGKILL);
		waitpid(sibling, NULL, 0);
	}
	return report(i + (escapes > 0), -1, escapes);
}
