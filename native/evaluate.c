/*
 * Evaluating a compiled policy against one decoded call. The operators mean exactly what the
 * TypeScript evaluator says they mean; `match` and `re` are glibc's own fnmatch and regexec,
 * which the TypeScript side reproduces, so this file must not call setlocale().
 */

#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "evaluate.h"

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
rule_applies(const struct sg_rule *r, const struct sg_request *req)
{
	if (strcmp(r->call, req->call) != 0 &&
	    (req->alias == NULL || strcmp(r->call, req->alias) != 0))
		return 0;
	if (!predicate_true(r, req))
		return 0;
	return r->nexpr == 0 || expr_true(r->expr, 0, req);
}

void
sg_evaluate(const struct sg_policy *p, const struct sg_request *req, struct sg_decision *d)
{
	const struct sg_rule	*r;
	size_t			 i;

	memset(d, 0, sizeof(*d));
	d->action = SG_ACT_ASK;
	if (p == NULL)
		return;
	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		if (!rule_applies(r, req))
			continue;
		d->action = r->action;
		/* A denial without an error code is EPERM, as in systrace. */
		if (r->action == SG_ACT_DENY)
			d->error = r->error != 0 ? r->error : EPERM;
		d->log = r->log;
		d->inherit = r->inherit;
		d->detach = r->detach;
		d->line = r->line;
		d->col = r->col;
		return;
	}
}
