/*
 * Call names by number and numbers by name. The generated table lists each call once per
 * architecture; a direct index by number makes the per-notification lookup constant time.
 */

#include <stddef.h>
#include <string.h>

#include "calls.generated.h"
#include "names.h"

#define NR_MAX	1024

static const char *by_number[NR_MAX];
static int indexed;

static void
index_calls(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(callnames) / sizeof(callnames[0]); i++)
		if (callnames[i].nr >= 0 && callnames[i].nr < NR_MAX)
			by_number[callnames[i].nr] = callnames[i].name;
	indexed = 1;
}

const char *
sg_call_name(int nr)
{
	if (!indexed)
		index_calls();
	if (nr < 0 || nr >= NR_MAX)
		return NULL;
	return by_number[nr];
}

int
sg_call_number(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(callnames) / sizeof(callnames[0]); i++)
		if (strcmp(callnames[i].name, name) == 0)
			return callnames[i].nr;
	return -1;
}
