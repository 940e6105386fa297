/*
 * sysgate-supervisor: runs a command under seccomp user notification and decides its system
 * calls by the policies the host sends over the control socket (PROTOCOL.md).
 */

#include <stdio.h>
#include <stdlib.h>
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

int
main(int argc, char *argv[])
{
	struct sg_options	 opt;

	if (sg_options_parse(argc, argv, &opt) == -1) {
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
	/* Only root may hand a command other ids; the supervisor itself stays root. */
	if (opt.run_as && geteuid() != 0) {
		fprintf(stderr, "sysgate-supervisor: --run-as %u:%u needs root; this supervisor "
		    "runs as uid %u\n", (unsigned)opt.run_uid, (unsigned)opt.run_gid,
		    (unsigned)geteuid());
		return 1;
	}
	return sg_session_run(&opt);
}
