/*
 * The BPF program every traced task runs on each system call. It decides only what needs no
 * policy: a call from another ABI (i386 through int 0x80, x32) kills the process, because the
 * supervisor's tables and translations describe the native ABI alone and such calls would
 * otherwise slip past them; a call of the baseline below is allowed in the kernel; every other
 * call goes to the supervisor.
 *
 * The baseline holds calls that act only on the caller's own memory, time, signals and
 * identity, or on descriptors it already holds (whose opening the policy has decided). None of
 * them names a file, an address or another process. Nothing that can get around the filter is
 * here: not io_uring_* (its operations bypass seccomp), seccomp or prctl (new filters,
 * listeners), ptrace, process_vm_writev, userfaultfd, bpf. Each group says why it is safe.
 */

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>

#include "filter.h"
#include "names.h"

#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF	0x7fc00000U
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif

#define X32_SYSCALL_BIT		0x40000000U

const char *const sg_baseline[] = {
	/* Memory: the caller's own address space. mmap of a file needs a descriptor that
	 * was opened under the policy. */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync",
	"mlock", "mlock2", "munlock", "mlockall", "munlockall", "membarrier",
	/* Threads and their bookkeeping: the C library runs these in every program. */
	"futex", "futex_waitv", "set_robust_list", "get_robust_list", "set_tid_address",
	"rseq", "arch_prctl", "sched_yield", "sched_getaffinity", "getcpu",
	/* Time: reading clocks and sleeping. */
	"clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday",
	"time",
	/* Signals: the caller's own handlers, mask and stack. Sending a signal to anyone
	 * (kill, tkill, tgkill) is decided by policy. */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend",
	"rt_sigtimedwait", "sigaltstack", "restart_syscall", "pause",
	/* Descriptors already open: reading, writing, seeking, waiting, closing. */
	"read", "write", "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev",
	"preadv2", "pwritev2", "lseek", "close", "close_range", "dup", "dup2", "dup3",
	"fcntl", "fstat", "fstatfs", "fsync", "fdatasync", "getdents64",
	"poll", "ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl", "epoll_wait",
	"epoll_pwait", "epoll_pwait2",
	/* Identity: reading one's own ids tells nothing a policy guards. */
	"getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid",
	"getresuid", "getresgid", "getgroups", "getpgrp", "getpgid", "getsid",
	"getrlimit", "getrusage", "times", "uname",
	/* Ending: a process may always stop. */
	"exit", "exit_group",
	/* Randomness for the C library's and the program's own use. */
	"getrandom",
	/* Waiting for one's own children. */
	"wait4", "waitid",
	NULL
};

int
sg_filter_is_baseline(const char *name)
{
	size_t	 i;

	for (i = 0; sg_baseline[i] != NULL; i++)
		if (strcmp(sg_baseline[i], name) == 0)
			return 1;
	return 0;
}

static int
emit(struct sg_filter *f, struct sock_filter insn)
{
	if (f->len == SG_FILTER_MAX)
		return -1;
	f->insns[f->len++] = insn;
	return 0;
}

static int
emit_stmt(struct sg_filter *f, unsigned short code, unsigned k)
{
	struct sock_filter	 insn = BPF_STMT(code, k);

	return emit(f, insn);
}

static int
emit_jump(struct sg_filter *f, unsigned short code, unsigned k, unsigned char jt,
    unsigned char jf)
{
	struct sock_filter	 insn = BPF_JUMP(code, k, jt, jf);

	return emit(f, insn);
}

static unsigned
native_arch(void)
{
#if defined(__x86_64__)
	return AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	return AUDIT_ARCH_AARCH64;
#endif
}

/* The calls of the baseline that this architecture has (aarch64 has no select, time...). */
static size_t
baseline_numbers(int *nrs, size_t max)
{
	size_t	 i, n = 0;
	int	 nr;

	for (i = 0; sg_baseline[i] != NULL && n < max; i++)
		if ((nr = sg_call_number(sg_baseline[i])) >= 0)
			nrs[n++] = nr;
	return n;
}

int
sg_filter_build(struct sg_filter *f)
{
	int	 nrs[256];
	size_t	 n, i;
	int	 rc = 0;

	f->len = 0;
	n = baseline_numbers(nrs, sizeof(nrs) / sizeof(nrs[0]));
	rc |= emit_stmt(f, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	rc |= emit_jump(f, BPF_JMP | BPF_JEQ | BPF_K, native_arch(), 1, 0);
	rc |= emit_stmt(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	rc |= emit_stmt(f, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
	/* x32 shares AUDIT_ARCH_X86_64 and sets this bit in the number. */
	rc |= emit_jump(f, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 0, 1);
	rc |= emit_stmt(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
	/* Each comparison jumps over the rest to the ALLOW after the USER_NOTIF. */
	for (i = 0; i < n; i++)
		rc |= emit_jump(f, BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nrs[i],
		    (unsigned char)(n - i), 0);
	rc |= emit_stmt(f, BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	rc |= emit_stmt(f, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return rc == 0 && n <= 255 ? 0 : -1;
}
