/*
 * What race-exec runs: copies of this program sit at DIR/permit/prog and DIR/forbid/prog. It
 * tells which one the kernel ran by the name the exec used (AT_EXECFN, on its own stack: no
 * call needed), and with which argument, and exits with 42 for the forbidden program or the
 * argument "forbid", 0 otherwise.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

int
main(int argc, char *argv[])
{
	const char	*ran = (const char *)getauxval(AT_EXECFN);

	if (argc > 1 && strcmp(argv[1], "forbid") == 0)
		return 42;
	return ran != NULL && strstr(ran, "/forbid/") != NULL ? 42 : 0;
}
