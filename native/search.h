/*
 * Finding a program the way execvp(3) does: a name without '/' is looked up in PATH; and
 * finding the installation of sysgate the running program belongs to.
 */

#ifndef SYSGATE_SEARCH_H
#define SYSGATE_SEARCH_H

#include <stddef.h>

/* The first executable name/dir in PATH into path; name itself when none is (or it has '/'). */
void	 sg_search_path(const char *name, char *path, size_t size);
/*
 * The installation the running program belongs to: <root>, where the program is
 * <root>/native/build/NAME. -1 with errno on failure.
 */
int	 sg_install_root(char *root, size_t size);

#endif /* SYSGATE_SEARCH_H */
