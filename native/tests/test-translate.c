/*
 * Translations a policy sees: the formatting of flags, modes and addresses, and path
 * resolution (run on this process itself, which /proc shows like any traced one).
 */

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "format.h"
#include "resolve.h"

static char out[PATH_MAX];

static int
is(int rc, const char *want)
{
	if (rc != 0 || strcmp(out, want) != 0) {
		fprintf(stderr, "  want \"%s\", got \"%s\" (rc %d)\n", want, out, rc);
		return 0;
	}
	return 1;
}

static void
formats(void)
{
	struct sockaddr_in	 in4;
	struct sockaddr_in6	 in6;
	struct sockaddr_un	 un;

	CHECK(is(sg_fmt_oflags(O_RDONLY, out, sizeof(out)), "ro"));
	CHECK(is(sg_fmt_oflags(O_WRONLY | O_CREAT | O_TRUNC, out, sizeof(out)), "woct"));
	CHECK(is(sg_fmt_oflags(O_RDWR | O_APPEND | O_NONBLOCK | O_EXCL, out, sizeof(out)),
	    "rwnax"));
	CHECK(is(sg_fmt_oflags(3, out, sizeof(out)), "--"));
	CHECK(is(sg_fmt_mode(0644, out, sizeof(out)), "644"));
	CHECK(is(sg_fmt_mode(S_IFIFO | 0600, out, sizeof(out)), "10600"));
	CHECK(is(sg_fmt_prot(PROT_READ | PROT_EXEC, out, sizeof(out)), "PROT_READ|PROT_EXEC"));
	CHECK(is(sg_fmt_prot(0, out, sizeof(out)), "PROT_NONE"));
	CHECK(is(sg_fmt_signal(SIGKILL, out, sizeof(out)), "SIGKILL"));
	CHECK(is(sg_fmt_signal(0, out, sizeof(out)), "0"));
	CHECK(is(sg_fmt_sockdom(AF_INET6, out, sizeof(out)), "AF_INET6"));
	CHECK(is(sg_fmt_sockdom(99, out, sizeof(out)), "family(99)"));
	CHECK(is(sg_fmt_socktype(SOCK_STREAM | SOCK_CLOEXEC, out, sizeof(out)), "SOCK_STREAM"));
	CHECK(is(sg_fmt_fcntl_cmd(F_SETFL, out, sizeof(out)), "F_SETFL"));

	memset(&in4, 0, sizeof(in4));
	in4.sin_family = AF_INET;
	in4.sin_port = htons(53);
	inet_pton(AF_INET, "192.0.2.1", &in4.sin_addr);
	CHECK(is(sg_fmt_sockaddr(&in4, sizeof(in4), out, sizeof(out)), "inet-[192.0.2.1]:53"));
	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	in6.sin6_port = htons(443);
	inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
	CHECK(is(sg_fmt_sockaddr(&in6, sizeof(in6), out, sizeof(out)), "inet-[2001:db8::1]:443"));
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	strcpy(un.sun_path, "/run/x.sock");
	CHECK(is(sg_fmt_sockaddr(&un, sizeof(un), out, sizeof(out)), "/run/x.sock"));
	memcpy(un.sun_path, "\0abs", 4);
	CHECK(is(sg_fmt_sockaddr(&un, offsetof(struct sockaddr_un, sun_path) + 4, out,
	    sizeof(out)), "@abs"));
	CHECK(is(sg_fmt_sockaddr(&un, sizeof(sa_family_t), out, sizeof(out)), "<unnamed>"));
	un.sun_family = AF_NETLINK;
	CHECK(is(sg_fmt_sockaddr(&un, sizeof(un), out, sizeof(out)), "family(16)"));
}

static char dir[PATH_MAX];

static int
resolve(const char *path, int follow, int dirfd, int *missing)
{
	struct sg_resolve_in	 in;
	int			 m;

	memset(&in, 0, sizeof(in));
	in.tgid = getpid();
	in.tid = getpid();
	in.dirfd = dirfd;
	in.path = path;
	in.follow = follow;
	return sg_resolve(&in, out, sizeof(out), missing ? missing : &m, NULL);
}

static void
paths(void)
{
	char	 want[PATH_MAX + 64], self[64];
	int	 missing, fd;

	snprintf(dir, sizeof(dir), "/tmp/sysgate-test-translate.%d", (int)getpid());
	CHECK(mkdir(dir, 0700) == 0);
	CHECK(chdir(dir) == 0);
	CHECK(mkdir("real", 0700) == 0);
	CHECK(symlink("real", "rel") == 0);
	CHECK(symlink("/etc", "abs") == 0);
	CHECK(symlink("loop", "loop") == 0);
	CHECK(symlink("nowhere", "dangling") == 0);
	CHECK(close(open("real/file", O_CREAT | O_WRONLY, 0600)) == 0);

	snprintf(want, sizeof(want), "%s/real/file", dir);
	CHECK(is(resolve("rel/file", 1, SG_AT_FDCWD, NULL), want));
	CHECK(is(resolve("./rel/../rel//file", 1, SG_AT_FDCWD, NULL), want));
	CHECK(is(resolve("abs/hostname", 1, SG_AT_FDCWD, NULL), "/etc/hostname"));
	CHECK(is(resolve("/../../etc/./hostname", 1, SG_AT_FDCWD, NULL), "/etc/hostname"));
	/* The last link is itself when the call does not follow it. */
	snprintf(want, sizeof(want), "%s/rel", dir);
	CHECK(is(resolve("rel", 0, SG_AT_FDCWD, NULL), want));
	snprintf(want, sizeof(want), "%s/real", dir);
	CHECK(is(resolve("rel", 1, SG_AT_FDCWD, NULL), want));
	CHECK(is(resolve("rel/", 0, SG_AT_FDCWD, NULL), want));
	/* A missing last component is named; a missing directory is not. */
	snprintf(want, sizeof(want), "%s/real/new", dir);
	CHECK(is(resolve("rel/new", 1, SG_AT_FDCWD, &missing), want) && missing);
	CHECK(resolve("nodir/new", 1, SG_AT_FDCWD, NULL) == -ENOENT);
	CHECK(resolve("real/file/x", 1, SG_AT_FDCWD, NULL) == -ENOTDIR);
	/* A trailing slash, "." or ".." names a directory: a file there is ENOTDIR. */
	CHECK(resolve("real/file/", 0, SG_AT_FDCWD, NULL) == -ENOTDIR);
	CHECK(resolve("real/file/.", 1, SG_AT_FDCWD, NULL) == -ENOTDIR);
	snprintf(want, sizeof(want), "%s/real/new", dir);
	CHECK(is(resolve("real/new/", 0, SG_AT_FDCWD, &missing), want) && missing);
	CHECK(resolve("loop", 1, SG_AT_FDCWD, NULL) == -ELOOP);
	snprintf(want, sizeof(want), "%s/nowhere", dir);
	CHECK(is(resolve("dangling", 1, SG_AT_FDCWD, NULL), want));
	CHECK(resolve("", 1, SG_AT_FDCWD, NULL) == -ENOENT);
	/*
	 * ".." after a directory without links pops it (one openat2); after a link, it is the
	 * link's target's parent (the walk), never the name's lexical parent.
	 */
	CHECK(mkdir("real/sub", 0700) == 0);
	CHECK(symlink("real/sub", "deep") == 0);
	snprintf(want, sizeof(want), "%s/real/file", dir);
	CHECK(is(resolve("real/sub/../file", 1, SG_AT_FDCWD, NULL), want));
	CHECK(is(resolve("deep/../file", 1, SG_AT_FDCWD, NULL), want));
	CHECK(is(resolve("real/sub/../../deep/../file", 1, SG_AT_FDCWD, NULL), want));
	snprintf(want, sizeof(want), "%s/real/new", dir);
	CHECK(is(resolve("real/sub/../new", 1, SG_AT_FDCWD, &missing), want) && missing);
	CHECK(resolve("real/nosub/../file", 1, SG_AT_FDCWD, NULL) == -ENOENT);
	snprintf(want, sizeof(want), "%s/real", dir);
	CHECK(is(resolve("real/sub/..", 1, SG_AT_FDCWD, NULL), want));
	/* A missing name deep down: named when its directory is there, ENOENT when not. */
	CHECK(resolve("real/nosub/new", 1, SG_AT_FDCWD, NULL) == -ENOENT);
	CHECK(resolve("real/new/.", 1, SG_AT_FDCWD, NULL) == -ENOENT);
	snprintf(want, sizeof(want), "%s/real/sub/new", dir);
	CHECK(is(resolve("deep/new", 1, SG_AT_FDCWD, &missing), want) && missing);
	missing = 0;
	CHECK(is(resolve("real/sub/new", 1, SG_AT_FDCWD, &missing), want) && missing);
	unlink("deep");
	rmdir("real/sub");
	/* Relative to a directory descriptor. */
	fd = open("real", O_RDONLY | O_DIRECTORY);
	snprintf(want, sizeof(want), "%s/real/file", dir);
	CHECK(is(resolve("file", 1, fd, NULL), want));
	CHECK(resolve("file", 1, 999, NULL) == -EBADF);
	/* /proc/self is the traced process, not the supervisor. */
	snprintf(self, sizeof(self), "/proc/%d/status", (int)getpid());
	CHECK(is(resolve("/proc/self/status", 1, SG_AT_FDCWD, NULL), self));
	close(fd);

	unlink("real/file");
	unlink("rel");
	unlink("abs");
	unlink("loop");
	unlink("dangling");
	rmdir("real");
	CHECK(chdir("/") == 0);
	rmdir(dir);
}

int
main(void)
{
	formats();
	paths();
	return check_summary("test-translate");
}
