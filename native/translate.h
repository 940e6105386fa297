/*
 * Decoding a notified call: its name, its alias, and each argument in systrace's
 * translations (filename, oflags, sockaddr, ...), per the table arguments.generated.h.
 */

#ifndef SYSGATE_TRANSLATE_H
#define SYSGATE_TRANSLATE_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "decision.generated.h"
#include "evaluate.h"
#include "intercept.h"

#define SG_TARGS_MAX		16
#define SG_ARGV_MAX		65536	/* the argv translation's bytes */
#define SG_ARGV_ENTRIES		1024	/* and arguments */
#define SG_ARG_MAX		131072	/* one argument, as the kernel allows (MAX_ARG_STRLEN) */
#define SG_ARGS_MAX		(8 << 20)	/* all of them: more than the kernel's 6 MiB */
#define SG_NONEXISTENT		"<non-existent filename>"

struct sg_syscall {
	uint64_t	 id;
	pid_t		 tid, tgid;
	int		 nr;
	uint64_t	 args[6];
	const char	*name;		/* the call's name; "unknown" when the table lacks it */
	const char	*alias;		/* fsread, fswrite or NULL */
	size_t		 ntargs;
	struct sg_targ	 targs[SG_TARGS_MAX];
	char		*values[SG_TARGS_MAX];	/* owned: the targs' values */

	/* The open family, which the supervisor performs itself. */
	int		 is_open;
	const char	*path;		/* the first path's name, or NULL */
	int		 path_error;	/* why it could not be resolved (an errno), or 0 */
	int		 path_own_fd;	/* it is the caller's nameless descriptor N, or -1 */
	struct stat	 path_st;	/* what resolving found there (sg_resolved): mode 0, not */
	int		 path_st_exact;	/* path_st is exactly what is there (sg_resolved) */
	int		 path_missing_exact;	/* its last name alone is missing (sg_resolved) */
	/* Every path argument (rename's two), for the calls performed in perform.c. */
	int		 npaths;
	const char	*paths[2];
	int		 path_errors[2];
	int		 path_empty[2];	/* "" with AT_EMPTY_PATH: the descriptor itself */
	int		 path_follows[2];	/* a link in the last component is followed */
	int		 path_dots[2];	/* its last component is "." (1) or ".." (2) */
	int		 path_args[2];	/* which argument each came from */
	/*
	 * A path that is a descriptor of the caller's (fchmod's, futimens' NULL, "" with
	 * AT_EMPTY_PATH): a copy of it, taken before it was named, so that the file decided on is
	 * the file acted on (perform.c); path_fd_only: the call acts on the descriptor itself.
	 */
	int		 path_copied[2];
	int		 path_copy[2];
	int		 path_fd[2];	/* the descriptor's number in the caller */
	int		 path_fd_only[2];
	int		 path_own_fds[2];	/* the caller's nameless descriptor each is, or -1 */
	/*
	 * The names acted on where a policy sees another (the caller's /proc/PID is its
	 * /proc/self): owned; paths[] and path point here then, else to the translations.
	 */
	char		*acting[2];
	int		 nacting;
	const char	*string;	/* the `string` translation (symlink's target), or NULL */
	/* The address decided on (connect, bind, sendto, sendmsg), as read, and its length. */
	int		 have_addr;
	int		 addr_unreadable;	/* an address (or msghdr) that could not be read */
	/*
	 * sendmmsg: each message's address as decided (named 0: none), at most
	 * SG_MESSAGES_MAX of them; messages_cut when the call gave more.
	 */
	unsigned	 nmessages;
	int		 messages_cut;
	struct sg_message_addr {
		int			 named;
		uint64_t		 len;
		struct sockaddr_storage	 addr;
	} messages[SG_MESSAGES_MAX];
	struct sockaddr_storage addr;
	uint64_t	 addrlen;
	int		 oflags;
	unsigned	 mode;
	uint64_t	 resolve;	/* openat2's RESOLVE_* */
	int		 is_exec;
	/*
	 * execve's arguments in full, each followed by its NUL, as /proc/PID/cmdline will read
	 * after the exec (owned), or NULL when they could not be read in full. argv_cut: the
	 * argv translation, at most SG_ARGV_ENTRIES and SG_ARGV_MAX, holds fewer than all of them.
	 */
	char		*argv_raw;
	size_t		 argv_rawlen;
	int		 argv_cut;
	int		 changes_ids;	/* set*id, setgroups, capset, umask, unshare, setns: re-read ids */
	int		 read_memory;	/* some translation came from the caller's memory */
};

/*
 * Fills c from the notification l->notif; names are resolved inside root (NULL: the caller's
 * root, read from /proc), descriptors copied through pidfd (the caller's process's, or -1).
 * -1 when the caller was found gone while its memory was read. What was read may still
 * belong to another process (a reused pid): see sg_mem_read.
 */
int	 sg_translate(const struct sg_listener *l, pid_t tgid, int pidfd, int no_aliases,
	    const char *root, struct sg_syscall *c);
/*
 * Fills what c's registers alone say: its name, numbers, open flags and alias, and no
 * translation. -1 when even the alias needs the caller's memory (openat2's flags).
 */
int	 sg_translate_registers(const struct sg_listener *l, pid_t tgid, int no_aliases,
	    struct sg_syscall *c);
void	 sg_syscall_free(struct sg_syscall *c);
/* The value of c's first translation called name, or NULL. */
const char *sg_syscall_value(const struct sg_syscall *c, const char *name);

/* Whether the supervisor knows how to translate this call (for the README and tests). */
int	 sg_translates(const char *name);

/*
 * Whether a call can change the caller's ids, groups, umask or capabilities (set*id,
 * setgroups, capset, umask; unshare and setns: another user namespace takes the capabilities,
 * credentials.c), after which they are read again before a call is performed with them.
 */
int	 sg_call_changes_ids(const char *name);

#endif /* SYSGATE_TRANSLATE_H */
