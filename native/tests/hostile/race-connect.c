/*
 * systrace's classic attack on an address: a second thread flips the port of the address
 * given to the call between a permitted and a forbidden one, hoping the supervisor checks one
 * and the kernel uses the other. Both ports listen on 127.0.0.1 (the test's servers).
 *
 * Usage: race-connect CALL PERMITTED FORBIDDEN ATTEMPTS SECONDS (ports), CALL one of
 *   connect	TCP connect; an escape is a connection whose peer is the forbidden port;
 *   sendto	UDP sendto, and sendmsg with msg_name, in turns; the servers answer each
 *		datagram, and an escape is an answer from the forbidden port.
 *   sendmmsg	UDP sendmmsg of two messages, the first to the permitted port, the second
 *		to the flipped address: every message must be decided, and sent where decided.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include "hostile.h"

static struct sockaddr_in	 addr;

/* Answers waiting on s: those from `forbidden` are escapes, the others permitted sends. */
static void
drain(int s, const struct sockaddr_in *forbidden, long *reached, long *escapes, int wait_ms)
{
	struct pollfd		 p = { s, POLLIN, 0 };
	struct sockaddr_in	 from;
	socklen_t		 len;
	char			 b;

	while (poll(&p, 1, wait_ms) == 1) {
		len = sizeof(from);
		if (recvfrom(s, &b, 1, 0, (struct sockaddr *)&from, &len) != 1)
			break;
		if (from.sin_port == forbidden->sin_port)
			(*escapes)++;
		else
			(*reached)++;
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 permitted, forbidden, peer;
	socklen_t		 len;
	struct flipper		 f;
	struct budget		 b;
	struct iovec		 iov = { "x", 1 };
	struct msghdr		 m;
	struct mmsghdr		 mm[2];
	long			 i, escapes = 0, reached = 0;
	int			 s, udp = -1;

	if (argc != 6) {
		fprintf(stderr, "usage: race-connect CALL PERMITTED FORBIDDEN ATTEMPTS SECONDS\n");
		return 2;
	}
	memset(&permitted, 0, sizeof(permitted));
	permitted.sin_family = AF_INET;
	permitted.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	forbidden = permitted;
	permitted.sin_port = htons((uint16_t)atoi(argv[2]));
	forbidden.sin_port = htons((uint16_t)atoi(argv[3]));
	addr = permitted;
	budget_start(&b, atol(argv[4]), atof(argv[5]));
	if ((strcmp(argv[1], "sendto") == 0 || strcmp(argv[1], "sendmmsg") == 0) &&
	    (udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("socket");
		return 2;
	}
	flip_start(&f, &addr, &permitted, &forbidden, sizeof(addr));
	for (i = 0; budget_left(&b, i); i++) {
		if (udp != -1 && strcmp(argv[1], "sendmmsg") == 0) {
			memset(mm, 0, sizeof(mm));
			mm[0].msg_hdr.msg_name = &permitted;
			mm[1].msg_hdr.msg_name = &addr;
			mm[0].msg_hdr.msg_namelen = mm[1].msg_hdr.msg_namelen = sizeof(addr);
			mm[0].msg_hdr.msg_iov = mm[1].msg_hdr.msg_iov = &iov;
			mm[0].msg_hdr.msg_iovlen = mm[1].msg_hdr.msg_iovlen = 1;
			sendmmsg(udp, mm, 2, 0);
			drain(udp, &forbidden, &reached, &escapes, 0);
			continue;
		}
		if (udp != -1) {
			if (i % 2 == 0) {
				sendto(udp, "x", 1, 0, (struct sockaddr *)&addr, sizeof(addr));
			} else {
				memset(&m, 0, sizeof(m));
				m.msg_name = &addr;
				m.msg_namelen = sizeof(addr);
				m.msg_iov = &iov;
				m.msg_iovlen = 1;
				sendmsg(udp, &m, 0);
			}
			drain(udp, &forbidden, &reached, &escapes, 0);
			continue;
		}
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
	if (udp != -1)
		drain(udp, &forbidden, &reached, &escapes, 300);
	return report(i, reached, escapes);
}
