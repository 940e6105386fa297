/*
 * The evaluator's basics: first match wins, aliases, predicates, each operator; the index
 * never changes a decision; what a decision looked at in the caller's memory.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evaluate.h"
#include "index.h"

static struct sg_policy *
load(const char *body)
{
	char	 text[4096], err[256];
	struct sg_policy *p;

	snprintf(text, sizeof(text), "sysgate-policy 1\npolicy 1:x\ndetached 0\n%send\n", body);
	p = sg_policy_read(text, strlen(text), err, sizeof(err));
	if (p == NULL)
		fprintf(stderr, "load: %s\n", err);
	return p;
}

static struct sg_decision
decide(const struct sg_policy *p, const char *call, const char *alias, const char *filename,
    unsigned long uid)
{
	struct sg_targ		 arg = { "filename", 0, filename };
	struct sg_request	 req = { call, alias, uid, 100, &arg, filename ? 1 : 0, NULL, NULL };
	struct sg_decision	 d;

	sg_evaluate(p, &req, &d);
	return d;
}

static void
first_match_and_aliases(void)
{
	struct sg_policy	*p;
	struct sg_decision	 d;

	p = load("filter 2 1 fsread deny 2 l\nexpr 1\nsym filename 0 eq 11:/etc/shadow\n"
	    "filter 3 1 openat permit 0 -\nexpr 1\ntrue\n"
	    "filter 4 1 fsread permit 0 -\nexpr 1\ntrue\n");
	CHECK(p != NULL);
	d = decide(p, "openat", "fsread", "/etc/shadow", 0);
	CHECK(d.action == SG_ACT_DENY && d.error == ENOENT && d.log && d.line == 2);
	d = decide(p, "openat", NULL, "/etc/shadow", 0);
	CHECK(d.action == SG_ACT_PERMIT && d.line == 3);
	d = decide(p, "stat", "fsread", "/etc/passwd", 0);
	CHECK(d.action == SG_ACT_PERMIT && d.line == 4);
	d = decide(p, "unlink", "fswrite", "/etc/passwd", 0);
	CHECK(d.action == SG_ACT_ASK && d.line == 0);
	sg_policy_free(p);
}

static void
predicates_and_missing_arguments(void)
{
	struct sg_policy	*p;
	struct sg_decision	 d;

	p = load("filter 1 1 setuid deny 1 -\npred user gt 999\nexpr 1\ntrue\n"
	    "filter 2 1 setuid permit 0 -\nexpr 1\nsym filename 0 neq 1:x\n");
	d = decide(p, "setuid", NULL, NULL, 1000);
	CHECK(d.action == SG_ACT_DENY && d.error == EPERM);
	/* neq on an argument the call lacks is false, not true. */
	d = decide(p, "setuid", NULL, NULL, 0);
	CHECK(d.action == SG_ACT_ASK);
	d = decide(p, "setuid", NULL, "y", 0);
	CHECK(d.action == SG_ACT_PERMIT);
	sg_policy_free(p);
}

static int
op(const char *opname, const char *pattern, const char *value)
{
	char		 body[512];
	struct sg_policy *p;
	struct sg_decision d;

	snprintf(body, sizeof(body), "filter 1 1 c permit 0 -\nexpr 1\nsym filename 0 %s %zu:%s\n",
	    opname, strlen(pattern), pattern);
	if ((p = load(body)) == NULL)
		return -1;
	d = decide(p, "c", NULL, value, 0);
	sg_policy_free(p);
	return d.action == SG_ACT_PERMIT;
}

static void
operators(void)
{
	CHECK(op("eq", "/a", "/a") == 1);
	CHECK(op("eq", "/a", "/A") == 0);
	CHECK(op("neq", "/a", "/b") == 1);
	CHECK(op("match", "/usr/lib", "/usr/lib/x/y.so") == 1);
	CHECK(op("match", "/home/*", "/home/u/.ssh/id") == 1);
	CHECK(op("match", "/home/*.c", "/home/a/b.c") == 0);
	CHECK(op("match", "/usr/lib", "/usr/libexec") == 0);
	CHECK(op("sub", "ro", "rw") == 0);
	CHECK(op("sub", "", "rw") == 1);
	CHECK(op("nsub", "w", "ro") == 1);
	CHECK(op("re", "^/tmp/[0-9]+$", "/tmp/123") == 1);
	CHECK(op("re", "tmp", "/var/tmp/x") == 1);
	CHECK(op("re", "(", "(") == 0);
	/* inpath: the argument is the value, or a directory on the way to it. */
	CHECK(op("inpath", "/usr/bin", "/usr/bin") == 1);
	CHECK(op("inpath", "/usr/bin", "/usr") == 1);
	CHECK(op("inpath", "/usr/bin", "/") == 1);
	CHECK(op("inpath", "/usr/bin", "/usr/bin/ls") == 0);
	CHECK(op("inpath", "/usrx/bin", "/usr") == 0);
	CHECK(op("inpath", "/usr/bin", "") == 0);
}

/* A learned policy: runs of `eq` rules of an alias, with rules of the call between them. */
static void
runs_of_eq_rules(void)
{
	char		 body[65536], *b = body;
	char		 name[64];
	struct sg_policy *p;
	struct sg_decision d;
	int		 i;

	for (i = 0; i < 40; i++) {
		if (i == 20)
			b += sprintf(b, "filter 900 1 openat deny 13 -\nexpr 1\n"
			    "sym filename 0 eq 7:/run/19\n");
		snprintf(name, sizeof(name), "/run/%d", i % 30);
		b += sprintf(b, "filter %d 1 fsread %s 0 -\nexpr 1\nsym filename 0 eq %zu:%s\n",
		    i + 1, i == 35 ? "ask" : "permit", strlen(name), name);
	}
	CHECK((p = load(body)) != NULL);
	d = decide(p, "openat", "fsread", "/run/3", 0);
	CHECK(d.action == SG_ACT_PERMIT && d.line == 4);
	/* The openat rule comes after /run/19's first rule, and before its second. */
	d = decide(p, "openat", "fsread", "/run/19", 0);
	CHECK(d.action == SG_ACT_PERMIT && d.line == 20);
	d = decide(p, "openat", "fsread", "/run/25", 0);
	CHECK(d.action == SG_ACT_PERMIT && d.line == 26);
	/* /run/5 is rule 6 (and 36, an ask, which the first one hides). */
	d = decide(p, "openat", "fsread", "/run/5", 0);
	CHECK(d.action == SG_ACT_PERMIT && d.line == 6);
	d = decide(p, "openat", "fsread", "/run/99", 0);
	CHECK(d.action == SG_ACT_ASK && d.line == 0);
	d = decide(p, "openat", NULL, "/run/19", 0);
	CHECK(d.action == SG_ACT_DENY && d.error == EACCES && d.line == 900);
	d = decide(p, "openat", "fsread", NULL, 0);
	CHECK(d.action == SG_ACT_ASK);
	sg_policy_free(p);
}

static uint32_t rng = 2463534242U;

static unsigned
pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng % n;
}

static const char *const calls[] = { "openat", "fsread", "stat", "fswrite" };
static const char *const values[] = { "/a", "/b", "/c", "/a/b", "ro", "rw" };
static const char *const args[] = { "filename", "oflags" };

/* One random filter, mostly plain `eq` rules so that runs form. */
static char *
random_filter(char *b, int line)
{
	const char	*v = values[pick(6)];
	static const char *const ops[] = { "neq", "match", "sub", "inpath" };

	int		 deny = pick(3) == 0;

	b += sprintf(b, "filter %d 1 %s %s %d -\n", line, calls[pick(4)],
	    deny ? "deny" : "permit", deny);
	if (pick(8) == 0)
		b += sprintf(b, "pred user %s %u\n", pick(2) ? "eq" : "gt", pick(3));
	if (pick(10) == 0)
		return b + sprintf(b, "expr 1\ntrue\n");
	if (pick(10) == 0)
		return b + sprintf(b, "expr 3\nor\nsym filename 0 eq 2:/a\nsym %s 0 %s %zu:%s\n",
		    args[pick(2)], ops[pick(4)], strlen(v), v);
	return b + sprintf(b, "expr 1\nsym %s %u eq %zu:%s\n", args[pick(5) == 0],
	    pick(6) == 0, strlen(v), v);
}

/* The index against trying every rule, on random policies and calls. */
static void
index_agrees_with_each_rule(void)
{
	static const char *const memory[] = { "filename", NULL };
	static char	 body[1 << 16];
	struct sg_targ	 targ[3];
	struct sg_request req;
	struct sg_decision a, e;
	struct sg_policy *p;
	char		*b;
	size_t		 k;
	int		 round, i, n, differ = 0, with_runs = 0;

	for (round = 0; round < 2000; round++) {
		b = body;
		n = 1 + (int)pick(60);
		for (i = 0; i < n; i++)
			b = random_filter(b, i + 1);
		if ((p = load(body)) == NULL) {
			CHECK(p != NULL);
			return;
		}
		for (k = 0; k < p->index->nslots; k++)
			if (p->index->lists[k].nruns > 0) {
				with_runs++;
				break;
			}
		for (i = 0; i < 40; i++) {
			targ[0] = (struct sg_targ){ "filename", 0, values[pick(4)] };
			targ[1] = (struct sg_targ){ "filename", 1, values[pick(4)] };
			targ[2] = (struct sg_targ){ "oflags", 0, values[4 + pick(2)] };
			memset(&req, 0, sizeof(req));
			req.call = pick(2) ? "openat" : "stat";
			req.alias = pick(3) ? (pick(2) ? "fsread" : "fswrite") : NULL;
			req.uid = pick(3);
			req.args = targ;
			req.nargs = pick(4);
			req.memory = pick(4) ? memory : NULL;
			sg_evaluate(p, &req, &a);
			sg_evaluate_each(p, &req, &e);
			differ += memcmp(&a, &e, sizeof(a)) != 0;
		}
		sg_policy_free(p);
	}
	CHECK(differ == 0);
	/* The random policies do exercise the runs. */
	CHECK(with_runs > 200);
}

/* Whether a decision looked at a translation read from the caller's memory. */
static void
memory_dependence(void)
{
	static const char *const memory[] = { "filename", NULL };
	struct sg_targ	 arg = { "filename", 0, "/etc/hostname" };
	struct sg_request req = { "openat", "fsread", 0, 0, &arg, 1, memory, NULL };
	struct sg_policy *p;
	struct sg_decision d;

	/* Nothing but `true` for this call: the name played no part. */
	p = load("filter 1 1 unlink deny 1 -\nexpr 1\nsym filename 0 eq 1:/\n"
	    "filter 2 1 openat permit 0 -\nexpr 1\ntrue\n");
	sg_evaluate(p, &req, &d);
	CHECK(d.action == SG_ACT_PERMIT && !d.memory);
	sg_policy_free(p);
	/* A rule tried before the one that decides compared the name: it played a part. */
	p = load("filter 1 1 fsread deny 1 -\nexpr 1\nsym filename 0 eq 11:/etc/shadow\n"
	    "filter 2 1 openat permit 0 -\nexpr 1\ntrue\n");
	sg_evaluate(p, &req, &d);
	CHECK(d.action == SG_ACT_PERMIT && d.memory);
	/* Unless it is not from memory. */
	req.memory = NULL;
	sg_evaluate(p, &req, &d);
	CHECK(d.action == SG_ACT_PERMIT && !d.memory);
	sg_policy_free(p);
}

int
main(void)
{
	first_match_and_aliases();
	predicates_and_missing_arguments();
	operators();
	runs_of_eq_rules();
	index_agrees_with_each_rule();
	memory_dependence();
	return check_summary("test-evaluate");
}
