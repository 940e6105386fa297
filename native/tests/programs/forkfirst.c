/*
 * A program without a C library, so that nothing runs before its first instruction: it
 * creates a child at once (clone, not notified), and the child opens FILE and writes
 * "child: opened" or "child: refused". The parent makes no notified call at all: the child's
 * open is the first the supervisor sees of the program this execve ran.
 *
 * Usage: forkfirst FILE (x86_64 and aarch64; built -static -nostdlib).
 */

#include <sys/syscall.h>

#define AT_FDCWD	(-100)
#define SIGCHLD		17

long	start(long *sp);

#if defined(__x86_64__)
__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall start\n\thlt\n");

static long
sys(long n, long a, long b, long c, long d)
{
	long	 ret;

	register long r10 __asm__("r10") = d;
	__asm__ volatile ("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) :
	    "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
__asm__(".globl _start\n_start:\n\tmov x0, sp\n\tbl start\n");

static long
sys(long n, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;

	__asm__ volatile ("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}
#endif

static void
say(const char *s)
{
	long	 n = 0;

	while (s[n] != '\0')
		n++;
	sys(SYS_write, 1, (long)s, n, 0);
}

long
start(long *sp)
{
	char	**argv = (char **)(sp + 1);
	long	  pid;

	if (sp[0] != 2)
		sys(SYS_exit_group, 2, 0, 0, 0);
	if ((pid = sys(SYS_clone, SIGCHLD, 0, 0, 0)) == 0) {
		if (sys(SYS_openat, AT_FDCWD, (long)argv[1], 0, 0) >= 0)
			say("child: opened\n");
		else
			say("child: refused\n");
		sys(SYS_exit_group, 0, 0, 0, 0);
	}
	if (pid < 0)
		sys(SYS_exit_group, 2, 0, 0, 0);
	sys(SYS_wait4, pid, 0, 0, 0);
	sys(SYS_exit_group, 0, 0, 0, 0);
	return 0;
}
