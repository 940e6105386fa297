/*
 * The decision on one call: the first filter of the policy that applies decides, as in
 * app/common/policy/evaluate.ts, which the conformance vectors hold both to.
 */

#ifndef SYSGATE_EVALUATE_H
#define SYSGATE_EVALUATE_H

#include <stddef.h>

#include "policy.h"

/* One translated argument: `filename` index 1 is `filename[1]`. */
struct sg_targ {
	const char	*name;
	unsigned	 index;
	const char	*value;
};

struct sg_request {
	const char	*call;
	const char	*alias;		/* NULL when the call has none, or aliases are off */
	unsigned long	 uid, gid;
	const struct sg_targ *args;
	size_t		 nargs;
	/* The translations read from the caller's memory (NULL-terminated; NULL: none). */
	const char *const *memory;
	/*
	 * A call of two names decided for its second (per_name): the call as it is, which the
	 * rules that name `filename[1]` read instead. NULL otherwise.
	 */
	const struct sg_request *whole;
};

struct sg_decision {
	enum sg_action	 action;
	int		 error;		/* for a denial */
	int		 log, inherit, detach;
	unsigned	 line, col;	/* 0 when no filter matched */
	/*
	 * Whether the decision looked at a translation in req->memory: a filter that was tried
	 * compares one. When it did not, the kernel may run the call itself (CONTINUE): reading
	 * the arguments again cannot change a decision that never depended on them.
	 */
	int		 memory;
	int		 second;	/* the deciding filter names `filename[1]` */
	/* The deciding filter says `as uid gid` (policy.h): the permit is performed so. */
	int		 elevated;
	uid_t		 as_uid;
	gid_t		 as_gid;
};

/* The decision, found through the policy's index. */
void	 sg_evaluate(const struct sg_policy *p, const struct sg_request *req,
	    struct sg_decision *d);
/* The same, trying every rule in turn: what sg_evaluate must always agree with (tests). */
void	 sg_evaluate_each(const struct sg_policy *p, const struct sg_request *req,
	    struct sg_decision *d);

/* The comparison of one symbol, exposed for the tests. */
int	 sg_compare(const struct sg_token *t, const char *value);

#endif /* SYSGATE_EVALUATE_H */
