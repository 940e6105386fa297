/*
 * Killing the traced tree (kill.c).
 */

#ifndef SYSGATE_KILL_H
#define SYSGATE_KILL_H

#include "decide.h"
#include "protocol.h"

/* SIGKILL to every descendant of the supervisor, known or not, but the host it started. */
void	 sg_kill_tree(struct sg_supervisor *s);
/*
 * The same found in /proc alone (every process beneath the supervisor but its host): no
 * table is read, so it may run without the turn (session.c).
 */
void	 sg_kill_descendants(const struct sg_supervisor *s);
/*
 * The host's `kill`: a signal (SIGKILL unless it says another) to one traced process, or to
 * the whole tree (another signal than SIGKILL to the processes the supervisor knows).
 */
void	 sg_kill_requested(struct sg_supervisor *s, const struct sg_frame *f);

#endif /* SYSGATE_KILL_H */
