/*
 * systrace's classic attack on an address: a second thread flips the port of the address
 * given to connect between a permitted and a forbidden one, hoping the supervisor checks one
 * and the kernel connects to the other. Both ports listen on 127.0.0.1 (the test's servers).
 *
 * Usage: race-connect PERMITTED FORBIDDEN ATTEMPTS SECONDS (ports). An escape is a connection
 * whose peer is the forbidden port.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "hostile.h"

static struct sockaddr_in	 addr;

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 permitted, forbidden, peer;
	socklen_t		 len;
	struct flipper		 f;
	struct budget		 b;
	long			 i, escapes = 0, reached = 0;
	int			 s;

	if (argc != 5) {
		fprintf(stderr, "usage: race-connect PERMITTED FORBIDDEN ATTEMPTS SECONDS\n");
		return 2;
	}
	memset(&permitted, 0, sizeof(permitted));
	permitted.sin_family = AF_INET;
	permitted.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	forbidden = permitted;
	permitted.sin_port = htons((uint16_t)atoi(argv[1]));
	forbidden.sin_port = htons((uint16_t)atoi(argv[2]));
	addr = permitted;
	budget_start(&b, atol(argv[3]), atof(argv[4]));
	flip_start(&f, &addr, &permitted, &forbidden, sizeof(addr));
	for (i = 0; budget_left(&b, i); i++) {
		if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
			perror("socket");
			return 2;
		}
		len = sizeof(peer);
		if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
		    getpeername(s, (struct sockaddr *)&peer, &len) == 0) {
			if (peer.sin_port == forbidden.sin_port)
				escapes++;
			else
				reached++;
		}
		close(s);
	}
	flip_stop(&f);
	return report(i, reached, escapes);
}
