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

/*
 * Whether the file open on fd is /, /proc or anything in a /proc/PID: where it really is, as
 * realpath(3) of its name would say, told by its descriptor's link in one readlink, where
 * realpath asks about each component of the name (seven calls for a name in .git/objects,
 * once per rule at every -K start).
 */
static int
is_proc_pid(int fd)
{
	char	 link[64], real[PATH_MAX];
	ssize_t	 n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, real, sizeof(real))) <= 0 || (size_t)n == sizeof(real))
		return 0;
	real[n] = '\0';
	return strcmp(real, "/") == 0 || strcmp(real, "/proc") == 0 ||
	    (strncmp(real, "/proc/", 6) == 0 && real[6] >= '0' && real[6] <= '9');
}

int
sg_landlock_add(int ruleset, const char *path, uint64_t file_access, uint64_t dir_access,
    int *proc_pid, char *err, size_t errsize)
{
	struct path_beneath_attr attr;
	struct stat		 st;
	int			 fd, rc;

	*proc_pid = 0;
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
	*proc_pid = is_proc_pid(fd);
	memset(&attr, 0, sizeof(attr));
	attr.allowed_access = S_ISDIR(st.st_mode) ? dir_access : file_access & ACCESS_FILE;
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
	close(fd);
	return rc;
}

int
sg_landlock_restrict(int ruleset)
{
	return (int)syscall(__NR_landlock_restrict_self, ruleset, 0);
}
