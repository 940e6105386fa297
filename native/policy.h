/*
 * Compiled policies (app/common/policy/compile.ts): reading them, and the set of policies the
 * host has installed, by name.
 */

#ifndef SYSGATE_POLICY_H
#define SYSGATE_POLICY_H

#include <regex.h>
#include <stddef.h>
#include <sys/types.h>

struct sg_index;

enum sg_action { SG_ACT_PERMIT, SG_ACT_DENY, SG_ACT_ASK };
enum sg_op { SG_OP_EQ, SG_OP_NEQ, SG_OP_MATCH, SG_OP_SUB, SG_OP_NSUB, SG_OP_RE, SG_OP_INPATH };
enum sg_tok { SG_TOK_TRUE, SG_TOK_NOT, SG_TOK_AND, SG_TOK_OR, SG_TOK_SYM };
enum sg_pred_subject { SG_PRED_NONE, SG_PRED_USER, SG_PRED_GROUP };
enum sg_pred_op { SG_PRED_EQ, SG_PRED_NE, SG_PRED_LT, SG_PRED_GT };

/* One token of a filter's expression, in prefix order. */
struct sg_token {
	enum sg_tok	 type;
	size_t		 end;		/* index just past this token's subtree */
	char		*arg;		/* SYM: the translation's name */
	unsigned	 index;		/* SYM: the [n] offset */
	enum sg_op	 op;
	char		*value;		/* NUL-terminated; may hold NUL bytes before valuelen */
	size_t		 valuelen;
	regex_t		 re;
	int		 re_ok;		/* `re` compiled; an invalid pattern never matches */
};

struct sg_rule {
	unsigned	 line, col;
	char		*call;
	enum sg_action	 action;
	int		 error;
	int		 log, inherit, detach;
	int		 elevated;	/* `as uid gid`: performed with these credentials */
	uid_t		 as_uid;
	gid_t		 as_gid;
	enum sg_pred_subject pred_subject;
	enum sg_pred_op	 pred_op;
	unsigned long	 pred_id;
	struct sg_token	*expr;
	size_t		 nexpr;
};

struct sg_policy {
	char		*name;		/* the name the host installed it under */
	char		*header;	/* the `policy` line: the policy's own name */
	int		 detached;
	struct sg_rule	*rules;
	size_t		 nrules;
	struct sg_index	*index;		/* index.h: each call's rules */
};

/*
 * Reads a compiled policy. On failure returns NULL and writes "line N: ..." to err.
 */
struct sg_policy *sg_policy_read(const char *text, size_t len, char *err, size_t errsize);
void		 sg_policy_free(struct sg_policy *p);

/*
 * The installed policies. Replacing a policy keeps its address, so a process that points at
 * it sees the new rules at its very next call.
 */
struct sg_policy *sg_policy_find(const char *name);
/* Installs p under name (taking it over); returns the stored policy. */
struct sg_policy *sg_policy_install(const char *name, struct sg_policy *p);
void		 sg_policy_clear_all(void);

#endif /* SYSGATE_POLICY_H */
