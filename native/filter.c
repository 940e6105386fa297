/*
 * The BPF program every traced task runs on each system call. It decides only what needs no
 * policy: a call from another ABI (i386 through int 0x80, x32) kills the process, because the
 * supervisor's tables and translations describe the native ABI alone and such calls would
 * otherwise slip past them; a call of the baseline below is allowed in the kernel; every other
 * call goes to the supervisor.
 *
 * The baseline holds calls that act only on the caller's own memory, time, signals and
 * identity, or on descriptors it already holds (whose opening the policy has decided), and
 * the creation of a process like the caller. None of them names a file, an address or another
 * process. Nothing that can get around the filter is here: not io_uring_* (its operations
 * bypass seccomp), seccomp or prctl (new filters, listeners), ptrace, process_vm_writev,
 * userfaultfd, bpf. Each group says why it is safe.
 *
 * Process creation is here because a notified call can fail where the kernel's own cannot: a
 * signal that reaches the caller before the supervisor has read the notification ends the
 * wait with -ERESTARTSYS (seccomp_do_user_notification; WAIT_KILLABLE_RECV holds only once it
 * is read), which a handler installed without SA_RESTART turns into EINTR. The kernel's own
 * fork restarts itself (-ERESTARTNOINTR); a shell that forks with a SIGCHLD handler said
 * "Cannot fork" under the supervisor. Nothing is lost by not deciding it: the child runs the
 * caller's program under the caller's policy (decide.c finds it at the child's first notified
 * call), and everything it could do with that policy the caller could do itself.
 */

#include <linux/audit.h>
#include <linux/fcntl.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "baseline.generated.h"
#include "filter.h"
#include "names.h"

#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF	0x7fc00000U
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif

#define X32_SYSCALL_BIT		0x40000000U

/*
 * The clone flags that make a new namespace (the kernel's headers here may lack some), and
 * CLONE_PARENT, which gives the child the caller's parent, and so another policy to inherit:
 * a clone with any of them is decided by the policy. CLONE_NEWTIME (0x80) is not among them:
 * clone() takes its low byte as the exit signal (kernel/fork.c strips CSIGNAL from the
 * flags), so only clone3 and unshare can make a time namespace.
 */
#define SG_CLONE_PARENT		0x00008000U
#define SG_CLONE_NEWNS		0x00020000U
#define SG_CLONE_NEWCGROUP	0x02000000U
#define SG_CLONE_NEWUTS		0x04000000U
#define SG_CLONE_NEWIPC		0x08000000U
#define SG_CLONE_NEWUSER	0x10000000U
#define SG_CLONE_NEWPID		0x20000000U
#define SG_CLONE_NEWNET		0x40000000U
#define SG_CLONE_DECIDED	(SG_CLONE_PARENT | SG_CLONE_NEWNS | SG_CLONE_NEWCGROUP | \
				 SG_CLONE_NEWUTS | SG_CLONE_NEWIPC | SG_CLONE_NEWUSER | \
				 SG_CLONE_NEWPID | SG_CLONE_NEWNET)

/* app/common/calls/baseline.ts, each kind with why it needs no policy. */
const char *const sg_baseline[] = {
	SG_BASELINE_CALLS
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

/*
 * Jumps to the two answers at the end of the program are written before the end's place is
 * known; they are noted here and patched when it is.
 */
enum target { TO_NEXT, TO_NOTIFY, TO_ALLOW };

struct fixups {
	unsigned short	 at[SG_FILTER_MAX * 2];
	enum target	 to[SG_FILTER_MAX * 2];
	int		 jt[SG_FILTER_MAX * 2];	/* which offset: jt (1) or jf (0) */
	size_t		 n;
};

static int
note(struct fixups *x, unsigned short at, int jt, enum target to)
{
	if (to == TO_NEXT)
		return 0;
	if (x->n == sizeof(x->at) / sizeof(x->at[0]))
		return -1;
	x->at[x->n] = at;
	x->to[x->n] = to;
	x->jt[x->n] = jt;
	x->n++;
	return 0;
}

/* A conditional jump whose outcomes go on to the next instruction, or to an answer. */
static int
emit_branch(struct sg_filter *f, struct fixups *x, unsigned short code, unsigned k,
    enum target on_true, enum target on_false)
{
	if (note(x, f->len, 1, on_true) == -1 || note(x, f->len, 0, on_false) == -1)
		return -1;
	return emit_jump(f, code, k, 0, 0);
}

static int
patch(struct sg_filter *f, const struct fixups *x, unsigned short notify, unsigned short allow)
{
	size_t		 i;
	unsigned	 off;

	for (i = 0; i < x->n; i++) {
		off = (x->to[i] == TO_NOTIFY ? notify : allow) - x->at[i] - 1U;
		if (off > 255)
			return -1;
		if (x->jt[i])
			f->insns[x->at[i]].jt = (unsigned char)off;
		else
			f->insns[x->at[i]].jf = (unsigned char)off;
	}
	return 0;
}

/* The low 32 bits of an argument: an int, as the kernel reads it. */
static unsigned
arg_low(int i)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (unsigned)(offsetof(struct seccomp_data, args) + 8 * (size_t)i);
#else
	return (unsigned)(offsetof(struct seccomp_data, args) + 8 * (size_t)i + 4);
#endif
}

static unsigned
arg_high(int i)
{
	return arg_low(i) ^ 4U;
}

/*
 * newfstatat(fd, NULL, buf, AT_EMPTY_PATH) and statx(fd, NULL, AT_EMPTY_PATH, ...) with
 * fd >= 0 can only be fstat(fd): since Linux 6.11 the kernel takes a NULL path with
 * AT_EMPTY_PATH for "the descriptor itself" (vfs_fstat, do_statx_fd), and before it such a
 * call fails with EFAULT. Nothing in memory is read, so the filter can allow them. The same
 * calls with "" as the path are what the C library's fstat makes, but "" is in memory, where
 * the filter cannot look and another thread could write a name: the supervisor takes those
 * (decide.c).
 */
static int
emit_fstat_form(struct sg_filter *f, struct fixups *x, const char *call, int flags_arg)
{
	int		 nr, rc = 0;
	unsigned short	 skip_from;

	if ((nr = sg_call_number(call)) < 0)
		return 0;
	skip_from = f->len;
	/* Not this call: on to the next check (patched below). */
	rc |= emit_jump(f, BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 0);
	/* The descriptor is an int: its sign is bit 31 of the low word. */
	rc |= emit_stmt(f, BPF_LD | BPF_W | BPF_ABS, arg_low(0));
	rc |= emit_branch(f, x, BPF_JMP | BPF_JSET | BPF_K, 0x80000000U, TO_NOTIFY, TO_NEXT);
	/* The path pointer, all 64 bits of it, is NULL. */
	rc |= emit_stmt(f, BPF_LD | BPF_W | BPF_ABS, arg_low(1));
	rc |= emit_branch(f, x, BPF_JMP | BPF_JEQ | BPF_K, 0, TO_NEXT, TO_NOTIFY);
	rc |= emit_stmt(f, BPF_LD | BPF_W | BPF_ABS, arg_high(1));
	rc |= emit_branch(f, x, BPF_JMP | BPF_JEQ | BPF_K, 0, TO_NEXT, TO_NOTIFY);
	rc |= emit_stmt(f, BPF_LD | BPF_W | BPF_ABS, arg_low(flags_arg));
	rc |= emit_branch(f, x, BPF_JMP | BPF_JSET | BPF_K, AT_EMPTY_PATH, TO_ALLOW, TO_NOTIFY);
	if (rc != 0 || f->len - skip_from - 1 > 255)
		return -1;
	f->insns[skip_from].jf = (unsigned char)(f->len - skip_from - 1);
	/* The number is still needed by the next check: load it again. */
	return emit_stmt(f, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
}

/*
 * clone without a flag of SG_CLONE_DECIDED is allowed; with one, it goes to the supervisor.
 * The flags are the first argument on x86_64 and aarch64 alike, and the kernel reads only
 * their low 32 bits (lower_32_bits in kernel/fork.c): so does this check.
 */
static int
emit_clone(struct sg_filter *f, struct fixups *x)
{
	int	 nr, rc = 0;

	if ((nr = sg_call_number("clone")) < 0)
		return 0;
	/* Not clone: past the two instructions below, to the supervisor. */
	rc |= emit_jump(f, BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 2);
	rc |= emit_stmt(f, BPF_LD | BPF_W | BPF_ABS, arg_low(0));
	rc |= emit_branch(f, x, BPF_JMP | BPF_JSET | BPF_K, SG_CLONE_DECIDED, TO_NOTIFY,
	    TO_ALLOW);
	return rc;
}

/*
 * clone3 passes its flags in memory, where the filter cannot look, and notifying it would
 * bring back the EINTR above: it is answered ENOSYS, as container runtimes answer it. The C
 * library then makes the same request with clone (glibc's pthread_create and posix_spawn fall
 * back on ENOSYS; its fork uses clone already), which the filter can read. What a program can
 * notice: clone3's own features (CLONE_INTO_CGROUP, set_tid, CLONE_CLEAR_SIGHAND) are not
 * there, as on a kernel before 5.3; one that calls clone3 with no fallback cannot create.
 */
static int
emit_clone3(struct sg_filter *f)
{
	int	 nr, rc = 0;

	if ((nr = sg_call_number("clone3")) < 0)
		return 0;
	rc |= emit_jump(f, BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1);
	rc |= emit_stmt(f, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	return rc;
}

/*
 * Open flags that make an open more than reading a name that exists (the same numbers on
 * x86_64 and aarch64; older headers lack some): writing, creating, truncating, an unnamed
 * file, or a descriptor that Landlock never checks (O_PATH).
 */
#define OPEN_ACCMODE	03
#define OPEN_CREAT	0100
#define OPEN_TRUNC	01000
#define OPEN_PATH	010000000
#define OPEN_TMPFILE	020000000
#define OPEN_NOT_READ	(OPEN_ACCMODE | OPEN_CREAT | OPEN_TRUNC | OPEN_PATH | OPEN_TMPFILE)

/*
 * open and openat in kernel-speed mode: only an open for reading, with none of OPEN_NOT_READ,
 * is allowed in the kernel, where Landlock decides it; every other goes to the supervisor.
 * Landlock grants rights on names that exist when the run starts: it cannot say "create
 * this one file", and it checks truncation, creation and O_PATH by rights a policy's file
 * rule does not map to one by one. The flags are a register (open's second argument,
 * openat's third), read once by the kernel: the filter sees what the kernel will use.
 * creat (always writes) and openat2 (flags in memory) are never allowed here.
 */
static int
emit_open_form(struct sg_filter *f, struct fixups *x, int nr, int flags_arg)
{
	int		 rc = 0;
	unsigned short	 skip_from = f->len;

	rc |= emit_jump(f, BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 0);
	rc |= emit_stmt(f, BPF_LD | BPF_W | BPF_ABS, arg_low(flags_arg));
	rc |= emit_branch(f, x, BPF_JMP | BPF_JSET | BPF_K, OPEN_NOT_READ, TO_NOTIFY, TO_ALLOW);
	if (rc != 0 || f->len - skip_from - 1 > 255)
		return -1;
	f->insns[skip_from].jf = (unsigned char)(f->len - skip_from - 1);
	return emit_stmt(f, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
}

/* One call of `allow`: the open calls by their flags (above), any other as it is. */
static int
emit_allowed(struct sg_filter *f, struct fixups *x, int nr)
{
	if (nr == sg_call_number("open"))
		return emit_open_form(f, x, nr, 1);
	if (nr == sg_call_number("openat"))
		return emit_open_form(f, x, nr, 2);
	if (nr == sg_call_number("creat") || nr == sg_call_number("openat2"))
		return 0;
	return emit_branch(f, x, BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, TO_ALLOW, TO_NEXT);
}

int
sg_filter_build(struct sg_filter *f, const int *allow, size_t nallow)
{
	struct fixups	 x;
	int		 nrs[256];
	size_t		 n, i;
	int		 rc = 0;
	unsigned short	 notify;

	f->len = 0;
	memset(&x, 0, sizeof(x));
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
	for (i = 0; i < n; i++)
		rc |= emit_branch(f, &x, BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nrs[i], TO_ALLOW,
		    TO_NEXT);
	for (i = 0; i < nallow; i++)
		rc |= emit_allowed(f, &x, allow[i]);
	rc |= emit_fstat_form(f, &x, "newfstatat", 3);
	rc |= emit_fstat_form(f, &x, "statx", 2);
	rc |= emit_clone3(f);
	/* Last: it leaves the flags, not the number, loaded; what is not clone is notified. */
	rc |= emit_clone(f, &x);
	notify = f->len;
	rc |= emit_stmt(f, BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	rc |= emit_stmt(f, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (rc != 0)
		return -1;
	return patch(f, &x, notify, notify + 1);
}
