/*
 * One hash for the supervisor's tables (the policy index, learning's set of recorded calls):
 * FNV-1a, 64 bits. Keys are call names and file names, not chosen by an attacker to collide
 * cheaply enough to matter; both tables probe linearly.
 */

#ifndef SYSGATE_HASH_H
#define SYSGATE_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t	 sg_hash(const char *s, size_t n);

#endif /* SYSGATE_HASH_H */
