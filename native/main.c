/*
 * sysgate-supervisor: runs a command under seccomp user notification and decides its system
 * calls by the policies the host sends over the control socket (PROTOCOL.md).
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "options.h"
#include "session.h"

#define SG_VERSION	"0.1.0"

static void
print_baseline(void)
{
	size_t	 i;

	for (i = 0; sg_baseline[i] != NULL; i++)
		printf("%s\n", sg_baseline[i]);
}

/*
 * A host that starts the supervisor on a pseudo-terminal cannot hand it a descriptor, so the
 * supervisor connects to the host's socket and proves itself with the token from its
 * environment, which the command must not inherit.
 */
static int
take_token(struct sg_options *opt)
{
	const char	*token = getenv("SYSGATE_CONTROL_TOKEN");

	if (token == NULL)
		return 0;
	if (strlen(token) >= sizeof(opt->token)) {
		fprintf(stderr, "sysgate-supervisor: SYSGATE_CONTROL_TOKEN is too long\n");
		return -1;
	}
	memcpy(opt->token, token, strlen(token) + 1);
	if (unsetenv("SYSGATE_CONTROL_TOKEN") == -1) {
		fprintf(stderr, "sysgate-supervisor: unsetenv: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int
connect_control(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "sysgate-supervisor: --control-socket %s: name too long\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "sysgate-supervisor: --control-socket %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * The host's per-user socket for `sysgate` runs from a terminal needs to know who connected,
 * which Node.js cannot ask the kernel: it hands the accepted socket over as stdin.
 */
static int
print_peer(void)
{
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);

	if (getsockopt(STDIN_FILENO, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		fprintf(stderr, "sysgate-supervisor: SO_PEERCRED: %s\n", strerror(errno));
		return 1;
	}
	printf("%d %u %u\n", (int)cred.pid, (unsigned)cred.uid, (unsigned)cred.gid);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sg_options	 opt;
	char			 err[PATH_MAX + 64];

	if (sg_options_parse(argc, argv, &opt, err, sizeof(err)) == -1) {
		fprintf(stderr, "sysgate-supervisor: %s\n", err);
		sg_usage();
		return 2;
	}
	if (opt.version) {
		printf("sysgate-supervisor %s (protocol 1)\n", SG_VERSION);
		return 0;
	}
	if (opt.print_baseline) {
		print_baseline();
		return 0;
	}
	if (opt.peer_credentials)
		return print_peer();
	/* Only root may hand a command other ids; the supervisor itself stays root. */
	if (opt.run_as && geteuid() != 0) {
		fprintf(stderr, "sysgate-supervisor: --run-as %u:%u needs root; this supervisor "
		    "runs as uid %u\n", (unsigned)opt.run_uid, (unsigned)opt.run_gid,
		    (unsigned)geteuid());
		return 1;
	}
	if (take_token(&opt) == -1)
		return 1;
	if (opt.control_socket != NULL && (opt.control_fd = connect_control(opt.control_socket)) == -1)
		return 1;
	return sg_session_run(&opt, NULL);
}
