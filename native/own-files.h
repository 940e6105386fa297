/*
 * sysgate's own files and folders (policies, templates, the compiled cache, run plans, the
 * history, the app socket, /etc/sysgate), which no traced program may change, whatever its
 * policy says. The host names them (--protect); decided before any rule (decide.c).
 */

#ifndef SYSGATE_OWN_FILES_H
#define SYSGATE_OWN_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "translate.h"

/*
 * Resolves and notes the places given with --protect, before the first decision; -1 when one
 * cannot be noted (the run must not start then).
 */
int	 sg_own_setup(char *const *paths, size_t n);
/*
 * Whether this call (by its name alone) may change a name or a file, so that it is decided by
 * its names while sysgate's own files are protected: never on its registers, never let into
 * the kernel under -K, always performed on the name checked.
 */
int	 sg_own_decided_by_name(const char *call);
/*
 * Whether the translated call would create, change or remove one of sysgate's own files; if
 * so it says why (standard error, the log).
 */
int	 sg_own_touched(const struct sg_syscall *c);
/*
 * Whether a Landlock grant of these rights on path would let the kernel change one of them
 * without asking the supervisor (a modifying right on the place, above it or beneath it).
 */
int	 sg_own_granted(const char *path, uint64_t file, uint64_t dir);

#endif /* SYSGATE_OWN_FILES_H */
