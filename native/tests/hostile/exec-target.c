/*
 * What race-exec runs: copies of this program sit at DIR/permit/prog and DIR/forbid/prog. It
 * tells which one the kernel ran by the name the exec used (AT_EXECFN, on its own stack: no
 * call needed) and exits with 42 for the forbidden one, 0 for the other.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

int
main(void)
{
	const char	*ran = (const char *)getauxval(AT_EXECFN);

	return ran != NULL && strstr(ran, "/forbid/") != NULL ? 42 : 0;
}
