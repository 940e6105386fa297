#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "search.h"

void
sg_search_path(const char *name, char *path, size_t size)
{
	const char	*dirs = getenv("PATH"), *p, *end;
	int		 n;

	snprintf(path, size, "%s", name);
	if (strchr(name, '/') != NULL)
		return;
	if (dirs == NULL)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	for (p = dirs; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		n = snprintf(path, size, "%.*s/%s", (int)(end - p), p, name);
		if (n > 0 && (size_t)n < size && access(path, X_OK) == 0)
			return;
	}
	snprintf(path, size, "%s", name);
}

int
sg_install_root(char *root, size_t size)
{
	char	 exe[PATH_MAX], *slash;
	ssize_t	 n;
	int	 i, len;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) == -1)
		return -1;
	exe[n] = '\0';
	for (i = 0; i < 3; i++) {
		if ((slash = strrchr(exe, '/')) == NULL) {
			errno = ENOENT;
			return -1;
		}
		*slash = '\0';
	}
	len = snprintf(root, size, "%s", exe);
	if (len < 0 || (size_t)len >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
