/*
 * The counters behind the host's statistics (PROTOCOL.md, `count`). A decision record costs
 * a frame, /proc/PID/cmdline and the history's row; a count costs a hash and an increment, so
 * every decided call is counted, permitted ones too, and the host learns of them every
 * SG_COUNTS_FLUSH_MS in one burst of frames, one per (program, policy, call, action, by,
 * rule) that occurred since the last one.
 *
 * What the kernel's filter allows (the baseline, and under -K the calls it lets through)
 * never reaches the supervisor and is never counted: nothing here pretends otherwise.
 *
 * Without a host yet (a run from a plan, PROTOCOL.md), the table keeps counting and is sent
 * when a host has started: a `count` alone never starts one. Rows that do not fit then are
 * dropped, and said as one row of call `?` (the count of calls not itemised).
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "counts.h"
#include "hash.h"
#include "protocol.h"

/* A power of two, twice the rows that make a flush: probing stays short. */
#define SLOTS		(2 * SG_COUNTS_FLUSH_ROWS)
#define CALL_MAX	40

struct row {
	uint64_t	 hash;
	char		*exe, *policy;
	char		 call[CALL_MAX];
	const char	*action, *by;	/* string literals of decide.c */
	unsigned	 line, col;
	unsigned long	 n;
};

static struct row	 rows[SLOTS];
static size_t		 used;
static unsigned long	 dropped;	/* calls of rows that did not fit, while hostless */
static struct timespec	 last_flush;
static struct sg_out	 out;
static char		 self[PATH_MAX];	/* the supervisor's own executable */

/*
 * The program a count is of. A command's process runs the supervisor's own code (or the
 * front door's) until its execve of the command: those few calls are the command's.
 */
static const char *
program_of(const struct sg_process *p)
{
	ssize_t	 n;

	if (self[0] == '\0') {
		if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
			n = 0;
		self[n] = '\0';
		if (n == 0)
			self[0] = '/';	/* no path is "/": nothing matches */
	}
	return strcmp(p->exe, self) == 0 ? p->policy_name : p->exe;
}

/*
 * The hash of a program and its policy: two paths hashed a byte at a time cost most of a
 * count, and calls come in runs from one program, so the last one's is kept (comparing the
 * paths costs a fraction of hashing them).
 */
static uint64_t
program_hash(const char *exe, const char *policy)
{
	static char	 last_exe[PATH_MAX], last_policy[PATH_MAX];
	static uint64_t	 last_hash;
	size_t		 ne, np;

	if (last_exe[0] != '\0' && strcmp(exe, last_exe) == 0 &&
	    strcmp(policy, last_policy) == 0)
		return last_hash;
	ne = strlen(exe) + 1;
	np = strlen(policy) + 1;
	last_hash = sg_hash_more(sg_hash_more(SG_HASH_START, exe, ne), policy, np);
	if (ne <= sizeof(last_exe) && np <= sizeof(last_policy)) {
		memcpy(last_exe, exe, ne);
		memcpy(last_policy, policy, np);
	} else
		last_exe[0] = '\0';
	return last_hash;
}

static uint64_t
key_hash(const struct sg_process *p, const char *exe, const char *call, const char *action,
    const char *by, unsigned line, unsigned col)
{
	uint64_t	 h;
	unsigned	 pos[2] = { line, col };

	h = program_hash(exe, p->policy_name);
	h = sg_hash_more(h, call, strlen(call) + 1);
	h = sg_hash_more(h, action, 1);
	h = sg_hash_more(h, by, strlen(by) + 1);
	return sg_hash_more(h, (const char *)pos, sizeof(pos));
}

static int
same(const struct row *r, uint64_t h, const struct sg_process *p, const char *exe,
    const char *call, const char *action, const char *by, unsigned line, unsigned col)
{
	return r->hash == h && r->line == line && r->col == col &&
	    strcmp(r->action, action) == 0 && strcmp(r->by, by) == 0 &&
	    strcmp(r->call, call) == 0 && strcmp(r->exe, exe) == 0 &&
	    strcmp(r->policy, p->policy_name) == 0;
}

void
sg_count(const struct sg_process *p, const struct sg_syscall *c, const char *action,
    const char *by, unsigned line, unsigned col)
{
	uint64_t	 h;
	size_t		 i;
	struct row	*r;
	const char	*call = c->name != NULL ? c->name : "unknown";
	const char	*exe = program_of(p);

	h = key_hash(p, exe, call, action, by, line, col);
	for (i = h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
		r = &rows[i];
		if (r->n == 0)
			break;
		if (same(r, h, p, exe, call, action, by, line, col)) {
			r->n++;
			return;
		}
	}
	/* A new row: flush first when the table is full enough (never while hostless). */
	if (used >= SG_COUNTS_FLUSH_ROWS) {
		if (sg_control_hostless() || used >= SLOTS - 1) {
			dropped++;
			return;
		}
		sg_counts_flush();
		sg_count(p, c, action, by, line, col);
		return;
	}
	if ((r->exe = strdup(exe)) == NULL ||
	    (r->policy = strdup(p->policy_name)) == NULL) {
		free(r->exe);
		r->exe = NULL;
		dropped++;
		return;
	}
	r->hash = h;
	snprintf(r->call, sizeof(r->call), "%s", call);
	r->action = action;
	r->by = by;
	r->line = line;
	r->col = col;
	r->n = 1;
	used++;
}

static void
send_row(long long time, const char *exe, const char *policy, const char *call,
    const char *action, const char *by, unsigned line, unsigned col, unsigned long n)
{
	sg_out_verb(&out, "count");
	sg_out_num(&out, "time", time);
	sg_out_str(&out, "exe", exe);
	sg_out_str(&out, "policy", policy);
	sg_out_str(&out, "call", call);
	sg_out_str(&out, "action", action);
	sg_out_str(&out, "by", by);
	sg_out_num(&out, "line", line);
	sg_out_num(&out, "col", col);
	sg_out_num(&out, "n", (long long)n);
	sg_out_end(&out);
	sg_control_send(&out);
}

void
sg_counts_flush(void)
{
	struct timeval	 tv;
	long long	 now;
	size_t		 i;

	clock_gettime(CLOCK_MONOTONIC, &last_flush);
	/* Kept until a host can read them; what a lost host never reads is not worth keeping. */
	if (sg_control_hostless() || (used == 0 && dropped == 0))
		return;
	gettimeofday(&tv, NULL);
	now = (long long)tv.tv_sec * 1000000 + tv.tv_usec;
	for (i = 0; i < SLOTS; i++) {
		if (rows[i].n == 0)
			continue;
		if (!sg_control_lost())
			send_row(now, rows[i].exe, rows[i].policy, rows[i].call,
			    rows[i].action, rows[i].by, rows[i].line, rows[i].col, rows[i].n);
		free(rows[i].exe);
		free(rows[i].policy);
		memset(&rows[i], 0, sizeof(rows[i]));
	}
	if (dropped > 0 && !sg_control_lost())
		send_row(now, "?", "?", "?", "permit", "default", 0, 0, dropped);
	used = 0;
	dropped = 0;
}

int
sg_counts_due(void)
{
	struct timespec	 now;
	long long	 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - last_flush.tv_sec) * 1000LL +
	    (now.tv_nsec - last_flush.tv_nsec) / 1000000;
	return ms >= SG_COUNTS_FLUSH_MS;
}
