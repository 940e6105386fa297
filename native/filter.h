/*
 * The seccomp filter: which ABI may call at all, which calls the kernel allows by itself
 * (the baseline), and that every other call is sent to the supervisor.
 */

#ifndef SYSGATE_FILTER_H
#define SYSGATE_FILTER_H

#include <linux/filter.h>
#include <stddef.h>

#define SG_FILTER_MAX	320

struct sg_filter {
	struct sock_filter	 insns[SG_FILTER_MAX];
	unsigned short		 len;
};

/*
 * Builds the program for this machine's architecture; -1 when it does not fit. The calls
 * numbered in allow (kernel-speed mode, landlock.h) are allowed in the kernel besides the
 * baseline.
 */
int		 sg_filter_build(struct sg_filter *f, const int *allow, size_t nallow);
/* The baseline's names, NULL-terminated, for --print-baseline and the README. */
extern const char *const sg_baseline[];
/* Whether a call is in the baseline (the kernel allows it without asking). */
int		 sg_filter_is_baseline(const char *name);

#endif /* SYSGATE_FILTER_H */
