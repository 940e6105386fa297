/*
 * The host as the front door and the supervisor run it for a run plan (PROTOCOL.md, "Run
 * plans"): Node.js with the bundled command line, `<root>/bin/sysgate.js`.
 */

#ifndef SYSGATE_HOST_H
#define SYSGATE_HOST_H

#include <sys/types.h>

/*
 * The host's command line: node (or $SYSGATE_NODE), <root>/bin/sysgate.js, then argv[1..],
 * where the running program is <root>/native/build/NAME. NULL with errno on failure.
 */
char	**sg_host_argv(int argc, char *argv[]);
/*
 * Starts the host with fd as its descriptor 3 and SYSGATE_HOST_FD=3, standard input
 * /dev/null: its pid, or -1 with errno. A host that cannot be executed says so on standard
 * error and exits with status 127.
 */
pid_t	 sg_host_start(char *const argv[], int fd);

#endif /* SYSGATE_HOST_H */
