/*
 * One hash for the supervisor's tables (the policy index, learning's set of recorded calls)
 * and for the name of a run plan (PROTOCOL.md): FNV-1a, 64 bits. Keys are call names and file
 * names, not chosen by an attacker to collide cheaply enough to matter; both tables probe
 * linearly. A plan's name only finds the file: its key is compared in full.
 */

#ifndef SYSGATE_HASH_H
#define SYSGATE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SG_HASH_START	0xcbf29ce484222325ULL	/* the FNV offset basis */

uint64_t	 sg_hash(const char *s, size_t n);
/* Goes on hashing from h (SG_HASH_START at first): a key made of several pieces. */
uint64_t	 sg_hash_more(uint64_t h, const char *s, size_t n);

#endif /* SYSGATE_HASH_H */
