/*
 * The BPF program, run by a small interpreter of the instructions it uses: which calls the
 * kernel allows by itself, which it sends to the supervisor, and which it kills.
 */

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "calls.generated.h"
#include "check.h"
#include "filter.h"
#include "names.h"

#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF	0x7fc00000U
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#define AT_EMPTY_PATH		0x1000
#define AT_FDCWD		(-100)

static struct sg_filter prog;

/* Classic BPF as the kernel runs it: the instructions sg_filter_build emits, nothing else. */
static uint32_t
run(const struct seccomp_data *d)
{
	uint32_t	 a = 0, word;
	size_t		 pc;

	for (pc = 0; pc < prog.len; pc++) {
		const struct sock_filter *i = &prog.insns[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k + 4 > sizeof(*d))
				return 0xdead;
			memcpy(&word, (const char *)d + i->k, 4);
			a = word;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) != 0 ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return 0xbad;
		}
	}
	return 0xe0d;
}

static uint32_t
call(const char *name, int64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct seccomp_data	 d;

	memset(&d, 0, sizeof(d));
#if defined(__x86_64__)
	d.arch = AUDIT_ARCH_X86_64;
#else
	d.arch = AUDIT_ARCH_AARCH64;
#endif
	d.nr = sg_call_number(name);
	d.args[0] = (uint64_t)a0;
	d.args[1] = a1;
	d.args[2] = a2;
	d.args[3] = a3;
	return run(&d);
}

static void
baseline_and_others(void)
{
	struct seccomp_data	 d;

	CHECK(call("read", 0, 0, 0, 0) == SECCOMP_RET_ALLOW);
	CHECK(call("close", 3, 0, 0, 0) == SECCOMP_RET_ALLOW);
	CHECK(call("fstat", 3, 0x1000, 0, 0) == SECCOMP_RET_ALLOW);
	CHECK(call("openat", AT_FDCWD, 0x1000, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("execve", 0x1000, 0x2000, 0, 0) == SECCOMP_RET_USER_NOTIF);
	/* What could get around the filter is never allowed by it. */
	CHECK(call("io_uring_setup", 8, 0x1000, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("seccomp", 1, 0, 0x1000, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("ptrace", 16, 1, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("process_vm_writev", 1, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("userfaultfd", 0, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("bpf", 0, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	/* Another ABI is killed. */
	memset(&d, 0, sizeof(d));
	d.arch = AUDIT_ARCH_I386;
	d.nr = 3;
	CHECK(run(&d) == SECCOMP_RET_KILL_PROCESS);
#if defined(__x86_64__)
	d.arch = AUDIT_ARCH_X86_64;
	d.nr = 0x40000000U | 0;
	CHECK(run(&d) == SECCOMP_RET_KILL_PROCESS);
#endif
}

/* newfstatat(fd, NULL, buf, AT_EMPTY_PATH) and statx(fd, NULL, AT_EMPTY_PATH, ...) alone. */
static void
fstat_forms(void)
{
	CHECK(call("newfstatat", 3, 0, 0x1000, AT_EMPTY_PATH) == SECCOMP_RET_ALLOW);
	CHECK(call("newfstatat", 0, 0, 0x1000, AT_EMPTY_PATH | 0x100) == SECCOMP_RET_ALLOW);
	/* A path in memory, even "", goes to the supervisor. */
	CHECK(call("newfstatat", 3, 0x1000, 0x2000, AT_EMPTY_PATH) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("newfstatat", 3, 1ULL << 32, 0x2000, AT_EMPTY_PATH) == SECCOMP_RET_USER_NOTIF);
	/* AT_FDCWD (or any negative int) would be the working directory: not a descriptor. */
	CHECK(call("newfstatat", AT_FDCWD, 0, 0x2000, AT_EMPTY_PATH) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("newfstatat", (int64_t)0xffffffff80000000ULL, 0, 0, AT_EMPTY_PATH) ==
	    SECCOMP_RET_USER_NOTIF);
	/* Only the low 32 bits of an int argument count, as for the kernel. */
	CHECK(call("newfstatat", (int64_t)0x100000003ULL, 0, 0x2000, AT_EMPTY_PATH) ==
	    SECCOMP_RET_ALLOW);
	CHECK(call("newfstatat", 3, 0, 0x2000, 0) == SECCOMP_RET_USER_NOTIF);
	/* The flags are newfstatat's fourth argument and statx's third. */
	CHECK(call("newfstatat", 3, 0, AT_EMPTY_PATH, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("statx", 3, 0, AT_EMPTY_PATH, 0x7ff) == SECCOMP_RET_ALLOW);
	CHECK(call("statx", 3, 0, 0, AT_EMPTY_PATH) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("statx", 3, 0x1000, AT_EMPTY_PATH, 0x7ff) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("statx", AT_FDCWD, 0, AT_EMPTY_PATH, 0x7ff) == SECCOMP_RET_USER_NOTIF);
	/* The checks leave the number as it was for what follows them. */
	CHECK(call("openat", 3, 0, 0, AT_EMPTY_PATH) == SECCOMP_RET_USER_NOTIF);
}

/* Process creation: fork and vfork, clone without a namespace flag; clone3 refused. */
static void
process_creation(void)
{
	/* glibc's fork: SIGCHLD | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID. */
	CHECK(call("clone", 0x01200011, 0, 0, 0) == SECCOMP_RET_ALLOW);
	/* pthread_create's flags. */
	CHECK(call("clone", 0x003d0f00, 0x1000, 0, 0) == SECCOMP_RET_ALLOW);
	/* posix_spawn's: CLONE_VM | CLONE_VFORK | SIGCHLD. */
	CHECK(call("clone", 0x00004111, 0x1000, 0, 0) == SECCOMP_RET_ALLOW);
	/* Each namespace flag, and CLONE_PARENT, go to the supervisor. */
	CHECK(call("clone", 0x00020011, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("clone", 0x02000011, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("clone", 0x04000011, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("clone", 0x08000011, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("clone", 0x10000011, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("clone", 0x20000011, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("clone", 0x40000011, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("clone", 0x00008011, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	/* The kernel reads the low 32 bits: high ones change nothing either way. */
	CHECK(call("clone", (int64_t)0x1000000011ULL, 0, 0, 0) == SECCOMP_RET_ALLOW);
	CHECK(call("clone", (int64_t)0xffffffff10000011ULL, 0, 0, 0) ==
	    SECCOMP_RET_USER_NOTIF);
	CHECK(call("clone3", 0x1000, 88, 0, 0) == (SECCOMP_RET_ERRNO | ENOSYS));
#if defined(__x86_64__)
	CHECK(call("fork", 0, 0, 0, 0) == SECCOMP_RET_ALLOW);
	CHECK(call("vfork", 0, 0, 0, 0) == SECCOMP_RET_ALLOW);
#endif
	/* What decides namespaces otherwise is still the supervisor's. */
	CHECK(call("unshare", 0x10000000, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("setns", 3, 0, 0, 0) == SECCOMP_RET_USER_NOTIF);
}

/*
 * Kernel-speed mode's allowed opens: only reading stays in the kernel (Landlock); writing,
 * creating, truncating, O_TMPFILE and O_PATH go to the supervisor; creat and openat2 always.
 */
static void
kernel_opens(void)
{
	const char	*calls[] = { "open", "openat", "creat", "openat2", "getpid" };
	int		 allow[5], n = 0;
	size_t		 i;

	for (i = 0; i < 5; i++)
		if ((allow[n] = sg_call_number(calls[i])) >= 0)
			n++;
	CHECK(sg_filter_build(&prog, allow, (size_t)n) == 0);
	CHECK(call("openat", AT_FDCWD, 0x1000, 0, 0) == SECCOMP_RET_ALLOW);
	CHECK(call("openat", AT_FDCWD, 0x1000, 0200000 | 02000000 | 04000, 0) ==
	    SECCOMP_RET_ALLOW);	/* O_DIRECTORY, O_CLOEXEC, O_NONBLOCK */
	CHECK(call("openat", AT_FDCWD, 0x1000, 01, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("openat", AT_FDCWD, 0x1000, 02, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("openat", AT_FDCWD, 0x1000, 03, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("openat", AT_FDCWD, 0x1000, 0100, 0644) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("openat", AT_FDCWD, 0x1000, 01000, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("openat", AT_FDCWD, 0x1000, 020200000, 0600) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("openat", AT_FDCWD, 0x1000, 010000000, 0) == SECCOMP_RET_USER_NOTIF);
	/* The flags are openat's third argument: its second (a pointer) does not count. */
	CHECK(call("openat", AT_FDCWD, 0x1003, 0, 0) == SECCOMP_RET_ALLOW);
	CHECK(call("openat", AT_FDCWD, 0, 01000, 0) == SECCOMP_RET_USER_NOTIF);
	/* The kernel takes the flags as an int: the high word changes nothing. */
	CHECK(call("openat", AT_FDCWD, 0x1000, 0x100000000ULL, 0) == SECCOMP_RET_ALLOW);
	CHECK(call("openat", AT_FDCWD, 0x1000, 0x100000001ULL, 0) == SECCOMP_RET_USER_NOTIF);
#if defined(__x86_64__)
	CHECK(call("open", 0x1000, 0, 0, 0) == SECCOMP_RET_ALLOW);
	CHECK(call("open", 0x1000, 01 | 0100, 0644, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("open", 0x1000, 01000, 0, 0) == SECCOMP_RET_USER_NOTIF);
	CHECK(call("creat", 0x1000, 0644, 0, 0) == SECCOMP_RET_USER_NOTIF);
#endif
	CHECK(call("openat2", AT_FDCWD, 0x1000, 0x2000, 24) == SECCOMP_RET_USER_NOTIF);
	/* The checks leave the number as it was for what follows them. */
	CHECK(call("getpid", 0, 0, 0, 0) == SECCOMP_RET_ALLOW);
	CHECK(call("newfstatat", 3, 0, 0x1000, AT_EMPTY_PATH) == SECCOMP_RET_ALLOW);
	CHECK(call("execve", 0x1000, 0x2000, 0, 0) == SECCOMP_RET_USER_NOTIF);
}

/* Every call of this architecture by its name and by its number; no other name has one. */
static void
names_both_ways(void)
{
	static const char *const others[] = { "", "rea", "read2", "READ", "no_such_call",
	    "sys_read", NULL };
	size_t	 i, wrong = 0;

	for (i = 0; i < sizeof(callnames) / sizeof(callnames[0]); i++)
		if (sg_call_number(callnames[i].name) != callnames[i].nr ||
		    sg_call_name(callnames[i].nr) == NULL ||
		    strcmp(sg_call_name(callnames[i].nr), callnames[i].name) != 0)
			wrong++;
	CHECK(wrong == 0);
	CHECK(i > 300);
	for (i = 0; others[i] != NULL; i++)
		CHECK(sg_call_number(others[i]) == -1);
}

int
main(void)
{
	names_both_ways();
	CHECK(sg_filter_build(&prog, NULL, 0) == 0);
	baseline_and_others();
	fstat_forms();
	process_creation();
	kernel_opens();
	return check_summary("test-filter");
}
