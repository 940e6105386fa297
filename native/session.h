/*
 * One supervised session: the handshake with the host, the command, the event loop.
 */

#ifndef SYSGATE_SESSION_H
#define SYSGATE_SESSION_H

#include <stddef.h>

#include "options.h"

/*
 * A run from a plan (PROTOCOL.md, "Run plans"): the preamble comes from the plan, and the host
 * is started only when a frame needs it.
 */
struct sg_planned {
	const char	*preamble;	/* the frames after `command`, through `start` */
	size_t		 len;
	int		 host_fd;	/* the host's end of the control socket pair */
	char *const	*host_argv;	/* how to start the host (host.h) */
	int		 explain;	/* SYSGATE_EXPLAIN_START=1: say when the host starts */
};

/*
 * Runs the session, with its preamble from plan when that is not NULL; returns the exit status
 * (the command's, as a shell reports it).
 */
int	 sg_session_run(const struct sg_options *opt, const struct sg_planned *plan);

#endif /* SYSGATE_SESSION_H */
