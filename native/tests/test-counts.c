/*
 * The counter table (counts.c) alone, its host end played here: the frames it sends are read
 * back with the protocol's own reader, and every call counted must be in them, once.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "control.h"
#include "counts.h"
#include "protocol.h"

static int		 hostless;
static unsigned long	 frames, calls, unitemised;
static int		 bad;

int
sg_control_hostless(void)
{
	return hostless;
}

int
sg_control_lost(void)
{
	return 0;
}

/* Reads each frame as the host would: a `count` with every field, n at least 1. */
void
sg_control_send(struct sg_out *o)
{
	struct sg_frame		 f;
	struct sg_parse_error	 err;
	size_t			 used;
	unsigned long		 n, line;
	char			 exe[64];

	if (sg_frame_parse(o->data, o->len, &f, &used, &err) != SG_PARSE_FRAME ||
	    used != o->len || strcmp(f.verb, "count") != 0 ||
	    sg_field_ulong(sg_frame_get(&f, "n"), &n) == -1 || n == 0 ||
	    sg_field_ulong(sg_frame_get(&f, "line"), &line) == -1 ||
	    sg_field_ulong(sg_frame_get(&f, "time"), &line) == -1 ||
	    sg_field_str(sg_frame_get(&f, "exe"), exe, sizeof(exe)) == -1 ||
	    sg_frame_get(&f, "policy") == NULL || sg_frame_get(&f, "call") == NULL ||
	    sg_frame_get(&f, "action") == NULL || sg_frame_get(&f, "by") == NULL) {
		bad++;
		return;
	}
	frames++;
	calls += n;
	if (strcmp(exe, "?") == 0)
		unitemised += n;
}

static void
count_programs(const char *prefix, int programs, int each, const char *action)
{
	static struct sg_process	 p;
	struct sg_syscall		 c;
	int				 i, j;

	memset(&c, 0, sizeof(c));
	c.name = "openat";
	for (i = 0; i < programs; i++) {
		snprintf(p.exe, sizeof(p.exe), "/bin/%s%d", prefix, i);
		snprintf(p.policy_name, sizeof(p.policy_name), "%s", p.exe);
		for (j = 0; j < each; j++)
			sg_count(&p, &c, action, "rule", 2, 2);
	}
}

int
main(void)
{
	/* One row per kind, whatever the number of calls. */
	count_programs("a", 3, 1000, "permit");
	count_programs("a", 3, 10, "deny");
	sg_counts_flush();
	CHECK(frames == 6);
	CHECK(calls == 3030);
	CHECK(bad == 0);

	/* Flushed once 512 kinds wait, before the timer: nothing lost. */
	frames = calls = 0;
	count_programs("b", 5000, 2, "permit");
	CHECK(frames > 0);
	sg_counts_flush();
	CHECK(frames == 5000);
	CHECK(calls == 10000);

	/* Without a host nothing is sent; kinds past 512 are kept as one row of `?`. */
	frames = calls = 0;
	hostless = 1;
	count_programs("c", 2000, 1, "permit");
	sg_counts_flush();
	CHECK(frames == 0);
	hostless = 0;
	sg_counts_flush();
	CHECK(calls == 2000);
	CHECK(frames == 513);
	CHECK(unitemised == 2000 - 512);

	/* An empty table sends nothing. */
	frames = 0;
	sg_counts_flush();
	CHECK(frames == 0);
	CHECK(bad == 0);
	return check_summary("test-counts");
}
