/*
 * Evaluating a compiled policy against one decoded call. The operators mean exactly what the
 * TypeScript evaluator says they mean; `match` and `re` are glibc's own fnmatch and regexec,
 * which the TypeScript side reproduces, so this file must not call setlocale().
 */

#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decision.generated.h"
#include "evaluate.h"
#include "index.h"

static const char *
arg_value(const struct sg_request *req, const char *name, unsigned index)
{
	size_t	 i;

	for (i = 0; i < req->nargs; i++)
		if (req->args[i].index == index && strcmp(req->args[i].name, name) == 0)
			return req->args[i].value;
	return NULL;
}

/*
 * systrace's filter_inpath: the argument s is the value v itself, or a directory on the way
 * to it, ending on a component boundary of v. "/" is on the way to every absolute path.
 */
static int
in_path(const char *s, const char *v)
{
	size_t	 n = strlen(s);

	if (n == 0 || n > strlen(v))
		return 0;
	if (n == 1)
		return s[0] == '/';
	return strncmp(s, v, n) == 0 && (v[n] == '/' || v[n] == '\0');
}

static int
contains(const char *value, const struct sg_token *t)
{
	if (t->valuelen == 0)
		return 1;
	return memmem(value, strlen(value), t->value, t->valuelen) != NULL;
}

int
sg_compare(const struct sg_token *t, const char *value)
{
	switch (t->op) {
	case SG_OP_EQ:
		return strlen(value) == t->valuelen && memcmp(value, t->value, t->valuelen) == 0;
	case SG_OP_NEQ:
		return !(strlen(value) == t->valuelen && memcmp(value, t->value, t->valuelen) == 0);
	case SG_OP_MATCH:
		return fnmatch(t->value, value, FNM_PATHNAME | FNM_LEADING_DIR) == 0;
	case SG_OP_SUB:
		return contains(value, t);
	case SG_OP_NSUB:
		return !contains(value, t);
	case SG_OP_RE:
		return t->re_ok && regexec(&t->re, value, 0, NULL, 0) == 0;
	case SG_OP_INPATH:
		return in_path(value, t->value);
	}
	return 0;
}

static int
expr_true(const struct sg_token *t, size_t i, const struct sg_request *req)
{
	const char	*v;

	switch (t[i].type) {
	case SG_TOK_TRUE:
		return 1;
	case SG_TOK_NOT:
		return !expr_true(t, i + 1, req);
	case SG_TOK_AND:
		return expr_true(t, i + 1, req) && expr_true(t, t[i + 1].end, req);
	case SG_TOK_OR:
		return expr_true(t, i + 1, req) || expr_true(t, t[i + 1].end, req);
	case SG_TOK_SYM:
		/* A call without this argument: the symbol is false, whatever the operator. */
		if ((v = arg_value(req, t[i].arg, t[i].index)) == NULL)
			return 0;
		return sg_compare(&t[i], v);
	}
	return 0;
}

static int
predicate_true(const struct sg_rule *r, const struct sg_request *req)
{
	unsigned long	 id;

	if (r->pred_subject == SG_PRED_NONE)
		return 1;
	id = r->pred_subject == SG_PRED_USER ? req->uid : req->gid;
	switch (r->pred_op) {
	case SG_PRED_EQ:
		return id == r->pred_id;
	case SG_PRED_NE:
		return id != r->pred_id;
	case SG_PRED_LT:
		return id < r->pred_id;
	case SG_PRED_GT:
		return id > r->pred_id;
	}
	return 0;
}

static int
from_memory(const struct sg_request *req, const char *arg)
{
	const char *const *m;

	for (m = req->memory; m != NULL && *m != NULL; m++)
		if (strcmp(*m, arg) == 0)
			return 1;
	return 0;
}

static int
compares_memory(const struct sg_rule *r, const struct sg_request *req)
{
	size_t	 i;

	for (i = 0; i < r->nexpr; i++)
		if (r->expr[i].type == SG_TOK_SYM && from_memory(req, r->expr[i].arg))
			return 1;
	return 0;
}

/* Whether the rule names a call's second name, `filename[1]`: it decides both names at once. */
static int
names_second(const struct sg_rule *r)
{
	size_t	 i;

	for (i = 0; i < r->nexpr; i++)
		if (r->expr[i].type == SG_TOK_SYM && r->expr[i].index == 1 &&
		    strcmp(r->expr[i].arg, "filename") == 0)
			return 1;
	return 0;
}

static void
decide(const struct sg_rule *r, struct sg_decision *d)
{
	d->second = names_second(r);
	d->action = r->action;
	/* A denial without an error code is EPERM, as in systrace. */
	if (r->action == SG_ACT_DENY)
		d->error = r->error != 0 ? r->error : EPERM;
	d->log = r->log;
	d->inherit = r->inherit;
	d->detach = r->detach;
	d->line = r->line;
	d->col = r->col;
	d->elevated = r->elevated;
	d->as_uid = r->as_uid;
	d->as_gid = r->as_gid;
}

/* The request a rule reads: the call as it is for a rule that names `filename[1]`. */
static const struct sg_request *
read_by(const struct sg_request *req, const char *arg, unsigned index)
{
	return req->whole != NULL && index == 1 && strcmp(arg, "filename") == 0 ? req->whole : req;
}

/* A rule of the call or its alias: 1 when it decides. */
static int
try_rule(const struct sg_rule *r, const struct sg_request *req, struct sg_decision *d)
{
	if (req->whole != NULL && names_second(r))
		req = req->whole;
	if (!predicate_true(r, req))
		return 0;
	if (compares_memory(r, req))
		d->memory = 1;
	if (r->nexpr != 0 && !expr_true(r->expr, 0, req))
		return 0;
	decide(r, d);
	return 1;
}

static void
undecided(struct sg_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->action = SG_ACT_ASK;
}

/*
 * The ioctls that type into a terminal (TIOCSTI, TIOCLINUX) are denied before any rule, as the
 * supervisor denies them (decide.c) and the TypeScript evaluator does: 1 when this is one.
 */
static int
never_permitted(const struct sg_request *req, struct sg_decision *d)
{
	static const unsigned	 never[] = SG_NEVER_PERMITTED_IOCTLS;
	const char		*cmd;
	char			 text[16];
	size_t			 i;

	if (strcmp(req->call, "ioctl") != 0 || (cmd = arg_value(req, "cmd", 0)) == NULL)
		return 0;
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		snprintf(text, sizeof(text), "0x%x", never[i]);
		if (strcmp(cmd, text) == 0) {
			d->action = SG_ACT_DENY;
			d->error = EPERM;
			return 1;
		}
	}
	return 0;
}

static void
evaluate_each(const struct sg_policy *p, const struct sg_request *req, struct sg_decision *d)
{
	const struct sg_rule	*r;
	size_t			 i;

	undecided(d);
	if (never_permitted(req, d))
		return;
	for (i = 0; p != NULL && i < p->nrules; i++) {
		r = &p->rules[i];
		if (strcmp(r->call, req->call) != 0 &&
		    (req->alias == NULL || strcmp(r->call, req->alias) != 0))
			continue;
		if (try_rule(r, req, d))
			return;
	}
}

/*
 * Tries the rules of list l from *pos on that come before the policy's rule `limit` (the
 * next rule of the other list): 1 when one decides. A run of `eq` rules is answered by one
 * lookup: its first rule with the argument's value, if that comes before `limit`.
 */
static int
walk(const struct sg_policy *p, const struct sg_rules *l, size_t *pos, size_t limit,
    const struct sg_request *req, struct sg_decision *d)
{
	const struct sg_run	*run;
	const char		*v;
	long			 m;

	while (*pos < l->n && l->rules[*pos] < limit) {
		run = l->run_of[*pos] != 0 ? &l->runs[l->run_of[*pos] - 1] : NULL;
		m = -1;
		if (run != NULL &&
		    (v = arg_value(read_by(req, run->arg, run->index), run->arg, run->index)) != NULL)
			m = sg_run_find(run, p, l, v);
		if (run == NULL || (m >= 0 && (size_t)m < *pos)) {
			if (try_rule(&p->rules[l->rules[*pos]], req, d))
				return 1;
			(*pos)++;
			continue;
		}
		if (from_memory(req, run->arg))
			d->memory = 1;
		if (m >= 0 && l->rules[m] < limit) {
			decide(&p->rules[l->rules[m]], d);
			return 1;
		}
		while (*pos <= run->last && l->rules[*pos] < limit)
			(*pos)++;
	}
	return 0;
}

static void
evaluate_indexed(const struct sg_policy *p, const struct sg_request *req, struct sg_decision *d)
{
	const struct sg_rules	*a, *b;
	size_t			 i = 0, j = 0, na, nb;

	if (p == NULL || p->index == NULL) {
		evaluate_each(p, req, d);
		return;
	}
	undecided(d);
	if (never_permitted(req, d))
		return;
	a = sg_index_rules(p->index, req->call);
	b = req->alias != NULL ? sg_index_rules(p->index, req->alias) : NULL;
	if (b == a)
		b = NULL;
	/* The two lists merged in policy order. */
	for (;;) {
		na = a != NULL && i < a->n ? a->rules[i] : SIZE_MAX;
		nb = b != NULL && j < b->n ? b->rules[j] : SIZE_MAX;
		if (na == SIZE_MAX && nb == SIZE_MAX)
			return;
		if (na < nb ? walk(p, a, &i, nb, req, d) : walk(p, b, &j, na, req, d))
			return;
	}
}

#define PER_MESSAGE_ARGS	64

/*
 * sendmmsg is decided once per message, the message's address as its `sockaddr` (index 0),
 * as the TypeScript evaluator does: permitted when every message is, else the first decision
 * that is not a permit decides. Other calls, and one message, are decided once.
 */
static void
per_message(void (*one)(const struct sg_policy *, const struct sg_request *,
    struct sg_decision *), const struct sg_policy *p, const struct sg_request *req,
    struct sg_decision *d)
{
	struct sg_targ		 args[PER_MESSAGE_ARGS];
	struct sg_request	 each;
	struct sg_decision	 e;
	size_t			 i, n;
	unsigned		 k, messages = 0;
	int			 memory = 0;

	for (i = 0; i < req->nargs; i++)
		if (strcmp(req->args[i].name, "sockaddr") == 0 && req->args[i].index + 1 > messages)
			messages = req->args[i].index + 1;
	if (strcmp(req->call, SG_PER_MESSAGE_CALL) != 0 || messages < 2) {
		one(p, req, d);
		return;
	}
	undecided(d);
	if (req->nargs > PER_MESSAGE_ARGS)
		return;
	for (k = 0; k < messages; k++) {
		for (i = 0, n = 0; i < req->nargs; i++) {
			if (strcmp(req->args[i].name, "sockaddr") == 0 && req->args[i].index != k)
				continue;
			args[n] = req->args[i];
			if (strcmp(args[n].name, "sockaddr") == 0)
				args[n].index = 0;
			n++;
		}
		each = *req;
		each.args = args;
		each.nargs = n;
		one(p, &each, &e);
		memory |= e.memory;
		if (k == 0 || e.action != SG_ACT_PERMIT)
			*d = e;
		if (e.action != SG_ACT_PERMIT)
			break;
	}
	d->memory = memory;
}

/*
 * A call of two names (rename, link and their kin) is decided once for each, as the
 * TypeScript evaluator does: first as it is, then with its second name as its `filename`. It
 * is permitted when both are, else the first decision that is not a permit decides. A rule
 * that names `filename[1]` reads both names as they are, each time: when it decides the call
 * as it is, its decision is the call's.
 */
static void
per_name(void (*one)(const struct sg_policy *, const struct sg_request *,
    struct sg_decision *), const struct sg_policy *p, const struct sg_request *req,
    struct sg_decision *d)
{
	struct sg_targ		 args[PER_MESSAGE_ARGS];
	struct sg_request	 second;
	struct sg_decision	 e;
	size_t			 i, n;

	if (arg_value(req, "filename", 1) == NULL) {
		per_message(one, p, req, d);
		return;
	}
	undecided(d);
	if (req->nargs > PER_MESSAGE_ARGS)
		return;
	one(p, req, d);
	if (d->action != SG_ACT_PERMIT || d->second)
		return;
	for (i = 0, n = 0; i < req->nargs; i++) {
		if (strcmp(req->args[i].name, "filename") != 0)
			args[n++] = req->args[i];
		else if (req->args[i].index == 1) {
			args[n] = req->args[i];
			args[n++].index = 0;
		}
	}
	second = *req;
	second.args = args;
	second.nargs = n;
	second.whole = req;
	one(p, &second, &e);
	e.memory |= d->memory;
	if (e.action != SG_ACT_PERMIT)
		*d = e;
	else
		d->memory = e.memory;
}

void
sg_evaluate(const struct sg_policy *p, const struct sg_request *req, struct sg_decision *d)
{
	per_name(evaluate_indexed, p, req, d);
}

void
sg_evaluate_each(const struct sg_policy *p, const struct sg_request *req, struct sg_decision *d)
{
	per_name(evaluate_each, p, req, d);
}
