/*
 * Calls held in the kernel while the supervisor waits: questions put to the host, and calls
 * of a process whose policy the host has not sent yet.
 */

#ifndef SYSGATE_PENDING_H
#define SYSGATE_PENDING_H

#include <stdint.h>
#include <sys/types.h>

#include "translate.h"

struct sg_exec_target;

struct sg_pending {
	uint64_t	 qid;		/* the question's id; 0 for a call held for a policy */
	pid_t		 pid;
	struct sg_syscall call;
	/*
	 * A permitted exec's target (perform.h), once known: for a script, call has become the
	 * execve of its interpreter, decided in turn. Owned.
	 */
	struct sg_exec_target *exec;
	struct sg_pending *next;
};

struct sg_pending *sg_pending_new(void);
void		 sg_pending_add(struct sg_pending *p);
struct sg_pending *sg_pending_find(uint64_t qid);
/* Unlinks p from the list (it must be in it); the caller frees it. */
void		 sg_pending_unlink(struct sg_pending *p);
void		 sg_pending_free(struct sg_pending *p);
/* The first pending entry, to walk with ->next. */
struct sg_pending *sg_pending_first(void);
size_t		 sg_pending_count(void);

#endif /* SYSGATE_PENDING_H */
