/*
 * systrace's classic attack on a path: a second thread flips the path argument between a
 * permitted name (DIR/permit/...) and a forbidden one (DIR/forbid/...) while the main thread
 * makes the call, hoping that the supervisor checks one and the kernel uses the other.
 *
 * Usage: race-path CALL DIR INODE ATTEMPTS SECONDS
 * DIR/permit and DIR/forbid each hold a file `secret` and an empty directory `empty`; INODE is
 * DIR/forbid/secret's inode number. CALL is one of open, stat, unlink, rmdir, rename, mkdir,
 * mknod, link, symlink, chmod, truncate, getxattr, getxattrat, setxattr (the permitted file
 * is tagged user.tag first; the forbidden one has no tag), inotify (inotify_add_watch), fifo
 * and tty (open, the permitted name being a FIFO or a link to /dev/tty: see special()). Each
 * attempt whose effect is seen to land on the forbidden side (or that cannot be told apart
 * from doing so) is an escape; the test also compares DIR/forbid before and after.
 */

#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "hostile.h"

#ifndef SYS_getxattrat
#define SYS_getxattrat	464
#endif

static char	 permit_path[PATH_MAX], forbid_path[PATH_MAX], place[PATH_MAX];
static char	 buf[PATH_MAX];
static char	 dir[PATH_MAX / 2];

static void
name(char *out, const char *side, const char *leaf)
{
	snprintf(out, PATH_MAX, "%s/%s/%s", dir, side, leaf);
}

static int
exists(const char *path)
{
	struct stat	 st;

	return lstat(path, &st) == 0;
}

static void
make_file(const char *path, const char *content)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    write(fd, content, strlen(content)) != (ssize_t)strlen(content) || close(fd) == -1) {
		perror(path);
		exit(2);
	}
}

/*
 * One attempt: 1 when it is seen to have reached the forbidden side, 0 when it succeeded on
 * the permitted side, -1 when it failed.
 */
static int
attempt(const char *call, ino_t forbidden)
{
	struct stat	 st;
	int		 fd, escaped = -1;

	if (strcmp(call, "open") == 0) {
		if ((fd = open(buf, O_RDONLY)) != -1) {
			escaped = fstat(fd, &st) == 0 && st.st_ino == forbidden;
			close(fd);
		}
	} else if (strcmp(call, "stat") == 0) {
		if (stat(buf, &st) == 0)
			escaped = st.st_ino == forbidden;
	} else if (strcmp(call, "unlink") == 0) {
		/* Success while the permitted file is still there removed the other one. */
		if (unlink(buf) == 0) {
			escaped = exists(permit_path);
			make_file(permit_path, "x");
		}
	} else if (strcmp(call, "rmdir") == 0) {
		if (rmdir(buf) == 0) {
			escaped = exists(permit_path);
			if (!escaped && mkdir(permit_path, 0755) == -1)
				perror("mkdir");
		}
	} else if (strcmp(call, "rename") == 0) {
		if (rename(buf, place) == 0) {
			escaped = exists(permit_path);
			rename(place, permit_path);
		}
	} else if (strcmp(call, "mkdir") == 0 || strcmp(call, "mknod") == 0 ||
	    strcmp(call, "symlink") == 0) {
		int	 rc;

		if (strcmp(call, "mkdir") == 0)
			rc = mkdir(buf, 0755);
		else if (strcmp(call, "mknod") == 0)
			rc = mknod(buf, S_IFIFO | 0600, 0);
		else
			rc = symlink("secret", buf);
		if (rc == 0) {
			/* It was made somewhere: here, or on the other side. */
			escaped = !exists(permit_path);
			if (strcmp(call, "mkdir") == 0)
				rmdir(permit_path);
			else
				unlink(permit_path);
		}
	} else if (strcmp(call, "link") == 0) {
		if (link(buf, place) == 0) {
			escaped = lstat(place, &st) == 0 && st.st_ino == forbidden;
			unlink(place);
		}
	} else if (strcmp(call, "chmod") == 0) {
		if (chmod(permit_path, 0644) == -1)
			perror("chmod");
		if (chmod(buf, 0600) == 0)
			escaped = stat(permit_path, &st) == 0 && (st.st_mode & 0777) == 0644;
	} else if (strcmp(call, "truncate") == 0) {
		if (truncate(buf, 0) == 0) {
			escaped = stat(permit_path, &st) == 0 && st.st_size != 0;
			make_file(permit_path, "x");
		}
	} else if (strcmp(call, "getxattr") == 0) {
		char	 v[16];
		ssize_t	 n;

		/* Only the permitted file has the tag: ENODATA comes from the other. */
		if ((n = getxattr(buf, "user.tag", v, sizeof(v))) >= 0)
			escaped = 0;
		else if (errno == ENODATA)
			escaped = 1;
	} else if (strcmp(call, "setxattr") == 0) {
		if (setxattr(buf, "user.set", "1", 1, 0) == 0) {
			escaped = getxattr(permit_path, "user.set", NULL, 0) < 0;
			removexattr(permit_path, "user.set");
		}
	} else if (strcmp(call, "getxattrat") == 0) {
		char	 v[16];
		struct { uint64_t value; uint32_t size, flags; } xa = { (uintptr_t)v, sizeof(v), 0 };

		/* As getxattr: only the permitted file has the tag. */
		if (syscall(SYS_getxattrat, AT_FDCWD, buf, 0, "user.tag", &xa, sizeof(xa)) >= 0)
			escaped = 0;
		else if (errno == ENODATA)
			escaped = 1;
	} else if (strcmp(call, "inotify") == 0) {
		static int	 group = -1, permitted_wd = -1;
		int		 wd;

		/* A group watches each file once: another watch descriptor is another file. */
		if (group == -1 && (group = inotify_init1(IN_CLOEXEC)) == -1) {
			perror("inotify_init1");
			exit(2);
		}
		if (permitted_wd == -1)
			permitted_wd = inotify_add_watch(group, permit_path, IN_MODIFY);
		if ((wd = inotify_add_watch(group, buf, IN_MODIFY)) >= 0)
			escaped = wd != permitted_wd;
	} else if (strcmp(call, "fifo") == 0 || strcmp(call, "tty") == 0) {
		/* The permitted name is a FIFO (with a writer) or a link to /dev/tty. */
		if ((fd = open(buf, O_RDONLY | O_NOCTTY)) != -1) {
			escaped = fstat(fd, &st) == 0 && st.st_ino == forbidden;
			close(fd);
		}
	} else {
		fprintf(stderr, "race-path: no such call: %s\n", call);
		exit(2);
	}
	return escaped;
}

/*
 * Makes the permitted name one that the supervisor once let the kernel open by itself: a FIFO
 * (which a writer of ours holds open, so that opening it does not wait), or a link to
 * /dev/tty, in a session of our own with a terminal of our own (a pseudo-terminal).
 */
static void
special(const char *call)
{
	int	 master, slave;

	if (unlink(permit_path) == -1) {
		perror("unlink");
		exit(2);
	}
	if (strcmp(call, "fifo") == 0) {
		if (mkfifo(permit_path, 0600) == -1 || open(permit_path, O_RDWR) == -1) {
			perror("fifo");
			exit(2);
		}
		return;
	}
	if (symlink("/dev/tty", permit_path) == -1 || setsid() == -1 ||
	    (master = posix_openpt(O_RDWR | O_NOCTTY)) == -1 || grantpt(master) == -1 ||
	    unlockpt(master) == -1 || (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) == -1 ||
	    ioctl(slave, TIOCSCTTY, 0) == -1) {
		perror("tty");
		exit(2);
	}
}

int
main(int argc, char *argv[])
{
	struct flipper	 f;
	struct budget	 b;
	const char	*call, *leaf;
	long		 i, escapes = 0, permitted = 0;
	ino_t		 forbidden;
	int		 rc;

	if (argc != 6) {
		fprintf(stderr, "usage: race-path CALL DIR INODE ATTEMPTS SECONDS\n");
		return 2;
	}
	call = argv[1];
	snprintf(dir, sizeof(dir), "%s", argv[2]);
	forbidden = (ino_t)strtoull(argv[3], NULL, 10);
	budget_start(&b, atol(argv[4]), atof(argv[5]));
	/* The calls that make a name make a new one; the others act on what is there. */
	if (strcmp(call, "mkdir") == 0 || strcmp(call, "mknod") == 0 ||
	    strcmp(call, "symlink") == 0)
		leaf = "newname";
	else if (strcmp(call, "rmdir") == 0)
		leaf = "empty";
	else
		leaf = "secret";
	name(permit_path, "permit", leaf);
	name(forbid_path, "forbid", leaf);
	name(place, "permit", "placed");
	if (strcmp(call, "fifo") == 0 || strcmp(call, "tty") == 0)
		special(call);
	if (strncmp(call, "getxattr", 8) == 0 && setxattr(permit_path, "user.tag", "x", 1, 0) == -1) {
		perror("setxattr");
		return 2;
	}
	memcpy(buf, permit_path, strlen(permit_path) + 1);
	/* Same length on both sides: only the differing bytes flip. */
	flip_start(&f, buf, permit_path, forbid_path, strlen(permit_path) + 1);
	for (i = 0; budget_left(&b, i); i++) {
		if ((rc = attempt(call, forbidden)) == 1)
			escapes++;
		else if (rc == 0)
			permitted++;
	}
	flip_stop(&f);
	return report(i, permitted, escapes);
}
