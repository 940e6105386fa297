/*
 * A hash set of the calls learning mode has recorded: the key is the policy the call ran under,
 * the call's name, alias and every translation, so `cat /etc/hostname` is recorded once however
 * often it runs, and once more for each other program that does the same. The set
 * is bounded; when full, calls are recorded every time rather than forgotten.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "learn.h"

#define SLOTS		(1U << 18)
#define KEY_MAX		(64 * 1024)

struct entry {
	uint64_t	 hash;
	char		*key;
	size_t		 len;
};

static struct entry *slots;
static size_t used;

static int
append(char *key, size_t *len, const char *s)
{
	size_t	 n = strlen(s) + 1;

	if (*len + n > KEY_MAX)
		return -1;
	memcpy(key + *len, s, n);
	*len += n;
	return 0;
}

/* policy NUL name NUL alias NUL (translation NUL value NUL)* */
static int
make_key(const char *policy, const struct sg_syscall *c, char *key, size_t *len)
{
	size_t	 i;

	*len = 0;
	if (append(key, len, policy) == -1 || append(key, len, c->name) == -1 ||
	    append(key, len, c->alias ? c->alias : "") == -1)
		return -1;
	for (i = 0; i < c->ntargs; i++)
		if (append(key, len, c->targs[i].name) == -1 ||
		    append(key, len, c->targs[i].value) == -1)
			return -1;
	return 0;
}

/* 1 when the call was seen; else 0 with *slot the free slot for it, or NULL. */
static int
lookup(const char *policy, const struct sg_syscall *c, char *key, size_t *len,
    uint64_t *h, struct entry **slot)
{
	size_t		 i;
	struct entry	*e;

	*slot = NULL;
	if (slots == NULL && (slots = calloc(SLOTS, sizeof(*slots))) == NULL)
		return 0;
	if (make_key(policy, c, key, len) == -1)
		return 0;
	*h = sg_hash(key, *len);
	for (i = *h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
		e = &slots[i];
		if (e->key == NULL)
			break;
		if (e->hash == *h && e->len == *len && memcmp(e->key, key, *len) == 0)
			return 1;
	}
	*slot = e;
	return 0;
}

int
sg_learn_seen(const char *policy, const struct sg_syscall *c)
{
	static char	 key[KEY_MAX];
	size_t		 len;
	uint64_t	 h;
	struct entry	*e;

	return lookup(policy, c, key, &len, &h, &e);
}

int
sg_learn_first(const char *policy, const struct sg_syscall *c)
{
	static char	 key[KEY_MAX];
	size_t		 len;
	uint64_t	 h;
	struct entry	*e;

	if (lookup(policy, c, key, &len, &h, &e))
		return 0;
	if (e == NULL)
		return 1;
	/* Keep the table at most three quarters full so probing stays short. */
	if (used >= SLOTS / 4 * 3 || (e->key = malloc(len)) == NULL)
		return 1;
	memcpy(e->key, key, len);
	e->len = len;
	e->hash = h;
	used++;
	return 1;
}
