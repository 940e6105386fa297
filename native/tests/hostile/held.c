/*
 * A program that will not end by itself, ignoring SIGINT and SIGTERM, and that holds the
 * supervisor in the call it makes: the path it gives open() is in a page registered with its
 * own userfaultfd, which it never serves, so the supervisor's read of that memory waits (a
 * policy that permits userfaultfd; without the privilege for it, as nobody, the page is one
 * only faults of its own wait on, and the open fails with EFAULT). Then it waits for ever.
 * It prints `held PID` first: the test signals sysgate, which must end the run, and this
 * process with it.
 *
 * Usage: held
 */

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY	1
#endif

int
main(void)
{
	struct uffdio_api	 api = { .api = UFFD_API };
	struct uffdio_register	 reg;
	char			*page;
	int			 uffd;

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if ((uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC)) == -1)
		uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("held %d\n", (int)getpid());
	fflush(stdout);
	if (uffd != -1 && page != MAP_FAILED && ioctl(uffd, UFFDIO_API, &api) == 0) {
		reg.range.start = (unsigned long)page;
		reg.range.len = 4096;
		reg.mode = UFFDIO_REGISTER_MODE_MISSING;
		if (ioctl(uffd, UFFDIO_REGISTER, &reg) == 0)
			open(page, O_RDONLY);
	}
	for (;;)
		pause();
}
