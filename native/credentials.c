/*
 * A call the supervisor performs for a program must meet the program's permissions, not the
 * supervisor's: a daemon that gave up root must not regain it through its supervisor. Linux
 * checks file access against the fsuid, fsgid and supplementary groups, and changing the
 * fsuid away from 0 also drops the file capabilities (CAP_DAC_OVERRIDE, ...) until it is set
 * back. glibc's setgroups() would signal every thread; the raw call changes this one only.
 */

#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credentials.h"

static int
parse_ids(const char *s, unsigned long *ids, int n)
{
	char	*end;
	int	 i;

	for (i = 0; i < n; i++) {
		errno = 0;
		ids[i] = strtoul(s, &end, 10);
		if (errno != 0 || end == s)
			return -1;
		s = end;
	}
	return 0;
}

static int
parse_groups(const char *s, struct sg_status *st)
{
	char		*end;
	unsigned long	 g;

	st->ngroups = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\n' || *s == '\0')
			return 0;
		errno = 0;
		g = strtoul(s, &end, 10);
		if (errno != 0 || end == s || st->ngroups == SG_GROUPS_MAX)
			return -1;
		st->groups[st->ngroups++] = (gid_t)g;
		s = end;
	}
}

static int
parse_line(const char *line, struct sg_status *st, int *seen)
{
	unsigned long	 v[4];

	if (strncmp(line, "Tgid:", 5) == 0 && parse_ids(line + 5, v, 1) == 0) {
		st->tgid = (pid_t)v[0];
		*seen |= 1;
	} else if (strncmp(line, "PPid:", 5) == 0 && parse_ids(line + 5, v, 1) == 0) {
		st->ppid = (pid_t)v[0];
		*seen |= 2;
	} else if (strncmp(line, "Uid:", 4) == 0 && parse_ids(line + 4, v, 4) == 0) {
		st->ruid = (uid_t)v[0];
		st->euid = (uid_t)v[1];
		st->suid = (uid_t)v[2];
		st->fsuid = (uid_t)v[3];
		*seen |= 4;
	} else if (strncmp(line, "Gid:", 4) == 0 && parse_ids(line + 4, v, 4) == 0) {
		st->rgid = (gid_t)v[0];
		st->egid = (gid_t)v[1];
		st->sgid = (gid_t)v[2];
		st->fsgid = (gid_t)v[3];
		*seen |= 8;
	} else if (strncmp(line, "Groups:", 7) == 0) {
		if (parse_groups(line + 7, st) == -1)
			return -1;
		*seen |= 16;
	} else if (strncmp(line, "CapEff:", 7) == 0) {
		st->cap_eff = strtoull(line + 7, NULL, 16);
	} else if (strncmp(line, "Umask:", 6) == 0) {
		st->umask = (mode_t)strtoul(line + 6, NULL, 8);
		*seen |= 32;
	}
	return 0;
}

/*
 * Whether thread tid is in the supervisor's own user namespace. Both are read through /proc
 * (the namespace's device and inode, as setns(2) compares them); a thread that is gone, or a
 * namespace that cannot be read, is not the same (failing closed).
 */
static int
same_user_namespace(pid_t tid)
{
	static struct stat	 mine;
	static int		 mine_known;
	struct stat		 st;
	char			 path[64];

	if (!mine_known) {
		if (stat("/proc/self/ns/user", &mine) == -1)
			return 0;
		mine_known = 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)tid);
	if (stat(path, &st) == -1)
		return 0;
	return st.st_dev == mine.st_dev && st.st_ino == mine.st_ino;
}

int
sg_status_read(pid_t tid, struct sg_status *st)
{
	char		 path[64], buf[8192], *line, *nl;
	int		 fd, seen = 0;
	ssize_t		 n, got = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (got < (ssize_t)sizeof(buf) - 1 &&
	    (n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	if (got <= 0)
		return -1;
	buf[got] = '\0';
	memset(st, 0, sizeof(*st));
	st->umask = 022;
	for (line = buf; line != NULL && *line != '\0'; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (parse_line(line, st, &seen) == -1)
			return -1;
	}
	/* Umask: appeared in Linux 4.7; everything else must be there. */
	if ((seen & 31) != 31)
		return -1;
	/*
	 * CapEff is relative to the thread's own user namespace: one that made a namespace of
	 * its own has every capability there, and none over the machine's files, ports and
	 * devices, which belong to the namespace above. It has none here, then: what it may do
	 * to what its own namespaces own is not the supervisor's to judge (failing closed).
	 */
	if (st->cap_eff != 0 && !same_user_namespace(tid))
		st->cap_eff = 0;
	return 0;
}

static int
fsuid_now(void)
{
	/* An invalid id changes nothing and returns the current one. */
	return (int)syscall(SYS_setfsuid, -1);
}

static int
fsgid_now(void)
{
	return (int)syscall(SYS_setfsgid, -1);
}

/* This thread's own fsuid, fsgid and groups: they never change but for a call's length. */
static _Thread_local struct {
	int	 known;
	uid_t	 fsuid;
	gid_t	 fsgid;
	gid_t	 groups[SG_GROUPS_MAX];
	int	 ngroups;
	struct __user_cap_data_struct caps[2];
	uint64_t cap_eff;
	int	 narrowed;	/* a caller's effective set is this thread's now */
	uint64_t narrow_eff;	/* and this is it */
} own;

/* This thread's capability sets (effective, permitted, inheritable), 64 bits each. */
static int
caps_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct	 h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &h, data);
}

static uint64_t
effective_of(const struct __user_cap_data_struct data[2])
{
	return (uint64_t)data[0].effective | (uint64_t)data[1].effective << 32;
}

/* Makes this thread's effective set eff (a subset of its permitted set, own.caps's). */
static int
caps_set_effective(uint64_t eff)
{
	struct __user_cap_header_struct	 h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	 data[2];

	memcpy(data, own.caps, sizeof(data));
	data[0].effective = (uint32_t)eff;
	data[1].effective = (uint32_t)(eff >> 32);
	return syscall(SYS_capset, &h, data) == -1 ? -1 : 0;
}

static int
own_creds(void)
{
	int	 n;

	if (own.known)
		return 0;
	if ((n = getgroups(SG_GROUPS_MAX, own.groups)) == -1)
		return -1;
	own.ngroups = n;
	if (caps_get(own.caps) == -1)
		return -1;
	own.cap_eff = effective_of(own.caps);
	own.fsuid = (uid_t)fsuid_now();
	own.fsgid = (gid_t)fsgid_now();
	own.known = 1;
	return 0;
}

static int
same_groups(const struct sg_status *st, const struct sg_saved_creds *saved)
{
	return st->ngroups == saved->ngroups &&
	    memcmp(st->groups, saved->groups, (size_t)st->ngroups * sizeof(gid_t)) == 0;
}

int
sg_creds_assume(const struct sg_status *st, int creating, struct sg_saved_creds *saved)
{
	memset(saved, 0, sizeof(*saved));
	if (own_creds() == -1)
		return -1;
	saved->fsuid = own.fsuid;
	saved->fsgid = own.fsgid;
	saved->ngroups = own.ngroups;
	memcpy(saved->groups, own.groups, (size_t)own.ngroups * sizeof(gid_t));
	if (creating) {
		saved->umask = umask(st->umask);
		saved->umask_changed = 1;
	}
	/* Groups and gid first: changing them needs the capabilities fsuid 0 keeps. */
	if (!same_groups(st, saved)) {
		saved->groups_changed = 1;
		if (syscall(SYS_setgroups, (size_t)st->ngroups, st->groups) == -1)
			return -1;
	}
	if (st->fsgid != saved->fsgid) {
		saved->fsgid_changed = 1;
		syscall(SYS_setfsgid, st->fsgid);
		if ((gid_t)fsgid_now() != st->fsgid)
			return -1;
	}
	if (st->fsuid != saved->fsuid) {
		saved->fsuid_changed = 1;
		syscall(SYS_setfsuid, st->fsuid);
		if ((uid_t)fsuid_now() != st->fsuid)
			return -1;
	}
	/*
	 * A change of fsuid drops the file capabilities only; the others (CAP_SYS_ADMIN for
	 * trusted.* attributes, CAP_SETFCAP for security.capability, ...) would stay the
	 * supervisor's. The call gets the caller's effective set, or less.
	 */
	if ((own.cap_eff & ~st->cap_eff) != 0) {
		saved->caps_changed = 1;
		own.narrowed = 1;
		own.narrow_eff = own.cap_eff & st->cap_eff;
		if (caps_set_effective(own.narrow_eff) == -1)
			return -1;
	}
	return 0;
}

int
sg_creds_lift(void)
{
	if (!own.narrowed)
		return 0;
	return caps_set_effective(own.cap_eff) == 0 ? 1 : 0;
}

int
sg_creds_lower(int lifted)
{
	if (!lifted)
		return 0;
	return caps_set_effective(own.narrow_eff);
}

int
sg_creds_are_own(const struct sg_status *st)
{
	return own_creds() == 0 && st->ngroups == own.ngroups &&
	    memcmp(st->groups, own.groups, (size_t)st->ngroups * sizeof(gid_t)) == 0 &&
	    st->fsgid == own.fsgid && st->fsuid == own.fsuid && (own.cap_eff & ~st->cap_eff) == 0;
}

int
sg_creds_restore(const struct sg_saved_creds *saved)
{
	int	 rc = 0;

	/* First: changing the ids back needs CAP_SETUID and CAP_SETGID. */
	if (saved->caps_changed && caps_set_effective(own.cap_eff) == -1)
		rc = -1;
	if (saved->caps_changed)
		own.narrowed = 0;
	if (saved->fsuid_changed) {
		syscall(SYS_setfsuid, saved->fsuid);
		if ((uid_t)fsuid_now() != saved->fsuid)
			rc = -1;
	}
	if (saved->fsgid_changed) {
		syscall(SYS_setfsgid, saved->fsgid);
		if ((gid_t)fsgid_now() != saved->fsgid)
			rc = -1;
	}
	if (saved->groups_changed &&
	    syscall(SYS_setgroups, (size_t)saved->ngroups, saved->groups) == -1)
		rc = -1;
	if (saved->umask_changed)
		umask(saved->umask);
	return rc;
}

void
sg_creds_as(const struct sg_status *caller, uid_t uid, gid_t gid, struct sg_status *as)
{
	*as = *caller;
	as->ruid = as->euid = as->suid = as->fsuid = uid;
	as->rgid = as->egid = as->sgid = as->fsgid = gid;
	as->groups[0] = gid;
	as->ngroups = 1;
	/* sg_creds_assume keeps what the supervisor has of these: all of root's, or none. */
	as->cap_eff = uid == 0 ? ~(uint64_t)0 : 0;
}

static int
become_groups(uid_t uid, gid_t gid)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[4096];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
		return initgroups(res->pw_name, gid);
	return setgroups(1, &gid);
}

int
sg_creds_become(uid_t uid, gid_t gid, const char **what)
{
	uid_t	 ruid, euid, suid;
	gid_t	 rgid, egid, sgid;

	/* Groups and gid first: changing them needs the privilege the uid is about to lose. */
	*what = "setgroups";
	if (become_groups(uid, gid) == -1)
		return -1;
	*what = "setresgid";
	if (setresgid(gid, gid, gid) == -1)
		return -1;
	*what = "setresuid";
	if (setresuid(uid, uid, uid) == -1)
		return -1;
	*what = "checking the new ids";
	if (getresuid(&ruid, &euid, &suid) == -1 || getresgid(&rgid, &egid, &sgid) == -1)
		return -1;
	if (ruid != uid || euid != uid || suid != uid || rgid != gid || egid != gid ||
	    sgid != gid || (uid_t)syscall(SYS_setfsuid, -1) != uid ||
	    (gid_t)syscall(SYS_setfsgid, -1) != gid) {
		errno = EPERM;
		return -1;
	}
	/* A uid other than 0 must not be able to become root again. */
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		*what = "dropping root for good";
		errno = EPERM;
		return -1;
	}
	return 0;
}
