/*
 * Control messages that need a privilege, on sends the supervisor performs. sendmsg and
 * sendmmsg to an address the policy permits are performed by the supervisor on a copy of the
 * program's socket, with the program's control messages: SO_MARK needs CAP_NET_RAW or
 * CAP_NET_ADMIN, SO_PRIORITY above 6 CAP_NET_RAW or CAP_NET_ADMIN (Linux 6.10 on; before, the
 * kernel refuses it with EINVAL), over the socket's network namespace. Sent with the
 * supervisor's capabilities, they would succeed for a program that has neither.
 *
 * A send that succeeds is an escape unless this process has the capabilities itself: never in
 * a user namespace of its own (`clone`), else what capget says (root's sends are counted as
 * permitted). A send without any control message, and one with IP_TTL (no privilege), are
 * counted as permitted: they show that the sends were really performed. A sendmmsg that
 * sent its message without saying so in msg_len ends the attack (status 2).
 *
 * Usage: cmsg HOW PORT ATTEMPTS SECONDS, HOW `plain` (this process sends) or `clone` (a child
 * made with clone(CLONE_NEWUSER) sends), to 127.0.0.1:PORT over UDP.
 */

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "hostile.h"

#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER	0x10000000
#endif

enum kind { PLAIN, TTL, MARK, PRIORITY };

static struct sockaddr_in to;

/* One control message of kind k in buf (room for one int); its length, 0 for none. */
static size_t
control(enum kind k, char *buf, size_t size)
{
	struct cmsghdr	*cm = (struct cmsghdr *)buf;
	int		 value;

	memset(buf, 0, size);
	switch (k) {
	case TTL:
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_TTL;
		value = 9;
		break;
	case MARK:
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SO_MARK;
		value = 42;
		break;
	case PRIORITY:
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SO_PRIORITY;
		value = 7;
		break;
	default:
		return 0;
	}
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &value, sizeof(value));
	return CMSG_SPACE(sizeof(int));
}

/* Sends one datagram with a control message of kind k, by sendmsg or sendmmsg; 1 if sent. */
static int
send_one(int s, enum kind k, int many)
{
	char		 buf[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8)));
	struct iovec	 iov = { "x", 1 };
	struct mmsghdr	 mm;

	memset(&mm, 0, sizeof(mm));
	mm.msg_hdr.msg_name = &to;
	mm.msg_hdr.msg_namelen = sizeof(to);
	mm.msg_hdr.msg_iov = &iov;
	mm.msg_hdr.msg_iovlen = 1;
	mm.msg_hdr.msg_controllen = control(k, buf, sizeof(buf));
	mm.msg_hdr.msg_control = mm.msg_hdr.msg_controllen > 0 ? buf : NULL;
	if (many) {
		if (sendmmsg(s, &mm, 1, 0) != 1)
			return 0;
		/* A sendmmsg performed says what it sent in msg_len, as the kernel's own does. */
		if (mm.msg_len != 1) {
			fprintf(stderr, "cmsg: sendmmsg sent 1 message, and its msg_len says %u\n",
			    mm.msg_len);
			exit(2);
		}
		return 1;
	}
	return sendmsg(s, &mm.msg_hdr, 0) == 1;
}

/* Whether this process may send SO_MARK itself: CAP_NET_RAW or CAP_NET_ADMIN, effective. */
static int
privileged(void)
{
	struct __user_cap_header_struct	 h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	 d[2];

	if (syscall(SYS_capget, &h, d) == -1)
		return 0;
	return (d[0].effective & (1U << CAP_NET_RAW | 1U << CAP_NET_ADMIN)) != 0;
}

static int
attack(int own_namespace, const char *argv[])
{
	struct budget	 b;
	long		 i, permitted = 0, escapes = 0;
	int		 s, may = !own_namespace && privileged();
	enum kind	 k;

	/*
	 * As ssh and gpg-agent are: the supervisor writes sendmmsg's msg_len into this memory,
	 * which a process of this user could not (the sends' credentials are not for that).
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		perror("prctl(PR_SET_DUMPABLE)");
		return 2;
	}
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("socket");
		return 2;
	}
	budget_start(&b, atol(argv[3]), atof(argv[4]));
	for (i = 0; budget_left(&b, i); i++) {
		k = (enum kind)(i % 4);
		if (!send_one(s, k, (i / 4) % 2))
			continue;
		if (k == PLAIN || k == TTL || may)
			permitted++;
		else
			escapes++;
	}
	close(s);
	return report(i, permitted, escapes);
}

int
main(int argc, const char *argv[])
{
	pid_t	 pid;
	int	 status;

	if (argc != 5) {
		fprintf(stderr, "usage: cmsg plain|clone PORT ATTEMPTS SECONDS\n");
		return 2;
	}
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)atoi(argv[2]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (strcmp(argv[1], "plain") == 0)
		return attack(0, argv);
	if ((pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)) == -1) {
		perror("clone(CLONE_NEWUSER)");
		return 2;
	}
	if (pid == 0)
		_exit(attack(1, argv));
	if (waitpid(pid, &status, 0) == -1)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
