/*
 * sysgate's own files: which names a call may not change, given the places the host names
 * (own-files.c), in a folder of this test's own with links on the way.
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "own-files.h"

static char	 top[128];	/* short: every name below fits in PATH_MAX */

/* A call named call on the names a (and b), resolved already, as translate.c leaves them. */
/* top/name; names here are short. */
static void
at(char *out, const char *name)
{
	if (snprintf(out, PATH_MAX, "%s/%s", top, name) >= PATH_MAX)
		abort();
}

static int
touched(const char *call, int oflags, const char *a, const char *b)
{
	static char		 n0[PATH_MAX], n1[PATH_MAX];
	struct sg_syscall	 c;

	memset(&c, 0, sizeof(c));
	c.name = call;
	c.is_open = strncmp(call, "open", 4) == 0 || strcmp(call, "creat") == 0;
	c.oflags = oflags;
	at(n0, a);
	c.paths[c.npaths++] = n0;
	if (b != NULL) {
		at(n1, b);
		c.paths[c.npaths++] = n1;
	}
	return sg_own_touched(&c);
}

static void
make(const char *name, int dir)
{
	char	 path[PATH_MAX];
	int	 fd;

	at(path, name);
	if (dir) {
		mkdir(path, 0755);
	} else if ((fd = open(path, O_WRONLY | O_CREAT, 0644)) != -1) {
		close(fd);
	}
}

int
main(void)
{
	char	 link[PATH_MAX], place[PATH_MAX], later[PATH_MAX], real[PATH_MAX], *places[2];

	snprintf(top, sizeof(top), "/tmp/sysgate-own-XXXXXX");
	if (mkdtemp(top) == NULL || realpath(top, real) == NULL || strlen(real) >= sizeof(top)) {
		perror("mkdtemp");
		return 2;
	}
	memcpy(top, real, strlen(real) + 1);
	/* home/.config is a link to real/; the place is named through it. */
	make("home", 1);
	make("real", 1);
	make("real/sysgate", 1);
	make("real/sysgate/policies", 1);
	make("real/sysgate/policies/usr_bin_x", 0);
	make("work", 1);
	at(link, "home/.config");
	at(place, "real");
	if (symlink(place, link) == -1) {
		perror("symlink");
		return 2;
	}
	at(place, "home/.config/sysgate");
	at(later, "home/.cache/sysgate/runs");
	places[0] = place;
	places[1] = later;
	CHECK(sg_own_setup(places, 2) == 0);

	/* The place, by the name the supervisor resolves to, and what is in it. */
	CHECK(touched("openat", O_WRONLY | O_APPEND, "real/sysgate/policies/usr_bin_x", NULL));
	CHECK(touched("unlink", 0, "real/sysgate/policies/usr_bin_x", NULL));
	CHECK(touched("mkdir", 0, "real/sysgate/policies/new", NULL));
	CHECK(touched("fchmod", 0, "real/sysgate", NULL));
	/* Reading is never refused; nor is a name elsewhere. */
	CHECK(!touched("openat", O_RDONLY, "real/sysgate/policies/usr_bin_x", NULL));
	CHECK(!touched("openat", O_WRONLY | O_CREAT, "work/x", NULL));
	CHECK(!touched("stat", 0, "real/sysgate/policies/usr_bin_x", NULL));
	CHECK(!touched("openat", O_WRONLY, "real/sysgate-other", NULL));
	/* Both names of a rename and a link. */
	CHECK(touched("renameat2", 0, "work/x", "real/sysgate/policies/usr_bin_x"));
	CHECK(touched("linkat", 0, "real/sysgate/policies/usr_bin_x", "work/second"));
	CHECK(!touched("renameat2", 0, "work/x", "work/y"));
	/* Above a place: moving or replacing is refused, making a folder is not. */
	CHECK(touched("rename", 0, "real", "work/away"));
	CHECK(touched("chmod", 0, "real", NULL));
	CHECK(!touched("mkdir", 0, "home/.cache", NULL));
	CHECK(touched("symlink", 0, "home/.cache/sysgate", NULL));
	CHECK(touched("openat", O_WRONLY | O_CREAT, "home/.cache", NULL));
	CHECK(!touched("utimensat", 0, "real", NULL));
	/* The link on the way, by its own name. */
	CHECK(touched("unlink", 0, "home/.config", NULL));
	CHECK(touched("rename", 0, "work/x", "home/.config"));
	CHECK(touched("rename", 0, "home", "work/home"));
	CHECK(!touched("openat", O_WRONLY | O_CREAT, "home/.bashrc", NULL));
	/* A place that does not exist yet is one all the same. */
	CHECK(touched("mkdir", 0, "home/.cache/sysgate/runs", NULL));
	CHECK(touched("openat", O_WRONLY | O_CREAT, "home/.cache/sysgate/runs/0123456789abcdef", NULL));
	/* A Landlock grant: changing rights on, above or beneath a place; reading anywhere. */
	at(later, "real/sysgate/policies");
	CHECK(sg_own_granted(later, 0, 1ULL << 8));
	CHECK(sg_own_granted(top, 0, 1ULL << 1));
	CHECK(!sg_own_granted(top, 0, (1ULL << 0) | (1ULL << 3) | (1ULL << 9)));
	at(later, "work");
	CHECK(!sg_own_granted(later, 0, 1ULL << 8));
	/* Which calls are decided by their names while places are protected. */
	CHECK(sg_own_decided_by_name("chmod") && sg_own_decided_by_name("connect"));
	CHECK(!sg_own_decided_by_name("getpid") && !sg_own_decided_by_name("stat"));

	/* Without places, nothing is. */
	CHECK(sg_own_setup(places, 0) == 0);
	CHECK(!touched("unlink", 0, "real/sysgate/policies/usr_bin_x", NULL));
	CHECK(!sg_own_decided_by_name("chmod"));
	places[0] = "relative";
	CHECK(sg_own_setup(places, 1) == -1);

	snprintf(later, sizeof(later), "rm -rf '%.128s'", top);
	if (system(later) != 0)
		fprintf(stderr, "test-own-files: could not remove %s\n", top);
	return check_summary("test-own-files");
}
