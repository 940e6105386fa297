/*
 * systrace's classic attack on an AF_UNIX address: a second thread flips the name in
 * sun_path between a permitted and a forbidden one (same length) while the program connects
 * or binds, hoping the supervisor checks one and the kernel uses the other.
 *
 * Usage: race-unix connect PERMITTED FORBIDDEN ATTEMPTS SECONDS
 *		stream connect; both names listen (the test's servers); an escape is a
 *		connection whose peer is bound to the forbidden name. A name starting with
 *		`@` is abstract: its @ a NUL, the rest of sun_path NULs (as Node.js binds).
 *        race-unix bind PERMITTED FORBIDDEN ATTEMPTS SECONDS
 *		bind makes a socket file; an escape is the forbidden one made. The permitted
 *		one is removed after each bind.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <stddef.h>
#include <unistd.h>

#include "hostile.h"

static struct sockaddr_un	 addr;

static socklen_t
address(struct sockaddr_un *un, const char *name)
{
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	snprintf(un->sun_path, sizeof(un->sun_path), "%s", name);
	if (name[0] == '@')
		un->sun_path[0] = '\0';
	return (socklen_t)sizeof(*un);
}

/* Whether the socket's peer is bound to the name of want (len bytes of address). */
static int
peer_is(int s, const struct sockaddr_un *want, socklen_t len)
{
	struct sockaddr_un	 peer;
	socklen_t		 plen = sizeof(peer);

	if (getpeername(s, (struct sockaddr *)&peer, &plen) == -1)
		return 0;
	if (want->sun_path[0] == '\0')
		return plen == len && memcmp(peer.sun_path, want->sun_path,
		    len - offsetof(struct sockaddr_un, sun_path)) == 0;
	/* A path's length as the kernel gives it back: up to its NUL. */
	return strcmp(peer.sun_path, want->sun_path) == 0;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 permitted, forbidden;
	struct stat		 st;
	struct flipper		 f;
	struct budget		 b;
	socklen_t		 len, flen;
	long			 i, escapes = 0, reached = 0;
	int			 s, bind_call;

	if (argc != 6 || (strcmp(argv[1], "connect") != 0 && strcmp(argv[1], "bind") != 0) ||
	    strlen(argv[2]) != strlen(argv[3])) {
		fprintf(stderr, "usage: race-unix connect|bind PERMITTED FORBIDDEN ATTEMPTS "
		    "SECONDS (names of one length)\n");
		return 2;
	}
	bind_call = strcmp(argv[1], "bind") == 0;
	len = address(&permitted, argv[2]);
	flen = address(&forbidden, argv[3]);
	addr = permitted;
	budget_start(&b, atol(argv[4]), atof(argv[5]));
	flip_start(&f, &addr, &permitted, &forbidden, sizeof(addr));
	for (i = 0; budget_left(&b, i); i++) {
		if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
			perror("socket");
			return 2;
		}
		if (bind_call) {
			if (bind(s, (struct sockaddr *)&addr, len) == 0) {
				/* What it was bound to: a forbidden file cannot be removed. */
				if (lstat(argv[3], &st) == 0) {
					escapes++;
					break;
				}
				reached++;
				unlink(argv[2]);
			}
		} else if (connect(s, (struct sockaddr *)&addr, len) == 0) {
			if (peer_is(s, &forbidden, flen))
				escapes++;
			else
				reached++;
		}
		close(s);
	}
	flip_stop(&f);
	return report(i, reached, escapes);
}
