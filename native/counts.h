/*
 * How many calls each program made of each call, and what decided them, permitted calls
 * included: a table of counters the supervisor keeps as it decides, sent to the host in
 * batches (`count` frames, PROTOCOL.md) rather than a frame per call.
 */

#ifndef SYSGATE_COUNTS_H
#define SYSGATE_COUNTS_H

#include "process.h"
#include "translate.h"

/* Flushed on the timer at most this often, and whenever the table is this full. */
#define SG_COUNTS_FLUSH_MS	500
#define SG_COUNTS_FLUSH_ROWS	512

/*
 * One call decided for p: action "permit" or "deny", by as in a record, the deciding rule's
 * line and column (0 when no rule decided).
 */
void	 sg_count(const struct sg_process *p, const struct sg_syscall *c, const char *action,
	    const char *by, unsigned line, unsigned col);
/* Sends a `count` frame for every row counted since the last flush and empties the table. */
void	 sg_counts_flush(void);
/* Whether SG_COUNTS_FLUSH_MS went by since the last flush (monotonic clock). */
int	 sg_counts_due(void);

#endif /* SYSGATE_COUNTS_H */
