/*
 * Finding a program the way execvp(3) does: a name without '/' is looked up in PATH.
 */

#ifndef SYSGATE_SEARCH_H
#define SYSGATE_SEARCH_H

#include <stddef.h>

/* The first executable name/dir in PATH into path; name itself when none is (or it has '/'). */
void	 sg_search_path(const char *name, char *path, size_t size);

#endif /* SYSGATE_SEARCH_H */
