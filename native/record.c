/*
 * Building the frames of PROTOCOL.md from the supervisor's state. Nested values (args, argv)
 * are fields inside a field, written with the same writer.
 */

#include <sys/time.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "record.h"

#define ARGV_FIELDS	64
#define CMDLINE_MAX	(64 * 1024)

static struct sg_out out, nested;

/* `filename=…`, and `filename.1=…` for the second of a kind. */
static void
put_args(const struct sg_syscall *c)
{
	char	 key[64];
	size_t	 i;

	sg_out_reset(&nested);
	for (i = 0; i < c->ntargs; i++) {
		if (c->targs[i].index == 0)
			snprintf(key, sizeof(key), "%s", c->targs[i].name);
		else
			snprintf(key, sizeof(key), "%s.%u", c->targs[i].name, c->targs[i].index);
		sg_out_nested(&nested, key, c->targs[i].value, strlen(c->targs[i].value));
	}
	if (sg_out_ok(&nested))
		sg_out_field(&out, "args", nested.data, nested.len);
	else
		sg_out_str(&out, "args", "");
}

static void
put_call(const struct sg_process *p, const struct sg_syscall *c)
{
	sg_out_num(&out, "pid", p->pid);
	sg_out_num(&out, "ppid", p->ppid);
	sg_out_num(&out, "uid", p->st.euid);
	sg_out_num(&out, "gid", p->st.egid);
	sg_out_str(&out, "exe", p->exe);
	sg_out_str(&out, "policy", p->policy_name);
	sg_out_str(&out, "call", c->name);
	sg_out_num(&out, "nr", c->nr);
	sg_out_str(&out, "alias", c->alias ? c->alias : "");
	put_args(c);
}

static void
send_out(void)
{
	sg_out_end(&out);
	sg_control_send(&out);
}

/* The program's arguments from /proc/PID/cmdline, as fields 0=, 1=, ... */
static void
put_argv(pid_t pid)
{
	static char	 buf[CMDLINE_MAX];
	char		 path[64], key[16];
	int		 fd, i = 0;
	ssize_t		 n = 0, r;
	size_t		 pos = 0, len;

	sg_out_reset(&nested);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		while (n < (ssize_t)sizeof(buf) &&
		    (r = read(fd, buf + n, sizeof(buf) - (size_t)n)) > 0)
			n += r;
		close(fd);
	}
	while (pos < (size_t)n && i < ARGV_FIELDS) {
		len = strnlen(buf + pos, (size_t)n - pos);
		snprintf(key, sizeof(key), "%d", i++);
		sg_out_nested(&nested, key, buf + pos, len);
		pos += len + 1;
	}
	sg_out_field(&out, "argv", sg_out_ok(&nested) ? nested.data : "",
	    sg_out_ok(&nested) ? nested.len : 0);
}

void
sg_send_record(const struct sg_process *p, const struct sg_syscall *c,
    const struct sg_verdict *v)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	sg_out_verb(&out, "record");
	sg_out_num(&out, "time", (long long)tv.tv_sec * 1000000 + tv.tv_usec);
	put_call(p, c);
	put_argv(p->pid);
	sg_out_str(&out, "action", v->action);
	sg_out_num(&out, "errno", v->error);
	sg_out_str(&out, "by", v->by);
	sg_out_num(&out, "line", v->line);
	sg_out_num(&out, "col", v->col);
	sg_out_num(&out, "log", v->log);
	if (v->elevated) {
		char	 as[32];

		snprintf(as, sizeof(as), "%u:%u", v->as_uid, v->as_gid);
		sg_out_str(&out, "as", as);
	}
	send_out();
}

void
sg_send_ask(uint64_t qid, const struct sg_process *p, const struct sg_syscall *c)
{
	char	 link[64], cwd[PATH_MAX];
	ssize_t	 n;

	snprintf(link, sizeof(link), "/proc/%d/cwd", (int)c->tid);
	if ((n = readlink(link, cwd, sizeof(cwd) - 1)) == -1)
		n = 0;
	cwd[n] = '\0';
	sg_out_verb(&out, "ask");
	sg_out_num(&out, "id", (long long)qid);
	sg_out_num(&out, "tid", c->tid);
	put_call(p, c);
	sg_out_str(&out, "cwd", cwd);
	put_argv(p->pid);
	/* Identical questions are merged by the host, which sees them all. */
	sg_out_num(&out, "count", 1);
	send_out();
}

void
sg_send_cancel(uint64_t qid, const char *reason)
{
	sg_out_verb(&out, "cancel");
	sg_out_num(&out, "id", (long long)qid);
	sg_out_str(&out, "reason", reason);
	send_out();
}

void
sg_send_stats(unsigned long permitted, unsigned long denied, unsigned long asked)
{
	sg_out_verb(&out, "stats");
	sg_out_num(&out, "permitted", (long long)permitted);
	sg_out_num(&out, "denied", (long long)denied);
	sg_out_num(&out, "asked", (long long)asked);
	send_out();
}

void
sg_send_process(const char *event, const struct sg_process *p)
{
	sg_out_verb(&out, "process");
	sg_out_str(&out, "event", event);
	sg_out_num(&out, "pid", p->pid);
	sg_out_num(&out, "ppid", p->ppid);
	sg_out_str(&out, "exe", p->exe);
	sg_out_str(&out, "policy", p->policy_name);
	if (p->exited && p->status != -1)
		sg_out_num(&out, "status", p->status);
	send_out();
}

void
sg_send_need_policy(const struct sg_process *p, const char *path)
{
	sg_out_verb(&out, "need-policy");
	sg_out_num(&out, "pid", p->pid);
	sg_out_str(&out, "path", path);
	send_out();
}
