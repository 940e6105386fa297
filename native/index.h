/*
 * Where a policy's rules for one call are, so that deciding a call does not walk every rule:
 * the rules of each call name (or alias) in policy order, and in those lists the runs of
 * plain `eq` rules on the same argument (what learning writes, one rule per file) looked up
 * by their value instead of compared one by one.
 */

#ifndef SYSGATE_INDEX_H
#define SYSGATE_INDEX_H

#include <stddef.h>

struct sg_policy;

/* Runs shorter than this are compared rule by rule. */
#define SG_RUN_MIN	4

/* Consecutive rules of one list of the form `arg[index] eq "value"`, without a predicate. */
struct sg_run {
	const char	*arg;
	unsigned	 index;
	size_t		 first, last;	/* positions in the list, inclusive */
	size_t		*slots;		/* position + 1 of the first rule with a value; 0: free */
	size_t		 nslots;	/* a power of two, at least twice the run's length */
};

/* The rules of one call name or alias. */
struct sg_rules {
	const char	*call;		/* the rules' own string; NULL: a free slot */
	size_t		*rules;		/* indices into the policy's rules, ascending */
	size_t		 n;
	size_t		*run_of;	/* per position: the run's number + 1, or 0 */
	struct sg_run	*runs;
	size_t		 nruns;
	int		 compares;	/* some rule compares a translated argument */
};

struct sg_index {
	struct sg_rules	*lists;		/* open addressing by call name */
	size_t		 nslots;
};

/* Builds p->index; -1 when memory runs out. */
int		 sg_index_build(struct sg_policy *p);
void		 sg_index_free(struct sg_index *ix);
/* The rules of a call name or alias; NULL when the policy has none. */
const struct sg_rules *sg_index_rules(const struct sg_index *ix, const char *call);
/*
 * Whether any rule of a call (or of its alias, which may be NULL) compares a translated
 * argument: when none does, the call is decided without translating anything.
 */
int		 sg_index_compares(const struct sg_index *ix, const char *call, const char *alias);
/* The position of the first rule of run r whose value is value (strlen(value) bytes), or -1. */
long		 sg_run_find(const struct sg_run *r, const struct sg_policy *p,
		    const struct sg_rules *l, const char *value);

#endif /* SYSGATE_INDEX_H */
