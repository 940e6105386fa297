/*
 * Learning mode records each distinct call once: a set of what was already recorded.
 */

#ifndef SYSGATE_LEARN_H
#define SYSGATE_LEARN_H

#include "translate.h"

/* 1 when this call with these translations was not seen under this policy before (and is now). */
int	 sg_learn_first(const char *policy, const struct sg_syscall *c);
/* Whether it was (recorded, and so learned), without adding it. */
int	 sg_learn_seen(const char *policy, const struct sg_syscall *c);

#endif /* SYSGATE_LEARN_H */
