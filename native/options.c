/*
 * Options, long and short, in the order the host passes them; `--` ends them. Written out
 * by hand rather than with getopt_long so that `--mode=ask` and `--mode ask` both work and
 * nothing after `--` is ever taken for an option.
 */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

void
sg_usage(void)
{
	fprintf(stderr,
	    "usage: sysgate-supervisor --control-fd N | --control-socket PATH [--terminal-foreground]\n"
	    "           [--mode ask|enforce|learn] [-i|--inherit]\n"
	    "           [-u|--no-aliases] [--on-host-loss kill|deny] [--run-as UID:GID]\n"
	    "           [--record-permits] [--protect PATH ...] [--argv0 NAME]\n"
	    "           -- command [arg ...]\n"
	    "       sysgate-supervisor --print-baseline | --peer-credentials | --version\n");
}

/* The value of `--name=value` or `--name value`; NULL when missing. */
static const char *
value_of(int argc, char *argv[], int *i, const char *name)
{
	size_t	 n = strlen(name);

	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (strcmp(argv[*i], name) == 0 && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int
matches(const char *arg, const char *name)
{
	size_t	 n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static int
parse_fd(const char *s, int *fd)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 0 || v > INT_MAX)
		return -1;
	*fd = (int)v;
	return 0;
}

/* An id: decimal, below (id_t)-1, which the set*id calls take for "unchanged". */
static int
parse_id(const char *s, const char **end, unsigned long *id)
{
	char	*e;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*id = strtoul(s, &e, 10);
	if (errno != 0 || *id >= UINT32_MAX)
		return -1;
	*end = e;
	return 0;
}

/* UID:GID, both numbers: the host has looked the names up already. */
static int
parse_run_as(const char *s, struct sg_options *o)
{
	unsigned long	 uid, gid;
	const char	*end;

	if (parse_id(s, &end, &uid) == -1 || *end != ':' ||
	    parse_id(end + 1, &end, &gid) == -1 || *end != '\0')
		return -1;
	o->run_as = 1;
	o->run_uid = (uid_t)uid;
	o->run_gid = (gid_t)gid;
	return 0;
}

static int
option(int argc, char *argv[], int *i, struct sg_options *o)
{
	const char	*a = argv[*i], *v;

	if (strcmp(a, "-i") == 0 || strcmp(a, "--inherit") == 0)
		o->inherit = 1;
	else if (strcmp(a, "-u") == 0 || strcmp(a, "--no-aliases") == 0)
		o->no_aliases = 1;
	else if (strcmp(a, "--record-permits") == 0)
		o->record_permits = 1;
	else if (strcmp(a, "--print-baseline") == 0)
		o->print_baseline = 1;
	else if (strcmp(a, "--peer-credentials") == 0)
		o->peer_credentials = 1;
	else if (strcmp(a, "--version") == 0)
		o->version = 1;
	else if (strcmp(a, "--terminal-foreground") == 0)
		o->terminal_foreground = 1;
	else if (matches(a, "--control-socket")) {
		if ((v = value_of(argc, argv, i, "--control-socket")) == NULL || *v == '\0')
			return -1;
		o->control_socket = v;
	} else if (matches(a, "--control-fd")) {
		if ((v = value_of(argc, argv, i, "--control-fd")) == NULL ||
		    parse_fd(v, &o->control_fd) == -1)
			return -1;
	} else if (matches(a, "--mode")) {
		if ((v = value_of(argc, argv, i, "--mode")) == NULL)
			return -1;
		if (strcmp(v, "ask") == 0)
			o->mode = SG_MODE_ASK;
		else if (strcmp(v, "enforce") == 0)
			o->mode = SG_MODE_ENFORCE;
		else if (strcmp(v, "learn") == 0)
			o->mode = SG_MODE_LEARN;
		else
			return -1;
	} else if (matches(a, "--run-as")) {
		if ((v = value_of(argc, argv, i, "--run-as")) == NULL ||
		    parse_run_as(v, o) == -1)
			return -1;
	} else if (matches(a, "--argv0")) {
		if ((v = value_of(argc, argv, i, "--argv0")) == NULL || *v == '\0')
			return -1;
		o->argv0 = v;
	} else if (matches(a, "--protect")) {
		if ((v = value_of(argc, argv, i, "--protect")) == NULL || *v != '/' ||
		    o->nprotect == SG_PROTECT_MAX)
			return -1;
		o->protect[o->nprotect++] = (char *)v;
	} else if (matches(a, "--on-host-loss")) {
		if ((v = value_of(argc, argv, i, "--on-host-loss")) == NULL)
			return -1;
		if (strcmp(v, "kill") == 0)
			o->on_host_loss = SG_LOSS_KILL;
		else if (strcmp(v, "deny") == 0)
			o->on_host_loss = SG_LOSS_DENY;
		else
			return -1;
	} else
		return -1;
	return 0;
}

int
sg_options_parse(int argc, char *argv[], struct sg_options *o, char *err, size_t errsize)
{
	int	 i, start;

	memset(o, 0, sizeof(*o));
	o->control_fd = -1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][0] != '-')
			break;
		start = i;
		if (option(argc, argv, &i, o) == -1) {
			snprintf(err, errsize, "bad option: %s%s%s", argv[start],
			    i > start ? " " : "", i > start ? argv[i] : "");
			return -1;
		}
	}
	if (o->print_baseline || o->version || o->peer_credentials)
		return 0;
	if ((o->control_fd == -1 && o->control_socket == NULL) || i >= argc) {
		snprintf(err, errsize, "needs --control-fd or --control-socket, and a command");
		return -1;
	}
	o->argv = argv + i;
	return 0;
}
