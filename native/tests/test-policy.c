/* The compiled-policy reader: good policies, and malformed ones rejected with their line. */

#include <string.h>

#include "check.h"
#include "policy.h"

static char err[256];

static struct sg_policy *
read_text(const char *s)
{
	err[0] = '\0';
	return sg_policy_read(s, strlen(s), err, sizeof(err));
}

static void
rejected_at(const char *s, const char *where)
{
	struct sg_policy *p = read_text(s);

	CHECK(p == NULL);
	CHECK(strncmp(err, where, strlen(where)) == 0);
	if (p == NULL && strncmp(err, where, strlen(where)) != 0)
		fprintf(stderr, "  got: %s\n  for: %s\n", err, s);
	sg_policy_free(p);
}

#define HEAD "sysgate-policy 1\npolicy 7:/bin/ls\ndetached 0\n"

static void
good_policy(void)
{
	struct sg_policy *p;

	p = read_text(HEAD
	    "filter 2 2 fsread permit 0 l\n"
	    "pred user ne 0\n"
	    "expr 3\n"
	    "and\n"
	    "sym filename 0 match 6:/etc/*\n"
	    "sym oflags 0 sub 2:ro\n"
	    "filter 3 2 connect deny 13 -\n"
	    "expr 1\n"
	    "true\n"
	    "filter 4 2 execve permit 0 id\n"
	    "expr 1\n"
	    "sym filename 1 eq 10:/a\nb c d e\n"
	    "end\n");
	CHECK(p != NULL);
	if (p == NULL) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK(strcmp(p->header, "/bin/ls") == 0 && p->detached == 0 && p->nrules == 3);
	CHECK(p->rules[0].log && p->rules[0].pred_subject == SG_PRED_USER &&
	    p->rules[0].pred_op == SG_PRED_NE && p->rules[0].nexpr == 3);
	CHECK(p->rules[0].expr[0].end == 3 && p->rules[0].expr[1].end == 2);
	CHECK(p->rules[1].action == SG_ACT_DENY && p->rules[1].error == 13);
	CHECK(p->rules[2].inherit && p->rules[2].detach && p->rules[2].expr[0].index == 1);
	CHECK(p->rules[2].expr[0].valuelen == 10 && memcmp(p->rules[2].expr[0].value, "/a\nb", 4) == 0);
	sg_policy_free(p);

	/* `as uid gid` after a plain permit, before its pred. */
	p = read_text(HEAD "filter 1 1 bind permit 0 -\nas 0 0\nexpr 1\ntrue\n"
	    "filter 2 1 openat permit 0 l\nas 33 4294967295\npred user eq 65534\nexpr 1\ntrue\n"
	    "filter 3 1 openat permit 0 -\nexpr 1\ntrue\nend\n");
	CHECK(p != NULL && p->nrules == 3);
	if (p != NULL) {
		CHECK(p->rules[0].elevated && p->rules[0].as_uid == 0 && p->rules[0].as_gid == 0);
		CHECK(p->rules[1].elevated && p->rules[1].as_uid == 33 &&
		    p->rules[1].as_gid == 4294967295U && p->rules[1].pred_subject == SG_PRED_USER);
		CHECK(!p->rules[2].elevated);
	}
	sg_policy_free(p);

	p = read_text("sysgate-policy 1\npolicy 0:\ndetached 1\nend\n");
	CHECK(p != NULL && p->detached == 1 && p->nrules == 0);
	sg_policy_free(p);
}

static void
malformed_policies(void)
{
	rejected_at("", "line 1:");
	rejected_at("sysgate-policy 2\n", "line 1:");
	rejected_at("sysgate-policy 1\npolicy 9:/bin/ls\ndetached 0\nend\n", "line 3:");
	rejected_at("sysgate-policy 1\npolicy 7:/bin/ls\ndetached 2\nend\n", "line 3:");
	rejected_at(HEAD "end\nextra\n", "line 5:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nexpr 1\ntrue\n", "line 7:");
	rejected_at(HEAD "filter 1 1 open allow 0 -\nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "filter 1 1 open permit 0 q\nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nexpr 2\nnot\nend\n", "line 7:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nexpr 2\ntrue\ntrue\nend\n", "line 8:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nexpr 1\nand\nend\n", "line 7:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nexpr 1\nsym filename 0 like 1:x\nend\n",
	    "line 6:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nexpr 1\nsym filename 0 eq 5:x\nend\n",
	    "line 8:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\npred others eq 0\nexpr 1\ntrue\nend\n",
	    "line 5:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nexpr 1\nsym filename 0 eq 3:a\nb\n"
	    "bogus\nend\n", "line 8:");
	rejected_at(HEAD "filter x 1 open permit 0 -\nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "filter 1 1 open permit 99999 -\nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "filter 1 1 open permit 0 -  \nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "end", "line 4:");
	rejected_at(HEAD "filter 1 1 open deny 0 -\nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "filter 1 1 open permit 13 -\nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "filter 1 1 open permit 0 dl\nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "filter 1 1 open permit 0 ll\nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "filter 01 1 open permit 0 -\nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "filter 1 1 op-en permit 0 -\nexpr 1\ntrue\nend\n", "line 4:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nexpr 0\nend\n", "line 5:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nexpr 1\nsym file.name 0 eq 1:x\nend\n",
	    "line 6:");
	/* `as` only after a plain permit, with two ids. */
	rejected_at(HEAD "filter 1 1 open deny 1 -\nas 0 0\nexpr 1\ntrue\nend\n", "line 5:");
	rejected_at(HEAD "filter 1 1 open permit 0 i\nas 0 0\nexpr 1\ntrue\nend\n", "line 5:");
	rejected_at(HEAD "filter 1 1 open permit 0 d\nas 0 0\nexpr 1\ntrue\nend\n", "line 5:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nas 0\nexpr 1\ntrue\nend\n", "line 5:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\nas 0 4294967296\nexpr 1\ntrue\nend\n",
	    "line 5:");
	rejected_at(HEAD "filter 1 1 open permit 0 -\npred user eq 0\nas 0 0\nexpr 1\ntrue\n"
	    "end\n", "line 6:");
}

static void
store_keeps_addresses(void)
{
	struct sg_policy *a, *b, *stored;

	a = read_text(HEAD "end\n");
	stored = sg_policy_install("/bin/ls", a);
	CHECK(stored != NULL && sg_policy_find("/bin/ls") == stored);
	b = read_text(HEAD "filter 1 1 open permit 0 -\nexpr 1\ntrue\nend\n");
	CHECK(sg_policy_install("/bin/ls", b) == stored);
	CHECK(stored->nrules == 1 && strcmp(stored->name, "/bin/ls") == 0);
	CHECK(sg_policy_find("/bin/cat") == NULL);
	sg_policy_clear_all();
}

int
main(void)
{
	good_policy();
	malformed_policies();
	store_keeps_addresses();
	return check_summary("test-policy");
}
