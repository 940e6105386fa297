/*
 * Landlock, through its three system calls. The headers a machine builds with can be older
 * than its kernel, or have no Landlock at all: the numbers and structures are defined here
 * when missing, and the ABI is asked of the running kernel.
 */

#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
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

/* The rights that make sense on a file; the others apply to a directory's entries. */
#define ACCESS_FILE	((1ULL << 0) | (1ULL << 1) | (1ULL << 2) | (1ULL << 14) | (1ULL << 15))

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

int
sg_landlock_create(uint64_t handled, char *err, size_t errsize)
{
	struct ruleset_attr	 attr = { handled };
	long			 fd;

	if (sg_landlock_abi() < 1) {
		snprintf(err, errsize, "this kernel has no Landlock (or it is not enabled)");
		return -1;
	}
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
    char *err, size_t errsize)
{
	struct path_beneath_attr attr;
	struct stat		 st;
	int			 fd, rc;

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
	memset(&attr, 0, sizeof(attr));
	attr.allowed_access = S_ISDIR(st.st_mode) ? dir_access : file_access & ACCESS_FILE;
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
