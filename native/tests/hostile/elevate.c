/*
 * `permit as root` gives exactly its call and arguments, nothing more. Run as nobody under a
 * root supervisor whose policy elevates one open (DIR/w/d/secret, read only: a root file of
 * mode 0600) and one bind (127.0.0.1:PORT). DIR/w is the attacker's; DIR/w/l is a link to
 * DIR/f/d, which holds another root file `secret`. Each attack tries to widen the rule:
 *
 *   name     the other root file (DIR/f/d/secret), and the permitted name with DIR/w/d
 *            exchanged for the link (renameat2 RENAME_EXCHANGE) in a tight loop
 *   race     a second thread flips the path between the permitted name and the forbidden one
 *   flags    O_RDWR, O_WRONLY|O_APPEND, O_RDONLY|O_TRUNC on the permitted name, and openat2
 *            with a second thread flipping the open_how's flags between O_RDONLY and O_RDWR
 *   fd       the descriptor the elevated open gave, used for more: write, ftruncate, fchmod,
 *            fchown, a second open of it through /proc/self/fd/N for writing, a link of it
 *   bind     bind on PORT+1 (also below 1024), and a second thread flipping the port between
 *            PORT and PORT+1
 *
 * An escape is a forbidden file read, a descriptor that can write, a change to the file, or a
 * socket bound where the rule does not say. `permitted` counts the elevated calls that worked.
 *
 * `once` binds 127.0.0.1:PORT once and says what came of it (the end-to-end test).
 *
 * Usage: elevate ATTACK DIR PORT ATTEMPTS SECONDS
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <unistd.h>

#include "hostile.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE	(1 << 1)
#endif

static char	 dir[PATH_MAX / 2], permit[PATH_MAX], forbid[PATH_MAX];
static char	 d[PATH_MAX], l[PATH_MAX];
static int	 port;
static atomic_int stop;
static struct stat original;	/* the permitted file, as it was */
static int	 real = -1;	/* DIR/w/d, wherever its name is now */

/* What was read from fd: the permitted file holds "x", the forbidden one "the secret". */
static int
reads_forbidden(int fd)
{
	char	 buf[32];
	ssize_t	 n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	return n > 0 && buf[0] == 't';
}

/* A descriptor that can write, or a file that changed: more than the rule gave. */
static int
wider(int fd)
{
	struct stat	 st;
	int		 fl;

	if ((fl = fcntl(fd, F_GETFL)) != -1 && (fl & O_ACCMODE) != O_RDONLY)
		return 1;
	if (fstatat(real, "secret", &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 1;
	return st.st_mode != original.st_mode || st.st_uid != original.st_uid ||
	    st.st_size != original.st_size || st.st_nlink != original.st_nlink;
}

static void *
swap_loop(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		renameat2(AT_FDCWD, d, AT_FDCWD, l, RENAME_EXCHANGE);
	return NULL;
}

/* One open of path; counts what it gave. */
static void
open_one(const char *path, int flags, long *permitted, long *escapes)
{
	int	 fd;

	if ((fd = open(path, flags)) == -1)
		return;
	if (reads_forbidden(fd) || wider(fd))
		(*escapes)++;
	else
		(*permitted)++;
	close(fd);
}

static void
attack_name(struct budget *b, long *i, long *permitted, long *escapes)
{
	pthread_t	 t;

	for (; budget_left(b, *i) && *i < b->max / 2; (*i)++) {
		open_one(forbid, O_RDONLY, permitted, escapes);
		open_one(permit, O_RDONLY, permitted, escapes);
	}
	atomic_store(&stop, 0);
	if (pthread_create(&t, NULL, swap_loop, NULL) != 0)
		exit(2);
	for (; budget_left(b, *i); (*i)++)
		open_one(permit, O_RDONLY, permitted, escapes);
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
}

static void
attack_race(struct budget *b, long *i, long *permitted, long *escapes)
{
	static char	 buf[PATH_MAX];
	struct flipper	 f;

	strcpy(buf, permit);
	flip_start(&f, buf, permit, forbid, strlen(permit) + 1);
	for (; budget_left(b, *i); (*i)++)
		open_one(buf, O_RDONLY, permitted, escapes);
	flip_stop(&f);
}

static void
attack_flags(struct budget *b, long *i, long *permitted, long *escapes)
{
	static const int flags[] = { O_RDWR, O_WRONLY | O_APPEND, O_RDONLY | O_TRUNC };
	static struct open_how how;
	static const uint64_t ro = O_RDONLY, rw = O_RDWR;
	struct flipper	 f;
	int		 fd;

	for (; budget_left(b, *i) && *i < b->max / 2; (*i)++)
		open_one(permit, flags[*i % 3], permitted, escapes);
	how.flags = O_RDONLY;
	flip_start(&f, &how.flags, &ro, &rw, sizeof(how.flags));
	for (; budget_left(b, *i); (*i)++) {
		fd = (int)syscall(SYS_openat2, AT_FDCWD, permit, &how, sizeof(how));
		if (fd == -1)
			continue;
		if (wider(fd))
			(*escapes)++;
		else
			(*permitted)++;
		close(fd);
	}
	flip_stop(&f);
}

static void
attack_fd(struct budget *b, long *i, long *permitted, long *escapes)
{
	char	 self[64], linked[PATH_MAX];
	int	 fd, again;

	snprintf(linked, sizeof(linked), "%s/w/linked", dir);
	for (; budget_left(b, *i); (*i)++) {
		if ((fd = open(permit, O_RDONLY)) == -1)
			continue;
		(*permitted)++;
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		switch (*i % 6) {
		case 0:
			(void)!write(fd, "y", 1);
			break;
		case 1:
			(void)!ftruncate(fd, 0);
			break;
		case 2:
			(void)!fchmod(fd, 0666);
			break;
		case 3:
			(void)!fchown(fd, getuid(), getgid());
			break;
		case 4:
			if ((again = open(self, O_RDWR)) != -1) {
				(*escapes)++;
				close(again);
			}
			break;
		case 5:
			if (linkat(fd, "", AT_FDCWD, linked, AT_EMPTY_PATH) == 0 ||
			    access(linked, F_OK) == 0) {
				(*escapes)++;
				unlink(linked);
			}
			break;
		}
		if (wider(fd))
			(*escapes)++;
		close(fd);
	}
}

/* A socket bound where it should not be: the port it got is not the rule's. */
static int
bound_elsewhere(int s)
{
	struct sockaddr_in	 a;
	socklen_t		 len = sizeof(a);

	return getsockname(s, (struct sockaddr *)&a, &len) == 0 && ntohs(a.sin_port) != port;
}

static void
attack_bind(struct budget *b, long *i, long *permitted, long *escapes)
{
	static struct sockaddr_in a;
	struct flipper	 f;
	uint16_t	 p1, p2;
	int		 s;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p1 = htons((uint16_t)port);
	p2 = htons((uint16_t)(port + 1));
	for (; budget_left(b, *i) && *i < b->max / 2; (*i)++) {
		if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			exit(2);
		a.sin_port = *i % 2 ? p1 : p2;
		if (bind(s, (struct sockaddr *)&a, sizeof(a)) == 0) {
			if (bound_elsewhere(s))
				(*escapes)++;
			else
				(*permitted)++;
		}
		close(s);
	}
	a.sin_port = p1;
	flip_start(&f, &a.sin_port, &p1, &p2, sizeof(a.sin_port));
	for (; budget_left(b, *i); (*i)++) {
		if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			exit(2);
		if (bind(s, (struct sockaddr *)&a, sizeof(a)) == 0) {
			if (bound_elsewhere(s))
				(*escapes)++;
			else
				(*permitted)++;
		}
		close(s);
	}
	flip_stop(&f);
}

static int
bind_once(void)
{
	struct sockaddr_in	 a;
	int			 s;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) == -1 || listen(s, 1) == -1) {
		printf("bind: %s\n", strerror(errno));
		return 1;
	}
	printf("bound 127.0.0.1:%d as uid %d\n", port, (int)getuid());
	close(s);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct budget	 b;
	long		 i = 0, escapes = 0, permitted = 0;
	const char	*attack;

	if (argc != 6) {
		fprintf(stderr, "usage: elevate ATTACK DIR PORT ATTEMPTS SECONDS\n");
		return 2;
	}
	attack = argv[1];
	snprintf(dir, sizeof(dir), "%s", argv[2]);
	port = atoi(argv[3]);
	if (strcmp(attack, "once") == 0)
		return bind_once();
	/* Same lengths: the race flips one byte pattern for the other. */
	snprintf(permit, sizeof(permit), "%s/w/d/secret", dir);
	snprintf(forbid, sizeof(forbid), "%s/f/d/secret", dir);
	snprintf(d, sizeof(d), "%s/w/d", dir);
	snprintf(l, sizeof(l), "%s/w/l", dir);
	if (strlen(permit) != strlen(forbid) || stat(permit, &original) == -1 ||
	    (real = open(d, O_PATH | O_DIRECTORY)) == -1) {
		fprintf(stderr, "elevate: %s is not as the test made it\n", permit);
		return 2;
	}
	budget_start(&b, atol(argv[4]), atof(argv[5]));
	if (strcmp(attack, "name") == 0)
		attack_name(&b, &i, &permitted, &escapes);
	else if (strcmp(attack, "race") == 0)
		attack_race(&b, &i, &permitted, &escapes);
	else if (strcmp(attack, "flags") == 0)
		attack_flags(&b, &i, &permitted, &escapes);
	else if (strcmp(attack, "fd") == 0)
		attack_fd(&b, &i, &permitted, &escapes);
	else if (strcmp(attack, "bind") == 0)
		attack_bind(&b, &i, &permitted, &escapes);
	else {
		fprintf(stderr, "elevate: no such attack: %s\n", attack);
		return 2;
	}
	return report(i, permitted, escapes);
}
