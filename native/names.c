/*
 * Call names by number and numbers by name. The generated table lists each call once per
 * architecture; a direct index by number makes the per-notification lookup constant time,
 * and a hash of the names the other way: the child of every launch turns the baseline's 95
 * names into numbers to build its filter, which a strcmp through the whole table made 55 us
 * of CPU before the command could start.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "calls.generated.h"
#include "names.h"

#define NR_MAX	1024
#define NCALLS	(sizeof(callnames) / sizeof(callnames[0]))
#define SLOTS	1024	/* a power of two, over twice the calls: short probes */

_Static_assert(NCALLS < SLOTS / 2, "more calls than the index by name holds");

static const char *by_number[NR_MAX];
/* By name: each slot holds 1 + the call's index in callnames, 0 when free. */
static unsigned short by_name[SLOTS];
static int indexed;

/* FNV-1a. */
static size_t
name_hash(const char *name)
{
	uint32_t	 h = 2166136261U;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619U;
	return h & (SLOTS - 1);
}

static void
index_calls(void)
{
	size_t	 i, slot;

	for (i = 0; i < NCALLS; i++) {
		if (callnames[i].nr >= 0 && callnames[i].nr < NR_MAX)
			by_number[callnames[i].nr] = callnames[i].name;
		for (slot = name_hash(callnames[i].name); by_name[slot] != 0;
		    slot = (slot + 1) & (SLOTS - 1))
			;
		by_name[slot] = (unsigned short)(i + 1);
	}
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
	size_t	 slot;

	if (!indexed)
		index_calls();
	for (slot = name_hash(name); by_name[slot] != 0; slot = (slot + 1) & (SLOTS - 1))
		if (strcmp(callnames[by_name[slot] - 1].name, name) == 0)
			return callnames[by_name[slot] - 1].nr;
	return -1;
}
