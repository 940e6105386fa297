/*
 * sysgate's own files, under a policy that permits writing under $HOME (as `sysgate -A` learns
 * for a program with caches there): tries every way to change them, over and over. The
 * files are the test's stand-ins, made where sysgate keeps them in HOME: a policy, a
 * template, a run plan, a compiled policy, the history's folder, the app socket (listening),
 * and the policy file the run was given (-f). Each attempt is one of:
 *
 *   open for appending, for truncating, creating a file in the folder; O_TMPFILE in the
 *   folder, and one made in HOME/work given a name there (linkat through /proc/self/fd);
 *   rename over, rename away, link into, link out (a second name), unlink, chmod, chown,
 *   truncate, utimes, setxattr, fchmod on a descriptor opened for reading, symlink and mkdir
 *   and mknod in the folder; the same through a symbolic link made in HOME/work, and through
 *   `..`; the folder ~/.config moved away and a link put in its place; a socket bound in
 *   the socket's folder, and a connect to the app socket.
 *
 * An escape is an attempt whose call succeeded, or after which a file or folder is not as it
 * was. Writing in HOME/work, which the policy permits, is counted as permitted.
 *
 * Usage: own-files HOME POLICY ATTEMPTS SECONDS [KIND]   (KIND: only that attempt, 0-19)
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "hostile.h"

#ifndef O_TMPFILE
#define O_TMPFILE	(020000000 | O_DIRECTORY)
#endif

#define NTARGETS	5

static char	 home[PATH_MAX], work[PATH_MAX], config[PATH_MAX], folder[PATH_MAX];
static char	 targets[NTARGETS][PATH_MAX];
static char	 made[8][PATH_MAX];	/* names that must never appear in the folder */
static char	 sockdir[PATH_MAX], appsock[PATH_MAX], bound[PATH_MAX];
static struct stat before[NTARGETS], config_st;
static char	 contents[NTARGETS][4096];
static ssize_t	 lengths[NTARGETS];

/* The first bytes of file, or -1. */
static ssize_t
content(const char *file, char *buf, size_t size)
{
	ssize_t	 n;
	int	 fd;

	if ((fd = open(file, O_RDONLY)) == -1)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

static void
path(char *out, const char *a, const char *b)
{
	if (snprintf(out, PATH_MAX, "%s/%s", a, b) >= PATH_MAX) {
		fprintf(stderr, "own-files: %s/%s: too long\n", a, b);
		exit(2);
	}
}

/* Whether anything of sysgate's is not as it was. */
static int
changed(void)
{
	struct stat	 st;
	char		 buf[4096];
	ssize_t		 n;
	int		 i;

	for (i = 0; i < NTARGETS; i++) {
		if (lstat(targets[i], &st) == -1 || st.st_ino != before[i].st_ino ||
		    st.st_mode != before[i].st_mode || st.st_uid != before[i].st_uid ||
		    st.st_nlink != 1 || st.st_size != before[i].st_size ||
		    st.st_mtim.tv_sec != before[i].st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != before[i].st_mtim.tv_nsec)
			return 1;
		n = content(targets[i], buf, sizeof(buf));
		if (n != lengths[i] || memcmp(buf, contents[i], (size_t)n) != 0)
			return 1;
	}
	for (i = 0; i < 8; i++)
		if (made[i][0] != '\0' && lstat(made[i], &st) == 0)
			return 1;
	if (lstat(bound, &st) == 0)
		return 1;
	return lstat(config, &st) == -1 || !S_ISDIR(st.st_mode) || st.st_ino != config_st.st_ino;
}

/* A file of HOME/work with something in it: what the program may write. */
static int
scratch(const char *name, char *out)
{
	int	 fd;

	path(out, work, name);
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return -1;
	if (write(fd, "evil\n", 5) != 5) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int
unix_socket_at(const char *name, int bind_it)
{
	struct sockaddr_un	 sun;
	int			 s, rc;

	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", name);
	rc = bind_it ? bind(s, (struct sockaddr *)&sun, sizeof(sun)) :
	    connect(s, (struct sockaddr *)&sun, sizeof(sun));
	close(s);
	return rc;
}

/* One attempt of kind k on target t; 1 when the call itself succeeded. */
static int
attempt(int k, const char *t)
{
	char		 a[PATH_MAX], b[PATH_MAX], via[PATH_MAX], proc[64];
	struct timeval	 tv[2] = { { 1, 0 }, { 1, 0 } };
	int		 fd, rc = -1;

	switch (k) {
	case 0:
		if ((fd = open(t, O_WRONLY | O_APPEND)) >= 0) {
			rc = write(fd, "evil\n", 5) == 5 ? 0 : 0;
			close(fd);
		}
		break;
	case 1:
		if ((fd = open(t, O_RDWR | O_TRUNC)) >= 0) {
			close(fd);
			rc = 0;
		}
		break;
	case 2:
		if ((fd = open(made[0], O_WRONLY | O_CREAT | O_EXCL, 0644)) >= 0) {
			close(fd);
			rc = 0;
		}
		break;
	case 3:
		if (scratch("over", a) == 0)
			rc = rename(a, t);
		break;
	case 4:
		path(a, work, "stolen");
		if ((rc = rename(t, a)) == 0)
			rename(a, t);
		break;
	case 5:
		if (scratch("into", a) == 0)
			rc = link(a, made[1]);
		break;
	case 6:
		path(a, work, "second");
		if ((rc = link(t, a)) == 0)
			unlink(a);
		break;
	case 7:
		rc = unlink(t);
		break;
	case 8:
		rc = chmod(t, 0666);
		break;
	case 9:
		rc = truncate(t, 0);
		break;
	case 10:
		rc = utimes(t, tv);
		break;
	case 11:
		rc = setxattr(t, "user.sysgate-hostile", "x", 1, 0);
		break;
	case 12:
		if ((fd = open(t, O_RDONLY)) >= 0) {
			rc = fchmod(fd, 0666);
			close(fd);
		}
		break;
	case 13:
		if ((rc = symlink("/etc/passwd", made[2])) != 0 &&
		    (rc = mkdir(made[3], 0755)) != 0)
			rc = mknod(made[4], S_IFIFO | 0644, 0);
		break;
	case 14:
		/* A file made in the folder without a name, then named there. */
		if ((fd = open(folder, O_TMPFILE | O_WRONLY, 0644)) >= 0) {
			close(fd);
			rc = 0;
		}
		break;
	case 15:
		/* A file made where it may write, then named in the folder. */
		if ((fd = open(work, O_TMPFILE | O_WRONLY, 0644)) >= 0) {
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
			rc = linkat(AT_FDCWD, proc, AT_FDCWD, made[5], AT_SYMLINK_FOLLOW);
			close(fd);
		}
		break;
	case 16:
		/* Through a link of its own, made where it may write. */
		path(via, work, "via");
		unlink(via);
		if (symlink(folder, via) == 0) {
			path(a, via, strrchr(t, '/') + 1);
			if ((fd = open(a, O_WRONLY | O_APPEND)) >= 0) {
				rc = write(fd, "evil\n", 5) == 5 ? 0 : 0;
				close(fd);
			} else {
				rc = chmod(a, 0666);
			}
		}
		break;
	case 17:
		/* Through `..`. */
		if (strncmp(t, home, strlen(home)) != 0)
			break;
		path(b, work, "..");
		path(a, b, t + strlen(home) + 1);
		if ((fd = open(a, O_WRONLY | O_TRUNC)) >= 0) {
			close(fd);
			rc = 0;
		}
		break;
	case 18:
		/* ~/.config moved away, a folder of its own put in its place. */
		path(a, work, "config-away");
		if ((rc = rename(config, a)) == 0) {
			path(b, work, "mine");
			mkdir(b, 0755);
			symlink(b, config);
		}
		break;
	case 19:
		if ((rc = unix_socket_at(bound, 1)) != 0)
			rc = unix_socket_at(appsock, 0);
		break;
	}
	return rc == 0;
}

static int
stat_targets(void)
{
	int	 i;

	for (i = 0; i < NTARGETS; i++)
		if (lstat(targets[i], &before[i]) == -1 ||
		    (lengths[i] = content(targets[i], contents[i], sizeof(contents[i]))) == -1) {
			perror(targets[i]);
			return -1;
		}
	if (lstat(config, &config_st) == -1) {
		perror(config);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = { "new", "linked", "sym", "sub", "fifo", "tmpname" };
	struct budget	 b;
	char		 ok[PATH_MAX];
	long		 i, permitted = 0, escapes = 0;
	size_t		 j;
	int		 only = -1, k;

	if (argc == 6)
		only = atoi(argv[5]);
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: own-files HOME POLICY ATTEMPTS SECONDS [KIND]\n");
		return 2;
	}
	snprintf(home, sizeof(home), "%s", argv[1]);
	path(work, home, "work");
	path(config, home, ".config");
	path(folder, home, ".config/sysgate/policies");
	path(targets[0], folder, "usr_bin_victim");
	path(targets[1], folder, "templates/victim");
	path(targets[2], home, ".cache/sysgate/runs/0123456789abcdef");
	path(targets[3], home, ".cache/sysgate/compiled/victim");
	snprintf(targets[4], PATH_MAX, "%s", argv[2]);
	for (j = 0; j < sizeof(names) / sizeof(names[0]); j++)
		path(made[j], folder, names[j]);
	path(sockdir, home, "sysgate");
	path(appsock, sockdir, "app.sock");
	path(bound, sockdir, "mine.sock");
	mkdir(work, 0755);
	if (stat_targets() == -1)
		return 2;
	budget_start(&b, atol(argv[3]), atof(argv[4]));
	for (i = 0; budget_left(&b, i); i++) {
		k = only >= 0 ? only : (int)(i % 20);
		if (attempt(k, targets[(i / 20) % NTARGETS]) || changed()) {
			if (escapes++ < 5)
				fprintf(stderr, "escape: kind %d on %s\n", k,
				    targets[(i / 20) % NTARGETS]);
		}
		if (i % 20 == 0 && scratch("ok", ok) == 0)
			permitted++;
	}
	return report(i, permitted, escapes);
}
