/*
 * Turning a caller's path argument into the absolute, normalised name a policy sees: relative
 * to its working directory or directory descriptor, inside its root, symbolic links resolved
 * (the last one only where the call follows it).
 */

#ifndef SYSGATE_RESOLVE_H
#define SYSGATE_RESOLVE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define SG_AT_FDCWD	(-100)

struct sg_resolve_in {
	pid_t		 tgid;		/* for /proc/self */
	pid_t		 tid;		/* whose cwd, root and descriptors */
	int		 dirfd;		/* SG_AT_FDCWD or a descriptor of the caller */
	const char	*path;
	int		 follow;	/* follow a symbolic link in the last component */
	int		 empty_ok;	/* AT_EMPTY_PATH: "" names dirfd itself */
	const char	*root;		/* NULL: the caller's root, read from /proc; else this */
	int		 eager;		/* the call wants the name's stat (resolved.st_exact) */
};

/* What else a resolution found (out, for sg_resolve's callers that want it). */
struct sg_resolved {
	/*
	 * The name is the caller's own descriptor own_fd (its /proc/PID/fd/N, followed), whose
	 * link leads to no name (a pipe, a socket, an anonymous inode, a file with no link
	 * left: "pipe:[N]", "/tmp/#123 (deleted)"); -1 otherwise.
	 */
	int		 own_fd;
	/*
	 * What lstat found at the name when its last component, the last one looked up, is no
	 * link (without mounting an automount point there); st_mode 0 when not known (a
	 * missing name, one ending in "." or "..", the caller's own descriptor). Seen with the
	 * supervisor's credentials, before the decision, through whatever a directory on the
	 * way has become since the walk looked at it: only a hint (open.c's way_of), never an
	 * answer to give the caller.
	 */
	struct stat	 st;
	/*
	 * st is exactly what is at the name: the stat of a descriptor opened on it with no link
	 * on the way (RESOLVE_NO_SYMLINKS), with the supervisor's credentials, and no automount
	 * point (which the caller's own stat would have mounted).
	 */
	int		 st_exact;
	/*
	 * The last component is missing, and nothing else is: its directory was found with no
	 * link on its way (RESOLVE_NO_SYMLINKS), with the supervisor's credentials.
	 */
	int		 missing_exact;
	/*
	 * The name's first proc_len bytes are the caller's own /proc/PID (or its thread's
	 * /proc/PID/task/TID, /proc/TID), which a policy sees as proc_as: "/proc/self" or
	 * "/proc/thread-self"; 0 when the name is not in there.
	 */
	size_t		 proc_len;
	const char	*proc_as;
};

/*
 * Writes the name to out; 0 on success (the last component may not exist: `missing` says),
 * or -errno: the error the kernel would most likely give (ENOENT, ENOTDIR, ELOOP, ...).
 * The name is the one to act on; `found` (may be NULL) says how a policy sees it.
 */
int	 sg_resolve(const struct sg_resolve_in *in, char *out, size_t outsize, int *missing,
	    struct sg_resolved *found);

/* Whether descriptor fd (of this process) leads to no name: see own_fd above. */
int	 sg_nameless(int fd);

/* Where the caller's descriptor points (readlink of /proc/TID/fd/N), or -errno. */
int	 sg_fd_path(pid_t tid, int fd, char *out, size_t outsize);

#endif /* SYSGATE_RESOLVE_H */
