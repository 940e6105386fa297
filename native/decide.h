/*
 * The supervisor's decisions: each notified call is decoded, its process found, its policy
 * evaluated, and the kernel answered (or the host asked); the host's answers and policies
 * come back here.
 */

#ifndef SYSGATE_DECIDE_H
#define SYSGATE_DECIDE_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "intercept.h"
#include "landlock.h"
#include "options.h"
#include "process.h"
#include "protocol.h"

struct sg_supervisor {
	const struct sg_options *opt;
	struct sg_listener	 l;
	pid_t			 self;
	pid_t			 command;	/* the command's pid */
	char			 command_path[PATH_MAX];
	int			 epfd;		/* process pidfds are added here */
	pid_t			 host;		/* a host the supervisor started, until reaped */
	uint64_t		 next_qid;
	int			 host_gone;
	int			 host_left;	/* the command is over, sysgate returned (session.c) */
	int			 killing;	/* host gone, --on-host-loss kill */
	int			 fatal;		/* the supervisor cannot go on safely */
	int			 kernel;	/* kernel-speed mode: a Landlock domain (landlock.h) */
	int			 reads_exact;	/* its grants read only what policies permit */
	struct sg_read_grants	 reads;		/* ... and which they are (landlock.h) */
	unsigned long		 permitted, denied, asked;	/* calls decided so far */
	unsigned long		 reported;	/* the sum of the counts last sent */
};

void	 sg_decide_notification(struct sg_supervisor *s);
void	 sg_decide_answer(struct sg_supervisor *s, const struct sg_frame *f);
/* A policy was installed: processes waiting for it go on. */
void	 sg_decide_policy_arrived(struct sg_supervisor *s, const char *name);
/* Drops questions whose caller is gone, telling the host (`cancel`). */
void	 sg_decide_sweep(struct sg_supervisor *s);
void	 sg_decide_process_exited(struct sg_supervisor *s, struct sg_process *p);
/* The host is gone: fail closed. */
void	 sg_decide_host_lost(struct sg_supervisor *s);

/* The epoll tag of a process's pidfd, for the session's loop. */
#define SG_TAG_PROCESS	5ULL

#endif /* SYSGATE_DECIDE_H */
