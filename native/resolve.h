/*
 * Turning a caller's path argument into the absolute, normalised name a policy sees: relative
 * to its working directory or directory descriptor, inside its root, symbolic links resolved
 * (the last one only where the call follows it).
 */

#ifndef SYSGATE_RESOLVE_H
#define SYSGATE_RESOLVE_H

#include <stddef.h>
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
};

/*
 * Writes the name to out; 0 on success (the last component may not exist: `missing` says),
 * or -errno: the error the kernel would most likely give (ENOENT, ENOTDIR, ELOOP, ...).
 */
int	 sg_resolve(const struct sg_resolve_in *in, char *out, size_t outsize, int *missing);

/* Where the caller's descriptor points (readlink of /proc/TID/fd/N), or -errno. */
int	 sg_fd_path(pid_t tid, int fd, char *out, size_t outsize);

#endif /* SYSGATE_RESOLVE_H */
