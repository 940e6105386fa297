/*
 * The frames that tell the host what happened: questions, decision records, the process
 * tree's changes, cancellations.
 */

#ifndef SYSGATE_RECORD_H
#define SYSGATE_RECORD_H

#include <stdint.h>

#include "evaluate.h"
#include "process.h"
#include "translate.h"

struct sg_verdict {
	const char	*action;	/* "permit" or "deny" */
	int		 error;
	const char	*by;		/* rule, user, learn, default, host-gone */
	unsigned	 line, col;
	int		 log;
	int		 elevated;	/* performed `as` as_uid:as_gid (the record says as=) */
	unsigned	 as_uid, as_gid;
};

void	 sg_send_record(const struct sg_process *p, const struct sg_syscall *c,
	    const struct sg_verdict *v);
void	 sg_send_ask(uint64_t qid, const struct sg_process *p, const struct sg_syscall *c);
void	 sg_send_cancel(uint64_t qid, const char *reason);
/* How many calls were permitted, denied and asked so far. */
void	 sg_send_stats(unsigned long permitted, unsigned long denied, unsigned long asked);
void	 sg_send_process(const char *event, const struct sg_process *p);
void	 sg_send_need_policy(const struct sg_process *p, const char *path);

#endif /* SYSGATE_RECORD_H */
