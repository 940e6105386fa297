/*
 * The index of a compiled policy (index.h). It changes nothing about what a policy decides:
 * the evaluator still tries the rules of the call and of its alias in policy order, and the
 * first that holds decides; a run of `eq` rules is only answered by one lookup instead of one
 * comparison per rule. The C tests compare indexed and rule-by-rule decisions on random
 * policies.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "index.h"
#include "policy.h"

static size_t
slots_for(size_t n)
{
	size_t	 s = 8;

	while (s < n * 2)
		s *= 2;
	return s;
}

/* A rule a run can hold: one `eq` symbol, nothing else. */
static int
is_plain_eq(const struct sg_rule *r)
{
	return r->pred_subject == SG_PRED_NONE && r->nexpr == 1 &&
	    r->expr[0].type == SG_TOK_SYM && r->expr[0].op == SG_OP_EQ;
}

static int
same_symbol(const struct sg_rule *a, const struct sg_rule *b)
{
	return a->expr[0].index == b->expr[0].index && strcmp(a->expr[0].arg, b->expr[0].arg) == 0;
}

static struct sg_rules *
slot_of(struct sg_index *ix, const char *call)
{
	size_t	 i;

	for (i = sg_hash(call, strlen(call)) & (ix->nslots - 1);; i = (i + 1) & (ix->nslots - 1))
		if (ix->lists[i].call == NULL || strcmp(ix->lists[i].call, call) == 0)
			return &ix->lists[i];
}

const struct sg_rules *
sg_index_rules(const struct sg_index *ix, const char *call)
{
	const struct sg_rules *l;

	if (ix == NULL || call == NULL)
		return NULL;
	l = slot_of((struct sg_index *)ix, call);
	return l->call == NULL ? NULL : l;
}

int
sg_index_compares(const struct sg_index *ix, const char *call, const char *alias)
{
	const struct sg_rules *a, *b;

	if (ix == NULL)
		return 1;
	a = sg_index_rules(ix, call);
	b = alias != NULL ? sg_index_rules(ix, alias) : NULL;
	return (a != NULL && a->compares) || (b != NULL && b->compares);
}

static int
run_add(struct sg_run *r, const struct sg_policy *p, const struct sg_rules *l, size_t pos)
{
	const struct sg_token *t = &p->rules[l->rules[pos]].expr[0];
	const struct sg_token *u;
	size_t		 i;

	for (i = sg_hash(t->value, t->valuelen) & (r->nslots - 1);; i = (i + 1) & (r->nslots - 1)) {
		if (r->slots[i] == 0) {
			r->slots[i] = pos + 1;
			return 0;
		}
		u = &p->rules[l->rules[r->slots[i] - 1]].expr[0];
		/* The first rule with a value is the one that decides. */
		if (u->valuelen == t->valuelen && memcmp(u->value, t->value, t->valuelen) == 0)
			return 0;
	}
}

long
sg_run_find(const struct sg_run *r, const struct sg_policy *p, const struct sg_rules *l,
    const char *value)
{
	const struct sg_token *t;
	size_t		 n = strlen(value), i;

	for (i = sg_hash(value, n) & (r->nslots - 1); r->slots[i] != 0;
	    i = (i + 1) & (r->nslots - 1)) {
		t = &p->rules[l->rules[r->slots[i] - 1]].expr[0];
		if (t->valuelen == n && memcmp(t->value, value, n) == 0)
			return (long)r->slots[i] - 1;
	}
	return -1;
}

/* Finds the runs of a list and fills their tables. */
static int
runs_build(struct sg_rules *l, const struct sg_policy *p)
{
	const struct sg_rule *a, *b;
	struct sg_run	*r;
	size_t		 start, end, pos;

	if ((l->run_of = calloc(l->n, sizeof(*l->run_of))) == NULL)
		return -1;
	for (start = 0; start < l->n; start = end) {
		a = &p->rules[l->rules[start]];
		end = start + 1;
		if (!is_plain_eq(a))
			continue;
		while (end < l->n && is_plain_eq(b = &p->rules[l->rules[end]]) && same_symbol(a, b))
			end++;
		if (end - start < SG_RUN_MIN)
			continue;
		if ((r = reallocarray(l->runs, l->nruns + 1, sizeof(*r))) == NULL)
			return -1;
		l->runs = r;
		r = &l->runs[l->nruns++];
		memset(r, 0, sizeof(*r));
		r->arg = a->expr[0].arg;
		r->index = a->expr[0].index;
		r->first = start;
		r->last = end - 1;
		r->nslots = slots_for(end - start);
		if ((r->slots = calloc(r->nslots, sizeof(*r->slots))) == NULL)
			return -1;
		for (pos = start; pos < end; pos++) {
			l->run_of[pos] = l->nruns;
			run_add(r, p, l, pos);
		}
	}
	return 0;
}

int
sg_index_build(struct sg_policy *p)
{
	struct sg_index	*ix;
	struct sg_rules	*l;
	size_t		 i, k;

	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return -1;
	p->index = ix;
	ix->nslots = slots_for(p->nrules);
	if ((ix->lists = calloc(ix->nslots, sizeof(*ix->lists))) == NULL)
		return -1;
	/* Count each list's rules, then fill the lists in policy order. */
	for (i = 0; i < p->nrules; i++) {
		l = slot_of(ix, p->rules[i].call);
		l->call = p->rules[i].call;
		l->n++;
	}
	for (i = 0; i < ix->nslots; i++) {
		l = &ix->lists[i];
		if (l->call != NULL && (l->rules = calloc(l->n, sizeof(*l->rules))) == NULL)
			return -1;
		l->n = 0;
	}
	for (i = 0; i < p->nrules; i++) {
		l = slot_of(ix, p->rules[i].call);
		l->rules[l->n++] = i;
		for (k = 0; k < p->rules[i].nexpr; k++)
			l->compares |= p->rules[i].expr[k].type == SG_TOK_SYM;
	}
	for (i = 0; i < ix->nslots; i++)
		if (ix->lists[i].call != NULL && runs_build(&ix->lists[i], p) == -1)
			return -1;
	return 0;
}

void
sg_index_free(struct sg_index *ix)
{
	size_t	 i, k;

	if (ix == NULL)
		return;
	for (i = 0; ix->lists != NULL && i < ix->nslots; i++) {
		for (k = 0; k < ix->lists[i].nruns; k++)
			free(ix->lists[i].runs[k].slots);
		free(ix->lists[i].runs);
		free(ix->lists[i].run_of);
		free(ix->lists[i].rules);
	}
	free(ix->lists);
	free(ix);
}
