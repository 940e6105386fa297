/*
 * What script-interp names as a script's interpreter: copies of this program sit at
 * DIR/permit/prog and DIR/forbid/prog. It tells which one the kernel ran by its own
 * executable (/proc/self/exe: the interpreter, not the script), and exits with 42 for the
 * forbidden one, 0 for the permitted one, 43 when it cannot tell.
 */

#include <string.h>
#include <unistd.h>

int
main(void)
{
	char	 exe[4096];
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return 43;
	exe[n] = '\0';
	return strstr(exe, "/forbid/") != NULL ? 42 : 0;
}
