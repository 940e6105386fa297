/*
 * Lineage (lineage.c): the process a notified call comes from, and the policy it inherits.
 */

#ifndef SYSGATE_LINEAGE_H
#define SYSGATE_LINEAGE_H

#include <sys/types.h>

#include "decide.h"
#include "process.h"
#include "translate.h"

/*
 * The process of thread tid; one seen for the first time is added, under the policy of its
 * nearest known ancestor (or an orphan's: see lineage.c), and watched for its exit. NULL
 * when it cannot be read (gone) or memory runs out.
 */
struct sg_process *sg_process_of(struct sg_supervisor *s, pid_t tid);
/*
 * The nearest process known to the supervisor among pid and its ancestors; NULL when the walk
 * reaches the supervisor or init.
 */
struct sg_process *sg_known_ancestor(struct sg_supervisor *s, pid_t pid);
/* Gives p the policy name, or holds it (need-policy) until the host sends that policy. */
void	 sg_give_policy(struct sg_supervisor *s, struct sg_process *p, const char *name);
/* A permitted exec of p (exec.c): what it will run is noted under the policy it keeps. */
void	 sg_note_exec(const struct sg_process *p);
/* After a permitted call c: a prctl(PR_SET_CHILD_SUBREAPER) makes p a possible parent. */
void	 sg_note_subreaper(struct sg_process *p, const struct sg_syscall *c);

/*
 * For orphans: the policies each executable (device, inode) ran under in this session, noted
 * when a process gets one. dev 0, ino 0 stands for any executable (an exec whose target is
 * not known); a NULL policy for the executable's own, whatever its name.
 */
void		 sg_runs_note(dev_t dev, ino_t ino, const char *exe, const char *policy);
/*
 * The one policy a process running (dev, ino) can have come from, own_name standing for its
 * own: *policy is set and 0 is returned. -1 when that cannot be established: the executable
 * ran under more than one policy, or under none noted, once a policy was inherited.
 */
int		 sg_runs_lineage(dev_t dev, ino_t ino, const char *own_name, const char **policy);

#endif /* SYSGATE_LINEAGE_H */
