/*
 * One supervised session: the handshake with the host, the command, the event loop.
 */

#ifndef SYSGATE_SESSION_H
#define SYSGATE_SESSION_H

#include "options.h"

/* Runs the session; returns the exit status (the command's, as a shell reports it). */
int	 sg_session_run(const struct sg_options *opt);

#endif /* SYSGATE_SESSION_H */
