/*
 * Landlock, through its three system calls. The headers a machine builds with can be older
 * than its kernel, or have no Landlock at all: the numbers and structures are defined here
 * when missing, and the ABI is asked of the running kernel.
 */

#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "landlock.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset	444
#define __NR_landlock_add_rule		445
#define __NR_landlock_restrict_self	446
#endif

#define CREATE_RULESET_VERSION		(1U << 0)
#define RULE_PATH_BENEATH		1

/* The file-system rights by the ABI that brought them (linux/landlock.h). */
#define ACCESS_ABI1	((1ULL << 13) - 1)	/* EXECUTE ... MAKE_SYM */
#define ACCESS_READ_FILE (1ULL << 2)
#define ACCESS_READ_DIR	(1ULL << 3)
#define ACCESS_REFER	(1ULL << 13)		/* ABI 2 */
#define ACCESS_TRUNCATE	(1ULL << 14)		/* ABI 3 */
#define ACCESS_IOCTL_DEV (1ULL << 15)		/* ABI 5 */

/* The rights that make sense on a file; the others apply to a directory's entries. */
#define ACCESS_FILE	((1ULL << 0) | (1ULL << 1) | (1ULL << 2) | ACCESS_TRUNCATE | \
			    ACCESS_IOCTL_DEV)

/* What the ruleset handles: what was asked, as far as the running kernel knows it. */
static uint64_t	 handled_now;

struct ruleset_attr {
	uint64_t	 handled_access_fs;
};

struct path_beneath_attr {
	uint64_t	 allowed_access;
	int32_t		 parent_fd;
} __attribute__((packed));

int
sg_landlock_abi(void)
{
	long	 v = syscall(__NR_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);

	return v < 0 ? 0 : (int)v;
}

/* The file-system rights an ABI version knows. */
uint64_t
sg_landlock_rights(int abi)
{
	uint64_t	 rights = 0;

	if (abi >= 1)
		rights |= ACCESS_ABI1;
	if (abi >= 2)
		rights |= ACCESS_REFER;
	if (abi >= 3)
		rights |= ACCESS_TRUNCATE;
	if (abi >= 5)
		rights |= ACCESS_IOCTL_DEV;
	return rights;
}

/*
 * The host asks for every right it knows; the kernel refuses a ruleset naming one it does
 * not, so the request is cut to what this kernel has. A right it does not have restricts
 * nothing it could check: what the supervisor keeps for itself (creating, removing,
 * renaming names, truncating) it keeps on any kernel. A right outside every ABI is still
 * passed on, and refused (a host that asks for it expects something no kernel gives).
 */
int
sg_landlock_create(uint64_t handled, char *err, size_t errsize)
{
	struct ruleset_attr	 attr;
	uint64_t		 known;
	long			 fd;
	int			 abi;

	if ((abi = sg_landlock_abi()) < 1) {
		snprintf(err, errsize, "this kernel has no Landlock (or it is not enabled)");
		return -1;
	}
	known = sg_landlock_rights(abi);
	if ((handled & ~sg_landlock_rights(INT32_MAX)) == 0)
		handled &= known;
	handled_now = handled;
	attr.handled_access_fs = handled;
	/* The descriptor is close-on-exec: the command never sees it. */
	fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0) {
		snprintf(err, errsize, "landlock_create_ruleset: %s", strerror(errno));
		return -1;
	}
	return (int)fd;
}

int
sg_landlock_add(int ruleset, const char *path, uint64_t file_access, uint64_t dir_access,
    struct sg_landlock_grant *got, char *err, size_t errsize)
{
	struct path_beneath_attr attr;
	struct stat		 st;
	char			 link[64];
	ssize_t			 n;
	int			 fd, rc;

	memset(got, 0, sizeof(*got));
	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	/*
	 * Where the file granted really is, as realpath(3) of its name would say, told by its
	 * descriptor's link: one readlink, where realpath asks about each component of the
	 * name (seven calls for a name in .git/objects, for each rule at every start).
	 */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, got->real, sizeof(got->real))) <= 0 ||
	    (size_t)n == sizeof(got->real))
		n = 0;
	got->real[n] = '\0';
	got->dir = S_ISDIR(st.st_mode);
	memset(&attr, 0, sizeof(attr));
	attr.allowed_access = got->dir ? dir_access : file_access & ACCESS_FILE;
	/*
	 * A right this kernel does not have is not handled, and cannot be granted: left out.
	 * One no ABI has is left in, for the kernel to refuse.
	 */
	attr.allowed_access &= handled_now | ~sg_landlock_rights(INT32_MAX);
	if (attr.allowed_access == 0) {
		close(fd);
		return 0;
	}
	attr.parent_fd = fd;
	rc = (int)syscall(__NR_landlock_add_rule, ruleset, RULE_PATH_BENEATH, &attr, 0);
	if (rc == -1)
		snprintf(err, errsize, "%s: landlock_add_rule: %s", path, strerror(errno));
	else
		got->access = attr.allowed_access;
	close(fd);
	return rc;
}

struct sg_read_grant {
	char	*path;
	size_t	 len;
	int	 dir;
};

int
sg_read_grants_add(struct sg_read_grants *g, const struct sg_landlock_grant *got)
{
	struct sg_read_grant	*v;
	size_t			 cap;
	int			 dir_reads;

	dir_reads = got->dir &&
	    (got->access & (ACCESS_READ_FILE | ACCESS_READ_DIR)) ==
	    (ACCESS_READ_FILE | ACCESS_READ_DIR);
	/* A file granted by the name of a link to it is found by its real name (got->real). */
	if (got->real[0] != '/' || !(dir_reads || (!got->dir && (got->access & ACCESS_READ_FILE))))
		return 0;
	if (g->n == g->cap) {
		cap = g->cap == 0 ? 64 : g->cap * 2;
		if ((v = reallocarray(g->v, cap, sizeof(*v))) == NULL)
			return -1;
		g->v = v;
		g->cap = cap;
	}
	if ((g->v[g->n].path = strdup(got->real)) == NULL)
		return -1;
	g->v[g->n].len = strlen(got->real);
	g->v[g->n].dir = got->dir;
	g->n++;
	g->sorted = 0;
	return 0;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct sg_read_grant *)a)->path,
	    ((const struct sg_read_grant *)b)->path);
}

void
sg_read_grants_sort(struct sg_read_grants *g)
{
	if (g->n > 0)
		qsort(g->v, g->n, sizeof(g->v[0]), by_path);
	g->sorted = 1;
}

/* The grant on exactly the first len bytes of a name, if any. */
static const struct sg_read_grant *
find(const struct sg_read_grants *g, const char *name, size_t len)
{
	size_t	 lo = 0, hi = g->n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(g->v[mid].path, name, len);
		if (c == 0 && g->v[mid].len > len)
			c = 1;
		if (c == 0)
			return &g->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
sg_read_grants_cover(const struct sg_read_grants *g, const char *path)
{
	const struct sg_read_grant	*r;
	size_t				 len = strlen(path);

	if (!g->sorted || path[0] != '/')
		return 0;
	/* The name itself, a file's or a directory's grant. */
	if (find(g, path, len) != NULL)
		return 1;
	/* A directory above it: Landlock grants a directory's rights on all beneath. */
	while (len > 1) {
		while (len > 0 && path[len - 1] != '/')
			len--;
		if (len > 1)
			len--;		/* /a/b/c: /a/b, then /a, then / */
		r = find(g, path, len);
		if (r != NULL && r->dir)
			return 1;
	}
	return 0;
}

int
sg_landlock_restrict(int ruleset)
{
	return (int)syscall(__NR_landlock_restrict_self, ruleset, 0);
}
