/*
 * connect, bind, sendto, sendmsg and sendmmsg with an address, on 127.0.0.1 (and AF_UNIX
 * connect and bind, by a name relative to a directory of its own, in a directory it may not
 * write, to a socket it may not write, abstract), printed one line each:
 * what the call returned and its errno, and what the other end saw. A test runs it natively
 * and under the supervisor, where each is performed on a copy of the program's socket, and
 * compares the two outputs.
 *
 * Usage: sockcalls
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
said(const char *what, long rc)
{
	printf("%-40s %ld %s\n", what, rc, rc == -1 ? strerrorname_np(errno) : "");
}

static struct sockaddr_in
loopback(int port)
{
	struct sockaddr_in	 a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	return a;
}

static int
port_of(int s)
{
	struct sockaddr_in	 a;
	socklen_t		 len = sizeof(a);

	return getsockname(s, (struct sockaddr *)&a, &len) == 0 ? ntohs(a.sin_port) : -1;
}

static struct sockaddr_un
unix_name(const char *name)
{
	struct sockaddr_un	 u;

	memset(&u, 0, sizeof(u));
	u.sun_family = AF_UNIX;
	snprintf(u.sun_path, sizeof(u.sun_path), "%s", name);
	if (name[0] == '@')
		u.sun_path[0] = '\0';
	return u;
}

/* AF_UNIX connect and bind: what they return, and what the file system and the peer see. */
static void
unix_calls(void)
{
	struct sockaddr_un	 u;
	struct ucred		 cred;
	struct stat		 st;
	socklen_t		 len;
	char			 dir[] = "/tmp/sockcalls-XXXXXX", abstract[64];
	int			 server, client, peer;

	if (mkdtemp(dir) == NULL || chdir(dir) == -1 || mkdir("ro", 0555) == -1)
		return;
	umask(027);
	server = socket(AF_UNIX, SOCK_STREAM, 0);
	u = unix_name("s");
	said("unix: bind by a relative name", bind(server, (struct sockaddr *)&u, sizeof(u)));
	said("unix: bind again", bind(server, (struct sockaddr *)&u, sizeof(u)));
	if (stat("s", &st) == 0)
		printf("  mine %d mode %o\n", st.st_uid == getuid() && st.st_gid == getgid(),
		    (unsigned)(st.st_mode & 07777));
	listen(server, 8);
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	said("unix: bind to a name in use", bind(client, (struct sockaddr *)&u, sizeof(u)));
	said("unix: connect by a relative name", connect(client, (struct sockaddr *)&u, sizeof(u)));
	peer = accept(server, NULL, NULL);
	len = sizeof(cred);
	if (peer >= 0 && getsockopt(peer, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		printf("  the server saw my ids %d\n", cred.uid == geteuid() && cred.gid == getegid());
	close(peer);
	close(client);
	chmod("s", 0);
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	said("unix: connect to a socket of mode 0 (root only)",
	    connect(client, (struct sockaddr *)&u, sizeof(u)));
	close(client);
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	u = unix_name("nothing");
	said("unix: connect to no socket", connect(client, (struct sockaddr *)&u, sizeof(u)));
	u = unix_name("ro/s");
	said("unix: bind in a directory it may not write (root only)",
	    bind(client, (struct sockaddr *)&u, sizeof(u)));
	close(client);
	close(server);
	snprintf(abstract, sizeof(abstract), "@sockcalls-%d", (int)getpid());
	u = unix_name(abstract);
	server = socket(AF_UNIX, SOCK_STREAM, 0);
	said("unix: bind to an abstract name", bind(server, (struct sockaddr *)&u, sizeof(u)));
	listen(server, 8);
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	said("unix: connect to an abstract name", connect(client, (struct sockaddr *)&u, sizeof(u)));
	close(client);
	close(server);
	unlink("s");
	unlink("ro/s");
	rmdir("ro");
	if (chdir("/") == 0)
		rmdir(dir);
}

int
main(void)
{
	struct sockaddr_in	 a, from;
	struct iovec		 iov[2] = { { "ab", 2 }, { "cde", 3 } };
	struct msghdr		 m;
	struct mmsghdr		 mm[3];
	struct pollfd		 p;
	socklen_t		 len;
	char			 buf[64];
	int			 server, client, udp, peer, port, closed;
	ssize_t			 n;

	/* A listening TCP server and a port nobody listens on. */
	server = socket(AF_INET, SOCK_STREAM, 0);
	a = loopback(0);
	said("bind server to 127.0.0.1:0", bind(server, (struct sockaddr *)&a, sizeof(a)));
	listen(server, 8);
	port = port_of(server);
	closed = socket(AF_INET, SOCK_STREAM, 0);
	bind(closed, (struct sockaddr *)&a, sizeof(a));
	said("bind again (already bound)", bind(closed, (struct sockaddr *)&a, sizeof(a)));
	a = loopback(port_of(closed));
	close(closed);

	client = socket(AF_INET, SOCK_STREAM, 0);
	said("connect to a closed port", connect(client, (struct sockaddr *)&a, sizeof(a)));
	close(client);
	client = socket(AF_INET, SOCK_STREAM, 0);
	a = loopback(port);
	said("connect (blocking)", connect(client, (struct sockaddr *)&a, sizeof(a)));
	said("connect again", connect(client, (struct sockaddr *)&a, sizeof(a)));
	peer = accept(server, NULL, NULL);
	said("the server accepted", peer >= 0 ? 0 : -1);
	said("write", write(client, "hello", 5));
	n = read(peer, buf, sizeof(buf));
	said("the server read", n);
	close(peer);
	close(client);
	client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	n = connect(client, (struct sockaddr *)&a, sizeof(a));
	said("connect (non-blocking): 0 or EINPROGRESS",
	    n == 0 || errno == EINPROGRESS ? 0 : -1);
	p.fd = client;
	p.events = POLLOUT;
	said("poll for the connection", poll(&p, 1, 5000));
	close(client);
	client = socket(AF_INET, SOCK_STREAM, 0);
	said("connect with a short address", connect(client, (struct sockaddr *)&a, 4));
	close(client);
	closed = open("/dev/null", O_RDONLY);
	said("connect on no socket", connect(closed, (struct sockaddr *)&a, sizeof(a)));
	close(closed);
	a = loopback(80);
	client = socket(AF_INET, SOCK_STREAM, 0);
	n = bind(client, (struct sockaddr *)&a, sizeof(a));
	said("bind to port 80 (root only)", n == 0 || errno == EADDRINUSE ? 0 : -1);
	close(client);

	udp = socket(AF_INET, SOCK_DGRAM, 0);
	a = loopback(0);
	bind(udp, (struct sockaddr *)&a, sizeof(a));
	a = loopback(port_of(udp));
	said("sendto itself", sendto(udp, "xyz", 3, 0, (struct sockaddr *)&a, sizeof(a)));
	len = sizeof(from);
	n = recvfrom(udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	said("received", n);
	printf("  %.*s from itself %d\n", (int)n, buf, from.sin_port == a.sin_port);
	memset(&m, 0, sizeof(m));
	m.msg_name = &a;
	m.msg_namelen = sizeof(a);
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	said("sendmsg itself, two pieces", sendmsg(udp, &m, 0));
	n = recv(udp, buf, sizeof(buf), 0);
	said("received", n);
	printf("  %.*s\n", (int)n, buf);
	memset(mm, 0, sizeof(mm));
	mm[0].msg_hdr = m;
	mm[1].msg_hdr = m;
	mm[1].msg_hdr.msg_iovlen = 1;
	mm[2].msg_hdr.msg_iov = &iov[1];
	mm[2].msg_hdr.msg_iovlen = 1;
	said("sendmmsg itself, two messages", sendmmsg(udp, mm, 2, 0));
	printf("  msg_len %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
	while ((n = recv(udp, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		printf("  %.*s\n", (int)n, buf);
	said("sendmmsg, the third without an address", sendmmsg(udp, mm, 3, 0));
	printf("  msg_len %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
	while ((n = recv(udp, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		printf("  %.*s\n", (int)n, buf);
	said("sendmmsg of a bad vector", sendmmsg(udp, (struct mmsghdr *)8, 2, 0));
	said("sendto a NULL buffer", sendto(udp, NULL, 3, 0, (struct sockaddr *)&a, sizeof(a)));
	said("sendto too large an address", sendto(udp, "x", 1, 0, (struct sockaddr *)&a, 1000));
	close(udp);
	unix_calls();
	return 0;
}
