#include "hash.h"

uint64_t
sg_hash(const char *s, size_t n)
{
	return sg_hash_more(SG_HASH_START, s, n);
}

uint64_t
sg_hash_more(uint64_t h, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
