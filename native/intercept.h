/*
 * Talking to the kernel: installing the filter in the command before it runs, receiving
 * notifications, reading the caller's memory safely, and answering.
 */

#ifndef SYSGATE_INTERCEPT_H
#define SYSGATE_INTERCEPT_H

#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Features found at run time, named as in the `hello` frame. */
#define SG_FEAT_SYNC_WAKEUP	0x1
#define SG_FEAT_WAIT_KILLABLE	0x2
#define SG_FEAT_ADDFD_SEND	0x4

struct sg_listener {
	int		 fd;
	int		 features;
	size_t		 notif_size;	/* the kernel's struct sizes, which may be larger */
	size_t		 resp_size;
	struct seccomp_notif *notif;	/* a buffer of notif_size bytes */
	struct seccomp_notif_resp *resp;
};

/* Probes what the running kernel offers before anything is launched. */
int	 sg_intercept_probe(struct sg_listener *l);

/*
 * Forks the command. The child installs the filter and hands the listener over before it
 * executes anything, then waits for sg_intercept_release. path is absolute.
 */
int	 sg_intercept_launch(struct sg_listener *l, const char *path, char *const argv[],
	    pid_t *child, int *release_fd, char *err, size_t errsize);
/* Lets the child execute the command. */
int	 sg_intercept_release(int release_fd);

/* The next notification into l->notif; 0, or -1 (ENOENT: the caller died meanwhile). */
int	 sg_notif_recv(struct sg_listener *l);
/* Whether the notification is still waiting: the caller lives and its call is held. */
int	 sg_notif_valid(const struct sg_listener *l, uint64_t id);
int	 sg_notif_continue(struct sg_listener *l, uint64_t id);
int	 sg_notif_fail(struct sg_listener *l, uint64_t id, int error);
int	 sg_notif_return(struct sg_listener *l, uint64_t id, long long val);
/* Installs srcfd in the caller and makes it the call's result; -errno on failure. */
int	 sg_notif_addfd(struct sg_listener *l, uint64_t id, int srcfd, int cloexec);

/*
 * Reads the caller's memory, then checks the notification is still valid, so the bytes
 * belong to the caller that made the call (its pid may otherwise have been reused).
 * Returns the bytes read, or -1.
 */
ssize_t	 sg_mem_read(const struct sg_listener *l, uint64_t id, pid_t pid, uint64_t addr,
	    void *buf, size_t len);
/* A NUL-terminated string of at most size - 1 bytes; -1 (errno ENAMETOOLONG) if longer. */
int	 sg_mem_read_string(const struct sg_listener *l, uint64_t id, pid_t pid, uint64_t addr,
	    char *buf, size_t size);

#endif /* SYSGATE_INTERCEPT_H */
