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
