/*
 * Kernel-speed enforcement (`sysgate -a -K`): the Landlock ruleset the host's rules make, built
 * in the supervisor before the command is launched and imposed on the command's process before
 * it executes anything. The host decides what the rules are (app/core/kernel/); this file only
 * hands them to the kernel, and refuses the run when it cannot (fail closed).
 */

#ifndef SYSGATE_LANDLOCK_H
#define SYSGATE_LANDLOCK_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* The ABI version this kernel offers (0 for none). */
int	 sg_landlock_abi(void);
/* The file-system rights Landlock's ABI version `abi` knows (all of them for INT32_MAX). */
uint64_t sg_landlock_rights(int abi);
/*
 * A ruleset restricting `handled`, cut to the rights this kernel has; its descriptor, or -1
 * with err set.
 */
int	 sg_landlock_create(uint64_t handled, char *err, size_t errsize);
/* What one landlock-rule granted, and on what. */
struct sg_landlock_grant {
	char		 real[PATH_MAX];	/* where the name really is, links followed */
	int		 dir;			/* a directory (else a file) */
	uint64_t	 access;		/* the rights granted there; 0: none */
};

/*
 * Grants on path: file_access if it is a file, dir_access (on the directory and everything
 * beneath it) if it is a directory. A path that does not exist grants nothing and is no
 * error. *got says what was granted, and on what. 0, or -1 with err set.
 */
int	 sg_landlock_add(int ruleset, const char *path, uint64_t file_access,
	    uint64_t dir_access, struct sg_landlock_grant *got, char *err, size_t errsize);

/*
 * The names a ruleset lets the command open for reading, each file and directory tree that a
 * grant gives both reading a file and listing a directory (or, on a file, reading it): where a
 * reading open the policy permits may be left to the kernel (decide.c, kernel_reads).
 */
struct sg_read_grants {
	struct sg_read_grant	*v;
	size_t			 n, cap;
	int			 sorted;
};

/* Notes a grant that lets names be read; -1 when out of memory. */
int	 sg_read_grants_add(struct sg_read_grants *g, const struct sg_landlock_grant *got);
/* Orders them for lookups: once, before the first. */
void	 sg_read_grants_sort(struct sg_read_grants *g);
/* Whether the real, absolute name `path` is one of them or beneath a directory of them. */
int	 sg_read_grants_cover(const struct sg_read_grants *g, const char *path);

/* Restricts the calling thread (and what it executes) to the ruleset; needs no_new_privs. */
int	 sg_landlock_restrict(int ruleset);

#endif /* SYSGATE_LANDLOCK_H */
