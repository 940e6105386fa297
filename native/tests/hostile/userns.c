/*
 * Capabilities through a user namespace of its own. A process that makes a user namespace has
 * every capability in it, and /proc/PID/status says so (CapEff is relative to the process's own
 * namespace), but none over the machine's files and ports, which belong to the namespace above.
 * A supervisor that took CapEff at its word would lend its own capabilities to every call it
 * performs. In a new user namespace without any id mapping, every call below fails in the
 * kernel, for root as for nobody: each that succeeds through the supervisor is an escape.
 *
 *   trusted.* and security.capability attributes on its own file, by name and by descriptor
 *	(CAP_SYS_ADMIN; CAP_SETFCAP, and a v2 capability is root's for whoever runs the file)
 *   chown and fchown of its own file to another user (CAP_CHOWN; natively EINVAL: the uid
 *	has no mapping in its namespace)
 *   mknod of a character device, /dev/null's numbers (CAP_MKNOD)
 *   chmod and utimensat with explicit times of OTHER, a file of another user, mode 0666
 *	(CAP_FOWNER)
 *   link to PRIVATE, a file of another user, mode 0600 (protected_hardlinks: CAP_FOWNER)
 *   open of PRIVATE for reading (CAP_DAC_OVERRIDE)
 *   bind to 127.0.0.1:PORT, a port below ip_unprivileged_port_start (CAP_NET_BIND_SERVICE;
 *	anything but EACCES, EADDRINUSE too, means the check passed)
 *
 * chmod and utimensat with explicit times of its own file are what the policy permits and the
 * kernel allows: counted as permitted, they show that calls were really performed, and one
 * that fails ends the attack (status 2). The attacker is not dumpable (as a process that
 * changed its ids is, and as ssh is): the supervisor must still read its memory (the times)
 * while it performs a call with the attacker's credentials.
 *
 * Usage: userns HOW DIR PORT ATTEMPTS SECONDS, where DIR/permit holds OTHER and PRIVATE (the
 * test makes them) and HOW is
 *   clone		clone(CLONE_NEWUSER): the child, a process the supervisor never saw, attacks
 *   unshare		unshare(CLONE_NEWUSER), then the process itself attacks
 *   unshare-umask	the same, with a umask() first, after which a supervisor reads the
 *			process's ids (and capabilities) again
 *   setuid		no namespace: root gives up root for good (setresuid and setresgid to
 *			nobody, no groups), as a daemon does, then attacks; a supervisor must not
 *			keep performing its calls with the credentials it had
 */

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "hostile.h"

#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER		0x10000000
#endif

#define VFS_CAP_REVISION_2	0x02000000
#define VFS_CAP_FLAGS_EFFECTIVE	0x000001
#define CAP_SETUID_BIT		7

static char	 own[PATH_MAX], other[PATH_MAX], private[PATH_MAX], node[PATH_MAX];
static char	 linked[PATH_MAX];
static int	 port;

/* A v2 security.capability: CAP_SETUID, permitted and effective, for whoever runs the file. */
struct vfs_cap {
	uint32_t	 magic_etc;
	struct {
		uint32_t permitted, inheritable;
	} data[2];
};

static int
bind_low_port(void)
{
	struct sockaddr_in	 sin;
	int			 s, rc;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc = bind(s, (struct sockaddr *)&sin, sizeof(sin));
	close(s);
	return rc == 0 || (errno != EACCES && errno != EPERM);
}

/* Attempt i: 1 when it did what only a capability over the machine's files allows. */
static int
attempt(long i, int fd)
{
	struct vfs_cap		 cap;
	struct timespec		 times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	int			 f;

	memset(&cap, 0, sizeof(cap));
	cap.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE;
	cap.data[0].permitted = 1U << CAP_SETUID_BIT;
	switch (i % 11) {
	case 0:
		return setxattr(own, "trusted.sysgate", "1", 1, 0) == 0;
	case 1:
		return fsetxattr(fd, "trusted.sysgate", "1", 1, 0) == 0;
	case 2:
		return setxattr(own, "security.capability", &cap, sizeof(cap), 0) == 0;
	case 3:
		return chown(own, 4242, 4242) == 0;
	case 4:
		return fchown(fd, 4242, 4242) == 0;
	case 5:
		if (mknod(node, S_IFCHR | 0666, makedev(1, 3)) == 0 || errno == EEXIST) {
			unlink(node);
			return 1;
		}
		return 0;
	case 6:
		return chmod(other, 0777) == 0;
	case 7:
		return utimensat(AT_FDCWD, other, times, 0) == 0;
	case 8:
		if (link(private, linked) == 0 || errno == EEXIST) {
			unlink(linked);
			return 1;
		}
		return 0;
	case 9:
		if ((f = open(private, O_RDONLY | O_CLOEXEC)) == -1)
			return 0;
		close(f);
		return 1;
	default:
		return bind_low_port();
	}
}

/* What the policy permits and the kernel allows, its own file's mode and times; -1 if it failed. */
static int
permitted_call(long i)
{
	struct timespec	 times[2] = { { 1000000000 + i, 0 }, { 1000000000 + i, 0 } };

	if (i % 2 == 0 && chmod(own, (i / 2) % 2 ? 0600 : 0644) == -1) {
		perror("chmod of its own file");
		return -1;
	}
	if (i % 2 == 1 && utimensat(AT_FDCWD, own, times, 0) == -1) {
		perror("utimensat of its own file");
		return -1;
	}
	return 0;
}

static int
attack(int fd, const char *argv[])
{
	struct budget	 b;
	long		 i, n = 0, permitted = 0, escapes = 0;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		perror("prctl(PR_SET_DUMPABLE)");
		return 2;
	}
	budget_start(&b, atol(argv[4]), atof(argv[5]));
	for (i = 0; budget_left(&b, i); i++) {
		if (i % 12 == 11) {
			if (permitted_call(i / 12) == -1)
				return 2;
			permitted++;
			continue;
		}
		n++;
		escapes += attempt(n - 1, fd);
	}
	close(fd);
	return report(n, permitted, escapes);
}

int
main(int argc, const char *argv[])
{
	pid_t	 pid;
	int	 fd, status;

	if (argc != 6) {
		fprintf(stderr, "usage: userns clone|unshare|unshare-umask|setuid DIR PORT "
		    "ATTEMPTS SECONDS\n");
		return 2;
	}
	snprintf(own, sizeof(own), "%s/permit/own", argv[2]);
	snprintf(other, sizeof(other), "%s/permit/other", argv[2]);
	snprintf(private, sizeof(private), "%s/permit/private", argv[2]);
	snprintf(node, sizeof(node), "%s/permit/node", argv[2]);
	snprintf(linked, sizeof(linked), "%s/permit/linked", argv[2]);
	port = atoi(argv[3]);
	/* Before the namespace: after it, a supervisor is told nothing new until it asks. */
	if ((fd = open(own, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		perror(own);
		return 2;
	}
	if (strcmp(argv[1], "clone") == 0) {
		/* A raw clone: a child in a user namespace of its own, on a copy of this stack. */
		if ((pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)) == -1) {
			perror("clone(CLONE_NEWUSER)");
			return 2;
		}
		if (pid == 0)
			_exit(attack(fd, argv));
		if (waitpid(pid, &status, 0) == -1)
			return 2;
		return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
	}
	if (strcmp(argv[1], "setuid") == 0) {
		/* Its own file becomes nobody's first, as nobody's chmod is what is permitted. */
		if (fchown(fd, 65534, 65534) == -1 || setgroups(0, NULL) == -1 || setresgid(65534, 65534, 65534) == -1 ||
		    setresuid(65534, 65534, 65534) == -1) {
			perror("giving up root");
			return 2;
		}
		return attack(fd, argv);
	}
	if (unshare(CLONE_NEWUSER) == -1) {
		perror("unshare(CLONE_NEWUSER)");
		return 2;
	}
	if (strcmp(argv[1], "unshare-umask") == 0)
		umask(umask(022));
	return attack(fd, argv);
}
