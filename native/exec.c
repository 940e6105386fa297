/*
 * An exec, from its decision to the program it ran. Before it is let through: what it will
 * run (sg_exec_target), the file decided on opened without following a link, or for a script
 * its interpreter, which becomes an execve decided of its own (sg_exec_as_interpreter); the
 * file and arguments are then pinned to the process (sg_exec_pin). At the process's next
 * notified call: another file or other arguments than pinned get it killed, else it takes on
 * its new executable's policy (sg_exec_check). The kernel reads execve's name again after
 * CONTINUE, and no call lets another process's execve be performed for it: so the check
 * comes after, before the new program's first notified call runs.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "exec.h"
#include "lineage.h"
#include "perform.h"
#include "record.h"
#include "resolve.h"

#define BINPRM_BUF	256	/* what the kernel reads of a file it runs */

/*
 * The first line of a script names its interpreter ("#!/bin/sh -e" is /bin/sh), as the
 * kernel's binfmt_script reads it from its NUL-padded buffer: the name ends at a space, a tab,
 * a newline or a NUL. -1 if not a script; -ENOEXEC for a line the kernel refuses too (no
 * name, or one cut by the end of the buffer), so that no line is left undecided.
 */
static int
interpreter_of(const char *head, size_t n, char *out, size_t size)
{
	char	 buf[BINPRM_BUF + 1];
	size_t	 i = 2, start;

	if (n < 2 || head[0] != '#' || head[1] != '!')
		return -1;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, head, n < BINPRM_BUF ? n : BINPRM_BUF);
	while (i < BINPRM_BUF && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	for (start = i; i < BINPRM_BUF && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
	    buf[i] != '\0'; i++)
		;
	if (i == start || i >= BINPRM_BUF - 1 || i - start >= size)
		return -ENOEXEC;
	memcpy(out, buf + start, i - start);
	out[i - start] = '\0';
	return 0;
}

/*
 * Whether binfmt_misc may run a file that is neither a program nor a script: one of its
 * formats is registered. Without any, the kernel refuses such a file (ENOEXEC).
 */
static int
binfmt_misc_in_use(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 used = 0;

	if ((d = opendir("/proc/sys/fs/binfmt_misc")) == NULL)
		return 0;
	while (!used && (e = readdir(d)) != NULL)
		used = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strcmp(e->d_name, "register") != 0 && strcmp(e->d_name, "status") != 0;
	closedir(d);
	return used;
}

static int
is_elf(const char *head, size_t n)
{
	return n >= 4 && memcmp(head, "\177ELF", 4) == 0;
}

/*
 * The first bytes of the file fd stands for (an O_PATH descriptor will do), and its stat.
 * The file is the program's to choose, so nothing here may wait on it: only a regular file
 * is read (the kernel runs nothing else: EACCES, as it says), reopened with O_NONBLOCK, so
 * that a lease the program holds on it makes the open fail at once (EAGAIN) instead of
 * waiting out the lease-break time. Its length, or 0 when it cannot be read (a supervisor
 * without the rights), or -errno.
 */
static ssize_t
read_head(int fd, struct stat *st, char *head, size_t size)
{
	char	 self[64];
	ssize_t	 n;
	int	 rd;

	if (fstat(fd, st) == -1)
		return -errno;
	if (!S_ISREG(st->st_mode))
		return -EACCES;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if ((rd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1)
		return errno == EWOULDBLOCK ? -EAGAIN : 0;
	n = pread(rd, head, size, 0);
	close(rd);
	return n < 0 ? 0 : n;
}

/*
 * A script's interpreter, named as it is written (as the kernel's binfmt_script reads it),
 * looked up as the caller's own exec will look it up: in its root, from its working
 * directory, links followed. It must be a program (ELF): an interpreter that is a script
 * itself, or a binary format the kernel hands elsewhere (binfmt_misc), is refused, since what
 * would then run cannot be decided on or foretold.
 */
static int
interpreter_target(const struct sg_syscall *c, const char *written, struct sg_exec_target *t)
{
	struct sg_resolve_in	 in;
	struct sg_resolved	 found;
	struct stat		 st;
	char			 head[BINPRM_BUF];
	ssize_t			 n;
	int			 fd, missing = 0;

	memset(&in, 0, sizeof(in));
	in.tgid = c->tgid;
	in.tid = c->tid;
	in.dirfd = SG_AT_FDCWD;
	in.path = written;
	in.follow = 1;
	if ((fd = sg_resolve(&in, t->interpreter, sizeof(t->interpreter), &missing,
	    &found)) < 0)
		return fd;
	if (missing)
		return -ENOENT;
	/* The caller's own /proc/PID, or a descriptor of its own: no name a rule can say. */
	if (found.own_fd >= 0 || found.proc_len > 0)
		return -EACCES;
	if ((fd = sg_open_pinned(t->interpreter, O_PATH)) < 0)
		return fd;
	n = read_head(fd, &st, head, sizeof(head));
	close(fd);
	/* Unread (leased, or not the supervisor's to read): the check after the exec says. */
	if (n == -EAGAIN)
		n = 0;
	if (n < 0)
		return (int)n;
	if (n > 0 && !is_elf(head, (size_t)n)) {
		t->nested = 1;
		return -EACCES;
	}
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	return 0;
}

int
sg_exec_target(const struct sg_syscall *c, int pidfd, struct sg_exec_target *t)
{
	char		 head[BINPRM_BUF], written[PATH_MAX];
	struct stat	 st;
	ssize_t		 n;
	int		 fd, rc;

	memset(t, 0, sizeof(*t));
	t->kind = SG_EXEC_UNKNOWN;
	if (c->npaths == 0)
		return 0;
	if (c->path_errors[0] != 0)
		return -c->path_errors[0];
	if ((fd = sg_perform_open(c, 0, pidfd)) < 0)
		return fd;
	/* What it starts with says what /proc/PID/exe will be after the exec. */
	n = read_head(fd, &st, head, sizeof(head));
	close(fd);
	if (n < 0)
		return (int)n;
	/* Unread (not the supervisor's to read): a script's interpreter could not read it either. */
	if (n == 0 || is_elf(head, (size_t)n)) {
		t->kind = SG_EXEC_PROGRAM;
		t->dev = st.st_dev;
		t->ino = st.st_ino;
		return 0;
	}
	if ((rc = interpreter_of(head, (size_t)n, written, sizeof(written))) == -1)
		return binfmt_misc_in_use() ? 0 : -ENOEXEC;
	if (rc < 0)
		return rc;
	t->kind = SG_EXEC_SCRIPT;
	return interpreter_target(c, written, t);
}

int
sg_exec_as_interpreter(struct sg_syscall *c, const struct sg_exec_target *t)
{
	size_t	 i;
	char	*name;

	for (i = 0; i < c->ntargs; i++)
		if (strcmp(c->targs[i].name, "filename") == 0 && c->targs[i].index == 0)
			break;
	if (i == c->ntargs || (name = strdup(t->interpreter)) == NULL)
		return -1;
	free(c->values[i]);
	c->values[i] = name;
	c->targs[i].value = name;
	c->path = name;
	c->paths[0] = name;
	return 0;
}

/*
 * A child forked after its ancestor's permitted execve took effect, but before that ancestor's
 * next notified call checked it, runs the new program: it takes on the check, which its own
 * first call (this one) makes, as the ancestor's will (sg_exec_check).
 */
void
sg_exec_inherit(struct sg_process *p, const struct sg_process *parent)
{
	if (!parent->exec_pending || (p->exe_dev == parent->exe_dev &&
	    p->exe_ino == parent->exe_ino))
		return;
	memcpy(p->exe, parent->exe, sizeof(p->exe));
	p->exe_dev = parent->exe_dev;
	p->exe_ino = parent->exe_ino;
	p->exec_pending = 1;
	p->exec_tid = 0;
	p->inherit_exec = parent->inherit_exec;
	p->exec_pinned = parent->exec_pinned;
	p->exec_dev = parent->exec_dev;
	p->exec_ino = parent->exec_ino;
	if (parent->exec_argv != NULL &&
	    (p->exec_argv = malloc(parent->exec_argvlen)) != NULL) {
		memcpy(p->exec_argv, parent->exec_argv, parent->exec_argvlen);
		p->exec_argvlen = parent->exec_argvlen;
	} else if (parent->exec_argv != NULL) {
		/* Unable to check the arguments: check that nothing ran at all. */
		p->exec_dev = 0;
		p->exec_ino = 0;
		p->exec_pinned = 1;
	}
}

void
sg_exec_forget(struct sg_process *p)
{
	p->exec_pinned = 0;
	free(p->exec_argv);
	p->exec_argv = NULL;
	p->exec_argvlen = 0;
}

/*
 * Whether the process's arguments (/proc/PID/cmdline, as the exec left them) are exactly
 * the len bytes of argv, each argument followed by its NUL; read in pieces, of any size.
 */
static int
same_arguments(pid_t pid, const char *argv, size_t len)
{
	char	 buf[65536], path[64];
	size_t	 at = 0;
	ssize_t	 got;
	int	 fd, same = 1;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	while (same && (got = read(fd, buf, sizeof(buf))) > 0) {
		if ((size_t)got > len - at || memcmp(buf, argv + at, (size_t)got) != 0)
			same = 0;
		at += (size_t)got;
	}
	close(fd);
	return same && got == 0 && at == len;
}

/*
 * After a permitted execve: the executable changed means the exec happened. The thread that
 * called execve coming back with the same executable means it failed (or ran the same file).
 * An exec decided on its name must have run the file decided on (sg_exec_pin): another one
 * (the name changed in memory after the check, a file swapped in) gets the process killed
 * before this, its first notified call, runs; -1 then.
 */
int
sg_exec_check(struct sg_supervisor *s, struct sg_process *p, pid_t tid)
{
	char	 exe[PATH_MAX];
	dev_t	 dev;
	ino_t	 ino;

	if (sg_exe_read(p->pid, exe, sizeof(exe), &dev, &ino) == -1)
		return 0;
	if (dev == p->exe_dev && ino == p->exe_ino) {
		if (tid == p->exec_tid) {
			p->exec_pending = 0;
			sg_exec_forget(p);
		}
		return 0;
	}
	p->exec_pending = 0;
	if (p->exec_pinned && (dev != p->exec_dev || ino != p->exec_ino ||
	    (p->exec_argv != NULL &&
	    !same_arguments(p->pid, p->exec_argv, p->exec_argvlen)))) {
		syslog(LOG_WARNING, "killed prog: %s, pid: %d, policy: %s: it ran another "
		    "program, or with other arguments, than its execve was permitted", exe,
		    (int)p->pid, p->policy_name);
		fprintf(stderr, "sysgate: killed %s (pid %d): it ran another program, or with "
		    "other arguments, than its execve was permitted\n", exe, (int)p->pid);
		kill(p->pid, SIGKILL);
		return -1;
	}
	sg_exec_forget(p);
	memcpy(p->exe, exe, sizeof(p->exe));
	p->exe_dev = dev;
	p->exe_ino = ino;
	p->ids_valid = 0;
	if (!(p->inherit_exec || s->opt->inherit) || p->policy_name[0] == '\0') {
		p->lost = 0;
		sg_give_policy(s, p, exe);
	}
	p->inherit_exec = 0;
	if (!p->lost)
		sg_runs_note(dev, ino, exe, p->policy_name);
	sg_send_process("exec", p);
	return 0;
}

/*
 * A permitted exec, about to be let through: the file t decided on (and a program's
 * arguments) is the one its process must be found running at its next notified call
 * (sg_exec_check), which then gives it its new policy, or keeps this one (inherit).
 */
void
sg_exec_pin(struct sg_process *p, struct sg_syscall *c, const struct sg_exec_target *t,
    int inherit)
{
	if (t != NULL && t->kind != SG_EXEC_UNKNOWN) {
		p->exec_pinned = 1;
		p->exec_dev = t->dev;
		p->exec_ino = t->ino;
		/* A program's own arguments; a script's are its interpreter's (not checked). */
		if (t->kind == SG_EXEC_PROGRAM && c->argv_raw != NULL) {
			p->exec_argv = c->argv_raw;
			p->exec_argvlen = c->argv_rawlen;
			c->argv_raw = NULL;
		}
	}
	p->exec_pending = 1;
	p->exec_tid = c->tid;
	p->inherit_exec = inherit;
	sg_note_exec(p);
}
