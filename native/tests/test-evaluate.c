/* The evaluator's basics: first match wins, aliases, predicates, each operator. */

#include <errno.h>
#include <string.h>

#include "check.h"
#include "evaluate.h"

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
	struct sg_request	 req = { call, alias, uid, 100, &arg, filename ? 1 : 0 };
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

int
main(void)
{
	first_match_and_aliases();
	predicates_and_missing_arguments();
	operators();
	return check_summary("test-evaluate");
}
