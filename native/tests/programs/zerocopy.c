/*
 * A UDP sendto and sendmsg with MSG_ZEROCOPY on a socket with SO_ZEROCOPY, to 127.0.0.1:
 * what each returned and its errno, one line each. Natively the kernel sends from the
 * caller's own pages; a supervisor that sent from its own buffer would put them on the wire
 * after freeing it.
 *
 * Usage: zerocopy
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY	60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY	0x4000000
#endif

static void
said(const char *what, long rc)
{
	printf("%-20s %ld %s\n", what, rc, rc == -1 ? strerrorname_np(errno) : "");
}

int
main(void)
{
	struct sockaddr_in	 a;
	struct iovec		 iov = { "hello", 5 };
	struct msghdr		 m;
	socklen_t		 len = sizeof(a);
	int			 in, out, on = 1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(in, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    getsockname(in, (struct sockaddr *)&a, &len) == -1)
		return 1;
	out = socket(AF_INET, SOCK_DGRAM, 0);
	said("SO_ZEROCOPY", setsockopt(out, SOL_SOCKET, SO_ZEROCOPY, &on, sizeof(on)));
	said("sendto", sendto(out, "hello", 5, MSG_ZEROCOPY, (struct sockaddr *)&a, sizeof(a)));
	memset(&m, 0, sizeof(m));
	m.msg_name = &a;
	m.msg_namelen = sizeof(a);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	said("sendmsg", sendmsg(out, &m, MSG_ZEROCOPY));
	return 0;
}
