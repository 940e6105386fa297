/*
 * A run plan (PROTOCOL.md, "Run plans"): what the host sent the supervisor for an identical
 * run, written down so that the front door can start the run without the host. Found by the
 * run's key, and trusted only when every check of it passes.
 */

#ifndef SYSGATE_PLAN_H
#define SYSGATE_PLAN_H

#include <limits.h>
#include <stddef.h>

/* A list of NUL-terminated strings (copies), NULL after the last. */
struct sg_strings {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

/* A `say` text, in the plan's data. */
struct sg_say {
	const char	*text;
	size_t		 len;
};

struct sg_plan {
	char		 path[PATH_MAX];
	char		*data;		/* the whole file */
	size_t		 len;
	struct sg_say	*says;
	size_t		 nsays;
	struct sg_strings options;	/* the supervisor's options */
	struct sg_strings command;	/* the command and its arguments */
	const char	*preamble;	/* the frames after `command` through `start`, in data */
	size_t		 preamble_len;
};

/*
 * Finds the plan of the run `sysgate argv[1..]` and checks it and every input it names.
 * 0 when it can be trusted; -1 with the reason in why (naming the place) when there is none.
 */
int	 sg_plan_load(int argc, char *argv[], struct sg_plan *plan, char *why, size_t whysize);
/* The checks of sg_plan_load on plan->data, already read, for the run in cwd. */
int	 sg_plan_check(struct sg_plan *plan, int argc, char *argv[], const char *cwd, char *why,
	    size_t whysize);
/* Frees what the plan holds, data included. */
void	 sg_plan_free(struct sg_plan *plan);

#endif /* SYSGATE_PLAN_H */
