/*
 * What one seccomp user notification costs at the least, on this machine: a child makes N
 * getppid() calls that its filter sends to a listener, and the parent answers each with
 * CONTINUE at once, reading nothing and deciding nothing, with SYNC_WAKE_UP as the supervisor
 * uses it. Every notified call of a supervised program costs this much before the supervisor
 * has done anything; bench/run.mjs prints it beside what the exact mode costs.
 */

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS		_IOW('!', 4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	1
#endif

static int
send_fd(int sock, int fd)
{
	char		 control[CMSG_SPACE(sizeof(int))], byte = 'L';
	struct iovec	 iov = { &byte, 1 };
	struct msghdr	 msg;
	struct cmsghdr	*c;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control;
	msg.msg_controllen = sizeof(control);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int
receive_fd(int sock)
{
	char		 control[CMSG_SPACE(sizeof(int))], byte;
	struct iovec	 iov = { &byte, 1 };
	struct msghdr	 msg;
	struct cmsghdr	*c;
	int		 fd;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control;
	msg.msg_controllen = sizeof(control);
	if (recvmsg(sock, &msg, 0) != 1 || (c = CMSG_FIRSTHDR(&msg)) == NULL)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

/* The child: getppid() goes to the listener, everything else is allowed. */
static void
caller(int sock, int n)
{
	struct sock_filter	 insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog	 prog = { sizeof(insns) / sizeof(insns[0]), insns };
	char			 go;
	int			 fd, i;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    (fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog)) == -1 ||
	    send_fd(sock, fd) == -1 || read(sock, &go, 1) != 1)
		_exit(1);
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	_exit(0);
}

int
main(int argc, char *argv[])
{
	struct seccomp_notif		 req;
	struct seccomp_notif_resp	 resp;
	struct timespec			 a, b;
	int				 n = argc > 1 ? atoi(argv[1]) : 20000, sv[2], fd, i;
	int				 status;
	pid_t				 pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 || (pid = fork()) == -1) {
		perror("notify-floor");
		return 1;
	}
	if (pid == 0)
		caller(sv[0], n);
	if ((fd = receive_fd(sv[1])) == -1) {
		fprintf(stderr, "notify-floor: no listener (seccomp user notification?)\n");
		return 1;
	}
	/* As the supervisor does where the kernel has it (Linux 6.6). */
	(void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, (__u64)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (write(sv[1], "g", 1) != 1)
		return 1;
	for (i = 0; i < n; i++) {
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) == -1) {
			perror("SECCOMP_IOCTL_NOTIF_RECV");
			return 1;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == -1) {
			perror("SECCOMP_IOCTL_NOTIF_SEND");
			return 1;
		}
	}
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("notify-floor: %d notified calls answered CONTINUE: %.2f us each\n", n,
	    ((double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3) / n);
	return 0;
}
