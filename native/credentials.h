/*
 * What /proc/TID/status says about a caller (its process, parent, ids, groups, umask), and
 * taking on its file-system credentials for a call performed on its behalf.
 */

#ifndef SYSGATE_CREDENTIALS_H
#define SYSGATE_CREDENTIALS_H

#include <stdint.h>
#include <sys/types.h>

#define SG_GROUPS_MAX	256

struct sg_status {
	pid_t	 tgid, ppid;
	uid_t	 ruid, euid, suid, fsuid;
	gid_t	 rgid, egid, sgid, fsgid;
	gid_t	 groups[SG_GROUPS_MAX];
	int	 ngroups;
	mode_t	 umask;
	uint64_t cap_eff;	/* its effective capabilities (CapEff), none outside our user ns */
};

/* Reads /proc/TID/status; -1 when the thread is gone or the file cannot be read. */
int	 sg_status_read(pid_t tid, struct sg_status *st);

struct sg_saved_creds {
	uid_t	 fsuid;
	gid_t	 fsgid;
	gid_t	 groups[SG_GROUPS_MAX];
	int	 ngroups;
	mode_t	 umask;
	int	 fsuid_changed, fsgid_changed, groups_changed, umask_changed, caps_changed;
};

/*
 * Takes on the caller's fsuid, fsgid and groups (what differs from the supervisor's own), no
 * more effective capabilities than the caller has, and its umask when the call creates a file, on this thread only (raw system calls; the
 * supervisor's threads take turns). -1 when any of it fails: the caller's call must then
 * fail, never run with the supervisor's own credentials.
 */
int	 sg_creds_assume(const struct sg_status *st, int creating, struct sg_saved_creds *saved);
/* Gives them back; -1 is fatal for the supervisor. */
int	 sg_creds_restore(const struct sg_saved_creds *saved);
/*
 * Between the two: the supervisor's own effective capabilities back for a moment (1 when
 * they were narrowed, and are back), then the caller's again (sg_creds_lower with what
 * sg_creds_lift returned; -1 is fatal). Reading and writing a caller's memory needs
 * CAP_SYS_PTRACE (intercept.c, sg_mem_read), which a call performed for a program that is
 * not dumpable, or in a user namespace of its own, must not lose: nothing else is made
 * meanwhile.
 */
int	 sg_creds_lift(void);
int	 sg_creds_lower(int lifted);
/*
 * Whether sg_creds_assume would change nothing but the umask: the caller's fsuid, fsgid and
 * groups are the supervisor's own, and it has every effective capability the supervisor has.
 */
int	 sg_creds_are_own(const struct sg_status *st);

/*
 * The status a rule's `as uid:gid` performs its call with (decide.c): every id uid or gid, the
 * group gid alone, the caller's umask, and every capability the supervisor has for uid 0
 * (none for another uid: it is that user's call, with that user's permissions).
 */
void	 sg_creds_as(const struct sg_status *caller, uid_t uid, gid_t gid, struct sg_status *as);

/*
 * Makes the calling process uid:gid for good (`--run-as`), before the command runs: the
 * user's supplementary groups (initgroups by the user's name, or just gid for a uid without
 * one), then the gid, then the uid, each checked, and that root cannot be taken back. On
 * failure returns -1 with errno set and what failed in *what.
 */
int	 sg_creds_become(uid_t uid, gid_t gid, const char **what);

#endif /* SYSGATE_CREDENTIALS_H */
