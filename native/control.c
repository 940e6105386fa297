/*
 * The host end. Writes are non-blocking and queued: a question must never wait for the host
 * to read, or one slow host would stall every traced thread. A host that lets the queue grow
 * past its bound is treated as gone, which fails closed.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"

#define QUEUE_MAX	(64 * 1024 * 1024)
/* Without a host, frames wait for one; past this much the host is started to take them. */
#define HOSTLESS_MAX	(1024 * 1024)
#define READ_CHUNK	65536

static int cfd = -1;
static int lost;
static char *queue;
static size_t qlen, qcap;
static struct sg_reader reader;
/* A run from a plan: who starts the host, until it is started. */
static void (*start_host)(const char *, void *);
static void *start_arg;
/* A plan's preamble: where its errors go instead of to a host. */
static void (*error_sink)(const char *, void *);
static void *error_arg;

int
sg_control_open(int fd)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return -1;
	/* The traced command must not inherit the host's socket. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return -1;
	cfd = fd;
	sg_reader_init(&reader);
	return 0;
}

void
sg_control_close(void)
{
	if (cfd != -1)
		close(cfd);
	cfd = -1;
	lost = 1;
	qlen = 0;
}

int
sg_control_fd(void)
{
	return cfd;
}

int
sg_control_lost(void)
{
	return lost;
}

int
sg_control_hostless(void)
{
	return start_host != NULL;
}

void
sg_control_await_host(void (*start)(const char *verb, void *arg), void *arg)
{
	start_host = start;
	start_arg = arg;
}

void
sg_control_errors_to(void (*sink)(const char *message, void *arg), void *arg)
{
	error_sink = sink;
	error_arg = arg;
}

/* The frames only a host can deal with (PROTOCOL.md, "Run plans"). */
static int
needs_host(const char *verb)
{
	return strcmp(verb, "ask") == 0 || strcmp(verb, "record") == 0 ||
	    strcmp(verb, "need-policy") == 0 || strcmp(verb, "cancel") == 0 ||
	    strcmp(verb, "error") == 0;
}

/* Starts the host for the frame o, if it is time to. */
static void
host_for(const struct sg_out *o)
{
	char	 verb[SG_VERB_MAX + 1];
	size_t	 n;
	void	(*start)(const char *, void *) = start_host;

	for (n = 0; n < o->len && n < SG_VERB_MAX; n++) {
		if (o->data[n] == ' ' || o->data[n] == '\n')
			break;
		verb[n] = o->data[n];
	}
	verb[n] = '\0';
	if (!needs_host(verb) && qlen + o->len <= HOSTLESS_MAX)
		return;
	start_host = NULL;
	start(verb, start_arg);
}

static void
set_lost(void)
{
	lost = 1;
	qlen = 0;
}

void
sg_control_flush(void)
{
	ssize_t	 n;

	while (!lost && qlen > 0) {
		n = write(cfd, queue, qlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			set_lost();
			return;
		}
		memmove(queue, queue + n, qlen - (size_t)n);
		qlen -= (size_t)n;
	}
}

void
sg_control_send(struct sg_out *o)
{
	size_t	 ncap;
	char	*nq;

	if (lost || !sg_out_ok(o))
		return;
	if (start_host != NULL)
		host_for(o);
	if (qlen + o->len > QUEUE_MAX) {
		set_lost();
		return;
	}
	if (qlen + o->len > qcap) {
		ncap = qcap ? qcap : 65536;
		while (ncap < qlen + o->len)
			ncap *= 2;
		if ((nq = realloc(queue, ncap)) == NULL) {
			set_lost();
			return;
		}
		queue = nq;
		qcap = ncap;
	}
	memcpy(queue + qlen, o->data, o->len);
	qlen += o->len;
	sg_control_flush();
}

int
sg_control_has_output(void)
{
	return !lost && qlen > 0;
}

void
sg_control_drain(int timeout_ms)
{
	struct pollfd	 pfd;

	/* No host was started: nobody will read what waits. */
	if (start_host != NULL)
		return;
	while (!lost && qlen > 0) {
		pfd.fd = cfd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return;
		sg_control_flush();
	}
}

void
sg_control_error(const char *message, unsigned long long offset)
{
	struct sg_out	 o;

	if (error_sink != NULL) {
		error_sink(message, error_arg);
		return;
	}
	sg_out_init(&o);
	sg_out_verb(&o, "error");
	sg_out_str(&o, "message", message);
	sg_out_num(&o, "offset", (long long)offset);
	sg_out_end(&o);
	sg_control_send(&o);
	sg_out_free(&o);
}

int
sg_control_read(void (*on_frame)(const struct sg_frame *, void *), void *arg)
{
	static struct sg_frame	 f;
	static char		 buf[READ_CHUNK];
	struct sg_parse_error	 err;
	unsigned long long	 off = 0;
	enum sg_parse		 res;
	ssize_t			 n;

	if (lost)
		return -1;
	for (;;) {
		n = read(cfd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0 || sg_reader_feed(&reader, buf, (size_t)n) == -1) {
			set_lost();
			return -1;
		}
		while ((res = sg_reader_next(&reader, &f, &err, &off)) != SG_PARSE_MORE) {
			if (res == SG_PARSE_ERROR)
				sg_control_error(err.expected, off);
			else
				on_frame(&f, arg);
		}
		if ((size_t)n < sizeof(buf))
			return 0;
	}
}
