/*
 * Kernel-speed enforcement (`sysgate -a -K`): the Landlock ruleset the host's rules make, built
 * in the supervisor before the command is launched and imposed on the command's process before
 * it executes anything. The host decides what the rules are (app/core/kernel/); this file only
 * hands them to the kernel, and refuses the run when it cannot (fail closed).
 */

#ifndef SYSGATE_LANDLOCK_H
#define SYSGATE_LANDLOCK_H

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
/*
 * Grants on path: file_access if it is a file, dir_access (on the directory and everything
 * beneath it) if it is a directory. A path that does not exist grants nothing and is no
 * error. *proc_pid says whether what path names really is /, /proc or in a /proc/PID (links
 * followed, as the grant follows them). 0, or -1 with err set.
 */
int	 sg_landlock_add(int ruleset, const char *path, uint64_t file_access,
	    uint64_t dir_access, int *proc_pid, char *err, size_t errsize);
/* Restricts the calling thread (and what it executes) to the ruleset; needs no_new_privs. */
int	 sg_landlock_restrict(int ruleset);

#endif /* SYSGATE_LANDLOCK_H */
