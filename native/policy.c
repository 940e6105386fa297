/*
 * Reading the compiled policy form the host sends (compile.ts documents it): a line-oriented
 * text whose strings carry their length, so this reader never unescapes anything. Whatever
 * is wrong is reported with its line, and nothing half-read is ever installed.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "policy.h"

#define RULES_MAX	100000
#define TOKENS_MAX	65536
#define NUMBER_MAX	2147483647UL
#define WORD_MAX	64
#define VALUE_MAX	(1024 * 1024)
#define POLICIES_MAX	4096

struct cursor {
	const char	*text;
	size_t		 len;
	size_t		 pos;
	unsigned	 line;
	char		*err;
	size_t		 errsize;
};

static int
failf(struct cursor *c, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	n = snprintf(c->err, c->errsize, "line %u: ", c->line);
	if (n >= 0 && (size_t)n < c->errsize) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errsize - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A word: the bytes up to the next space or LF. */
static int
word(struct cursor *c, char *dst, size_t size, const char *what)
{
	size_t	 n = 0;

	while (c->pos < c->len && c->text[c->pos] != ' ' && c->text[c->pos] != '\n') {
		if (n + 1 == size)
			return failf(c, "%s is too long", what);
		dst[n++] = c->text[c->pos++];
	}
	if (n == 0)
		return failf(c, "expected %s", what);
	dst[n] = '\0';
	return 0;
}

static int
space(struct cursor *c, const char *what)
{
	if (c->pos >= c->len || c->text[c->pos] != ' ')
		return failf(c, "expected a space before %s", what);
	c->pos++;
	return 0;
}

static int
eol(struct cursor *c)
{
	if (c->pos >= c->len || c->text[c->pos] != '\n')
		return failf(c, "expected the end of the line");
	c->pos++;
	c->line++;
	return 0;
}

static int
number(struct cursor *c, unsigned long *v, unsigned long max, const char *what)
{
	unsigned long	 n = 0;
	size_t		 start = c->pos;

	while (c->pos < c->len && c->text[c->pos] >= '0' && c->text[c->pos] <= '9') {
		if (c->pos > start && n == 0)
			return failf(c, "%s has a leading zero", what);
		n = n * 10 + (unsigned long)(c->text[c->pos] - '0');
		if (n > max)
			return failf(c, "%s is out of range", what);
		c->pos++;
	}
	if (c->pos == start)
		return failf(c, "expected %s (a decimal number)", what);
	*v = n;
	return 0;
}

/* `<len>:<bytes>`: the bytes may hold anything, LFs included (they count as lines). */
static int
lenbytes(struct cursor *c, char **out, size_t *outlen, const char *what)
{
	unsigned long	 n;
	size_t		 i;
	char		*s;

	if (number(c, &n, VALUE_MAX, what) == -1)
		return -1;
	if (c->pos >= c->len || c->text[c->pos] != ':')
		return failf(c, "expected ':' after the length of %s", what);
	c->pos++;
	if (c->len - c->pos < n)
		return failf(c, "%s runs past the end of the text", what);
	if ((s = malloc(n + 1)) == NULL)
		return failf(c, "out of memory");
	memcpy(s, c->text + c->pos, n);
	s[n] = '\0';
	if (memchr(s, '\0', n) != NULL) {
		free(s);
		return failf(c, "%s holds a NUL byte", what);
	}
	for (i = 0; i < n; i++)
		if (s[i] == '\n')
			c->line++;
	c->pos += n;
	*out = s;
	if (outlen != NULL)
		*outlen = n;
	return 0;
}

static int
keyword(struct cursor *c, const char *kw)
{
	char	 w[WORD_MAX];

	if (word(c, w, sizeof(w), kw) == -1)
		return -1;
	if (strcmp(w, kw) != 0)
		return failf(c, "expected '%s', found '%s'", kw, w);
	return 0;
}

static int
lookup(const char *w, const char *const *names, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (strcmp(w, names[i]) == 0)
			return i;
	return -1;
}

/* Call and argument names: [A-Za-z0-9_]+. */
static int
is_name(const char *w)
{
	size_t	 i;

	for (i = 0; w[i] != '\0'; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' && w[i] <= 'Z') ||
		    (w[i] >= '0' && w[i] <= '9') || w[i] == '_'))
			return 0;
	return i > 0;
}

static const char *const action_names[] = { "permit", "deny", "ask" };
static const char *const op_names[] = { "eq", "neq", "match", "sub", "nsub", "re", "inpath" };
static const char *const tok_names[] = { "true", "not", "and", "or", "sym" };
static const char *const pred_op_names[] = { "eq", "ne", "lt", "gt" };

static int
flags_parse(struct cursor *c, struct sg_rule *r)
{
	char	 w[WORD_MAX];
	size_t	 i;

	if (word(c, w, sizeof(w), "the flags") == -1)
		return -1;
	if (strcmp(w, "-") == 0)
		return 0;
	r->log = 0;
	/* Some of l, i, d, in this order, each at most once. */
	i = 0;
	if (w[i] == 'l')
		r->log = (int)++i;
	if (w[i] == 'i') {
		r->inherit = 1;
		i++;
	}
	if (w[i] == 'd') {
		r->detach = 1;
		i++;
	}
	if (w[i] != '\0')
		return failf(c, "bad flags '%s' (expected '-' or some of l, i, d in this order)", w);
	return 0;
}

/* filter <line> <col> <call> <action> <errno> <flags> */
static int
filter_parse(struct cursor *c, struct sg_rule *r)
{
	char		 w[WORD_MAX];
	unsigned long	 n;
	int		 i;

	if (keyword(c, "filter") == -1 || space(c, "the line") == -1 ||
	    number(c, &n, NUMBER_MAX, "the line") == -1)
		return -1;
	r->line = (unsigned)n;
	if (space(c, "the column") == -1 || number(c, &n, NUMBER_MAX, "the column") == -1)
		return -1;
	r->col = (unsigned)n;
	if (space(c, "the call") == -1 || word(c, w, sizeof(w), "the call") == -1)
		return -1;
	if (!is_name(w))
		return failf(c, "'%s' cannot be a call name", w);
	if ((r->call = strdup(w)) == NULL)
		return failf(c, "out of memory");
	if (space(c, "the action") == -1 || word(c, w, sizeof(w), "the action") == -1)
		return -1;
	if ((i = lookup(w, action_names, 3)) == -1)
		return failf(c, "unknown action '%s'", w);
	r->action = (enum sg_action)i;
	if (space(c, "the error number") == -1 ||
	    number(c, &n, 4095, "the error number") == -1)
		return -1;
	/* A denial names its error (1-4095); the other actions have none. */
	if ((r->action == SG_ACT_DENY) != (n != 0))
		return failf(c, "error number %lu does not fit action %s", n,
		    action_names[r->action]);
	r->error = (int)n;
	if (space(c, "the flags") == -1 || flags_parse(c, r) == -1)
		return -1;
	return eol(c);
}

/*
 * as <uid> <gid>: only after a plain permit (no i, no d), whose call the supervisor performs
 * (decide.c refuses the others at the call too, failing closed).
 */
static int
as_parse(struct cursor *c, struct sg_rule *r)
{
	unsigned long	 n;

	if (r->action != SG_ACT_PERMIT || r->inherit || r->detach)
		return failf(c, "'as' follows only a permit without i or d");
	if (space(c, "the uid") == -1 || number(c, &n, 0xffffffffUL, "the uid") == -1)
		return -1;
	r->as_uid = (uid_t)n;
	if (space(c, "the gid") == -1 || number(c, &n, 0xffffffffUL, "the gid") == -1)
		return -1;
	r->as_gid = (gid_t)n;
	r->elevated = 1;
	return eol(c);
}

/* pred <user|group> <eq|ne|lt|gt> <id> */
static int
pred_parse(struct cursor *c, struct sg_rule *r)
{
	char		 w[WORD_MAX];
	int		 i;

	if (space(c, "the subject") == -1 || word(c, w, sizeof(w), "the subject") == -1)
		return -1;
	if (strcmp(w, "user") == 0)
		r->pred_subject = SG_PRED_USER;
	else if (strcmp(w, "group") == 0)
		r->pred_subject = SG_PRED_GROUP;
	else
		return failf(c, "unknown predicate subject '%s'", w);
	if (space(c, "the operator") == -1 || word(c, w, sizeof(w), "the operator") == -1)
		return -1;
	if ((i = lookup(w, pred_op_names, 4)) == -1)
		return failf(c, "unknown predicate operator '%s'", w);
	r->pred_op = (enum sg_pred_op)i;
	if (space(c, "the id") == -1 || number(c, &r->pred_id, 0xffffffffUL, "the id") == -1)
		return -1;
	return eol(c);
}

/* sym <arg> <index> <op> <len>:<bytes> */
static int
sym_parse(struct cursor *c, struct sg_token *t)
{
	char		 w[WORD_MAX];
	unsigned long	 n;
	int		 i;

	if (space(c, "the argument") == -1 || word(c, w, sizeof(w), "the argument") == -1)
		return -1;
	if (!is_name(w))
		return failf(c, "'%s' cannot be an argument name", w);
	if ((t->arg = strdup(w)) == NULL)
		return failf(c, "out of memory");
	if (space(c, "the index") == -1 || number(c, &n, NUMBER_MAX, "the index") == -1)
		return -1;
	t->index = (unsigned)n;
	if (space(c, "the operator") == -1 || word(c, w, sizeof(w), "the operator") == -1)
		return -1;
	if ((i = lookup(w, op_names, 7)) == -1)
		return failf(c, "unknown operator '%s'", w);
	t->op = (enum sg_op)i;
	if (space(c, "the string") == -1 || lenbytes(c, &t->value, &t->valuelen, "the string") == -1)
		return -1;
	if (t->op == SG_OP_RE)
		t->re_ok = regcomp(&t->re, t->value, REG_EXTENDED | REG_NOSUB) == 0;
	return 0;
}

static int
token_parse(struct cursor *c, struct sg_token *t)
{
	char	 w[WORD_MAX];
	int	 i;

	if (word(c, w, sizeof(w), "an expression token") == -1)
		return -1;
	if ((i = lookup(w, tok_names, 5)) == -1)
		return failf(c, "unknown expression token '%s'", w);
	t->type = (enum sg_tok)i;
	if (t->type == SG_TOK_SYM && sym_parse(c, t) == -1)
		return -1;
	return eol(c);
}

/*
 * Links each token to the end of its subtree, from the right: a token's operands are the
 * subtrees that start right after it. A well-formed expression leaves exactly one tree.
 */
static int
expr_link(struct cursor *c, struct sg_token *t, size_t n)
{
	size_t	*stack, depth = 0, i, arity, k;
	int	 rc = 0;

	if (n == 0)
		return 0;
	if ((stack = calloc(n, sizeof(*stack))) == NULL)
		return failf(c, "out of memory");
	for (i = n; i-- > 0;) {
		arity = t[i].type == SG_TOK_NOT ? 1 :
		    (t[i].type == SG_TOK_AND || t[i].type == SG_TOK_OR) ? 2 : 0;
		if (depth < arity) {
			rc = failf(c, "the expression's token %zu (%s) lacks operands", i + 1,
			    tok_names[t[i].type]);
			goto out;
		}
		t[i].end = i + 1;
		for (k = 0; k < arity; k++)
			t[i].end = t[stack[--depth]].end;
		stack[depth++] = i;
	}
	if (depth != 1)
		rc = failf(c, "the expression is %zu trees, not one", depth);
out:
	free(stack);
	return rc;
}

static int
expr_parse(struct cursor *c, struct sg_rule *r)
{
	unsigned long	 n;
	size_t		 i;

	if (keyword(c, "expr") == -1 || space(c, "the token count") == -1 ||
	    number(c, &n, TOKENS_MAX, "the token count") == -1)
		return -1;
	if (n == 0)
		return failf(c, "an expression has at least one token");
	if (eol(c) == -1)
		return -1;
	if (n > 0 && (r->expr = calloc(n, sizeof(*r->expr))) == NULL)
		return failf(c, "out of memory");
	for (i = 0; i < n; i++) {
		r->nexpr = i + 1;
		if (token_parse(c, &r->expr[i]) == -1)
			return -1;
	}
	r->nexpr = n;
	return expr_link(c, r->expr, r->nexpr);
}

static int
at_word(const struct cursor *c, const char *w)
{
	size_t	 n = strlen(w);

	return c->len - c->pos >= n && memcmp(c->text + c->pos, w, n) == 0 &&
	    (c->len - c->pos == n || c->text[c->pos + n] == ' ' || c->text[c->pos + n] == '\n');
}

static int
rule_parse(struct cursor *c, struct sg_rule *r)
{
	if (filter_parse(c, r) == -1)
		return -1;
	if (at_word(c, "as")) {
		c->pos += 2;
		if (as_parse(c, r) == -1)
			return -1;
	}
	if (at_word(c, "pred")) {
		c->pos += 4;
		if (pred_parse(c, r) == -1)
			return -1;
	}
	return expr_parse(c, r);
}

static int
rules_parse(struct cursor *c, struct sg_policy *p)
{
	struct sg_rule	*nr;
	size_t		 cap = 0;

	while (!at_word(c, "end")) {
		if (!at_word(c, "filter"))
			return failf(c, "expected 'filter' or 'end'");
		if (p->nrules == RULES_MAX)
			return failf(c, "more than %d rules", RULES_MAX);
		if (p->nrules == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nr = reallocarray(p->rules, cap, sizeof(*nr))) == NULL)
				return failf(c, "out of memory");
			p->rules = nr;
		}
		memset(&p->rules[p->nrules], 0, sizeof(p->rules[p->nrules]));
		p->nrules++;
		if (rule_parse(c, &p->rules[p->nrules - 1]) == -1)
			return -1;
	}
	c->pos += 3;
	if (eol(c) == -1)
		return -1;
	if (c->pos != c->len)
		return failf(c, "text after 'end'");
	return 0;
}

static int
header_parse(struct cursor *c, struct sg_policy *p)
{
	unsigned long	 n;

	if (keyword(c, "sysgate-policy") == -1 || space(c, "the version") == -1 ||
	    number(c, &n, 1000, "the version") == -1)
		return -1;
	if (n != 1)
		return failf(c, "version %lu is not supported (expected 1)", n);
	if (eol(c) == -1 || keyword(c, "policy") == -1 || space(c, "the name") == -1 ||
	    lenbytes(c, &p->header, NULL, "the name") == -1 || eol(c) == -1)
		return -1;
	if (keyword(c, "detached") == -1 || space(c, "0 or 1") == -1 ||
	    number(c, &n, 1, "0 or 1") == -1 || eol(c) == -1)
		return -1;
	p->detached = (int)n;
	return 0;
}

struct sg_policy *
sg_policy_read(const char *text, size_t len, char *err, size_t errsize)
{
	struct cursor	 c = { text, len, 0, 1, err, errsize };
	struct sg_policy *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if (header_parse(&c, p) == -1 || rules_parse(&c, p) == -1) {
		sg_policy_free(p);
		return NULL;
	}
	if (sg_index_build(p) == -1) {
		snprintf(err, errsize, "out of memory");
		sg_policy_free(p);
		return NULL;
	}
	return p;
}

static void
rule_free(struct sg_rule *r)
{
	size_t	 i;

	for (i = 0; i < r->nexpr; i++) {
		free(r->expr[i].arg);
		free(r->expr[i].value);
		if (r->expr[i].re_ok)
			regfree(&r->expr[i].re);
	}
	free(r->expr);
	free(r->call);
}

static void
policy_clear(struct sg_policy *p)
{
	size_t	 i;

	sg_index_free(p->index);
	for (i = 0; i < p->nrules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	free(p->header);
	free(p->name);
}

void
sg_policy_free(struct sg_policy *p)
{
	if (p == NULL)
		return;
	policy_clear(p);
	free(p);
}

static struct sg_policy *installed[POLICIES_MAX];
static size_t ninstalled;

struct sg_policy *
sg_policy_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < ninstalled; i++)
		if (strcmp(installed[i]->name, name) == 0)
			return installed[i];
	return NULL;
}

struct sg_policy *
sg_policy_install(const char *name, struct sg_policy *p)
{
	struct sg_policy *old;

	if ((p->name = strdup(name)) == NULL) {
		sg_policy_free(p);
		return NULL;
	}
	if ((old = sg_policy_find(name)) != NULL) {
		/* Keep the address processes hold; swap the contents. */
		policy_clear(old);
		*old = *p;
		free(p);
		return old;
	}
	if (ninstalled == POLICIES_MAX) {
		sg_policy_free(p);
		return NULL;
	}
	installed[ninstalled++] = p;
	return p;
}

void
sg_policy_clear_all(void)
{
	size_t	 i;

	for (i = 0; i < ninstalled; i++)
		sg_policy_free(installed[i]);
	ninstalled = 0;
}
