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
	volatile int	 stop;		/* a signal to the listener's thread ends its wait */
};

/* Probes what the running kernel offers before anything is launched. */
int	 sg_intercept_probe(struct sg_listener *l);
/*
 * The probe without its throwaway child: the kernel's struct sizes and what its version says.
 * sg_intercept_launch learns the rest from the command's own filter.
 */
int	 sg_intercept_sizes(struct sg_listener *l);

/* What to run, and as whom. */
struct sg_command {
	const char	*path;		/* absolute */
	char *const	*argv;
	int		 run_as;	/* take on uid and gid before anything else */
	uid_t		 uid;
	gid_t		 gid;
	int		 foreground;	/* take the terminal's foreground in a group of its own */
	int		 landlock;	/* a Landlock ruleset to impose (landlock.h), or -1 */
	const int	*allow;		/* calls the filter allows besides the baseline */
	size_t		 nallow;
};

/*
 * Forks the command. The child takes on its ids, installs the filter and hands the listener
 * over before it executes anything, then waits for sg_intercept_release.
 */
int	 sg_intercept_launch(struct sg_listener *l, const struct sg_command *cmd, pid_t *child,
	    int *release_fd, char *err, size_t errsize);
/* In a forked child: every signal's default action, none blocked, as a new program expects. */
void	 sg_signals_reset(void);
/* Lets the child execute the command. */
int	 sg_intercept_release(int release_fd);

/* The next notification into l->notif; 0, or -1 (ENOENT: the caller died meanwhile). */
int	 sg_notif_recv(struct sg_listener *l);
/* Whether the notification is still waiting: the caller lives and its call is held. */
int	 sg_notif_valid(const struct sg_listener *l, uint64_t id);
int	 sg_notif_continue(struct sg_listener *l, uint64_t id);
int	 sg_notif_fail(struct sg_listener *l, uint64_t id, int error);
int	 sg_notif_return(struct sg_listener *l, uint64_t id, long long val);
/*
 * Answers with val, or with the error when it is not 0, from a thread that does not hold the
 * supervisor's turn (l->resp is the listener's): a call that ran apart, in a thread of its own.
 */
int	 sg_notif_answer_apart(const struct sg_listener *l, uint64_t id, long long val,
	    int error);
/* sg_notif_addfd from such a thread (without narrowing the caller's affinity); -errno. */
int	 sg_notif_addfd_apart(const struct sg_listener *l, uint64_t id, int srcfd, int cloexec);
/*
 * Installs srcfd in the caller (thread tid) and makes it the call's result; -errno on
 * failure.
 */
int	 sg_notif_addfd(struct sg_listener *l, uint64_t id, pid_t tid, int srcfd, int cloexec);
/*
 * Notes whether the CPUs were idle lately (from /proc/stat), which decides whether
 * sg_notif_addfd narrows the caller's affinity: call it now and then (the sweep timer).
 */
void	 sg_intercept_sample_cpus(void);

/*
 * Reads the caller's memory. Its pid may have been reused since the notification came (the
 * caller killed and reaped): what was read then belongs to another process. A decision made
 * on it is harmless as long as its only effect is the answer, which the kernel refuses for a
 * notification that is no longer valid; anything more (a question, a record, an open) must
 * first check sg_notif_valid (decide.c). Returns the bytes read, or -1 (errno ESRCH: no such
 * process).
 */
ssize_t	 sg_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);
/*
 * Writes into the caller's memory, for a call performed on its behalf: first checks that the
 * notification is still valid (errno ESRCH if not), so that pid is still the caller. 0 when
 * all of buf was written, -1 otherwise (errno EFAULT for memory the caller cannot write).
 */
int	 sg_mem_write(const struct sg_listener *l, uint64_t id, pid_t pid, uint64_t addr,
	    const void *buf, size_t len);
/* A NUL-terminated string of at most size - 1 bytes; -1 (errno ENAMETOOLONG) if longer. */
int	 sg_mem_read_string(pid_t pid, uint64_t addr, char *buf, size_t size);

#endif /* SYSGATE_INTERCEPT_H */
