/*
 * The process table. A notification names a thread; its process is looked up once in
 * /proc/TID/status and remembered. Exited processes stay a while as possible parents: a
 * child's first notification may come after its parent is gone, and it inherits the
 * parent's policy.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "process.h"

#define BUCKETS		1024
#define EXITED_KEEP	1024

static struct sg_process *table[BUCKETS];
static size_t nexited, nlive;

struct tid_entry {
	pid_t		 tid, tgid;
	int		 root_slash;	/* 1: its root is "/"; 0: not known */
	struct tid_entry *next;
};
static struct tid_entry *tids[BUCKETS];
static int roots_unsettled;

static unsigned
bucket(pid_t pid)
{
	return (unsigned)pid % BUCKETS;
}

struct sg_process *
sg_process_find(pid_t pid)
{
	struct sg_process *p;

	for (p = table[bucket(pid)]; p != NULL; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

struct sg_process *
sg_process_add(pid_t pid, pid_t ppid)
{
	struct sg_process *p, *next;

	if ((p = sg_process_find(pid)) != NULL) {
		/* A pid reused after an exit we saw: the old entry is history. */
		if (!p->exited)
			return p;
		next = p->next;
		free(p->exec_argv);
		memset(p, 0, sizeof(*p));
		p->next = next;
		nexited--;
	} else {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return NULL;
		p->next = table[bucket(pid)];
		table[bucket(pid)] = p;
	}
	p->pid = pid;
	p->ppid = ppid;
	p->pidfd = -1;
	p->status = -1;
	nlive++;
	return p;
}

static void
mark_counts(void)
{
	size_t	 i;
	struct sg_process *p;

	nexited = nlive = 0;
	for (i = 0; i < BUCKETS; i++)
		for (p = table[i]; p != NULL; p = p->next) {
			if (p->exited)
				nexited++;
			else
				nlive++;
		}
}

void
sg_process_prune(void)
{
	size_t		 i;
	struct sg_process **pp, *p;

	mark_counts();
	if (nexited <= EXITED_KEEP)
		return;
	for (i = 0; i < BUCKETS; i++) {
		for (pp = &table[i]; (p = *pp) != NULL;) {
			if (p->exited) {
				*pp = p->next;
				free(p->exec_argv);
				free(p);
			} else {
				pp = &p->next;
			}
		}
	}
	nexited = 0;
}

void
sg_process_each(void (*fn)(struct sg_process *, void *), void *arg)
{
	size_t		 i;
	struct sg_process *p;

	for (i = 0; i < BUCKETS; i++)
		for (p = table[i]; p != NULL; p = p->next)
			if (!p->exited)
				fn(p, arg);
}

size_t
sg_process_live(void)
{
	mark_counts();
	return nlive;
}

static int
thread_of(pid_t tgid, pid_t tid)
{
	char		 path[64];
	struct stat	 st;

	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)tgid, (int)tid);
	return stat(path, &st) == 0;
}

pid_t
sg_tid_process(pid_t tid, struct sg_status *st, int *fresh)
{
	struct tid_entry *t;

	*fresh = 0;
	for (t = tids[bucket(tid)]; t != NULL; t = t->next) {
		if (t->tid != tid)
			continue;
		/* A thread's number can be reused by another process once it ends. */
		if (t->tgid == tid || thread_of(t->tgid, tid))
			return t->tgid;
		break;
	}
	if (sg_status_read(tid, st) == -1)
		return -1;
	*fresh = 1;
	if (t == NULL) {
		if ((t = calloc(1, sizeof(*t))) == NULL)
			return st->tgid;
		t->next = tids[bucket(tid)];
		tids[bucket(tid)] = t;
	}
	t->tid = tid;
	t->tgid = st->tgid;
	t->root_slash = 0;
	return st->tgid;
}

int
sg_tid_root_is_slash(pid_t tid)
{
	struct tid_entry *t;
	char		 path[64], root[2];

	for (t = tids[bucket(tid)]; t != NULL && t->tid != tid; t = t->next)
		;
	if (t != NULL && t->root_slash && !roots_unsettled)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)tid);
	/* "/" reads as one byte; anything longer is another root. */
	if (readlink(path, root, sizeof(root)) != 1 || root[0] != '/')
		return 0;
	if (t != NULL)
		t->root_slash = 1;
	return 1;
}

void
sg_roots_changed(void)
{
	/*
	 * For good: the call takes effect only after its answer, when another thread sharing the
	 * root may already have read it again. Programs that change roots read it every time.
	 */
	roots_unsettled = 1;
}

void
sg_tid_forget(pid_t tgid)
{
	size_t		 i;
	struct tid_entry **tp, *t;

	for (i = 0; i < BUCKETS; i++) {
		for (tp = &tids[i]; (t = *tp) != NULL;) {
			if (t->tgid == tgid) {
				*tp = t->next;
				free(t);
			} else {
				tp = &t->next;
			}
		}
	}
}

int
sg_exe_read(pid_t pid, char *path, size_t size, dev_t *dev, ino_t *ino)
{
	char		 link[64];
	struct stat	 st;
	ssize_t		 n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	if (stat(link, &st) == -1)
		return -1;
	*dev = st.st_dev;
	*ino = st.st_ino;
	if ((n = readlink(link, path, size - 1)) == -1)
		return -1;
	path[n] = '\0';
	return 0;
}
