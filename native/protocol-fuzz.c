/*
 * A bounded fuzzer of everything that reads host input: the frame reader (whole and in
 * pieces), the nested-field reader, the compiled-policy reader, and the run-plan checker.
 *
 * LLVMFuzzerTestOneInput is the libFuzzer entry point (build with -DSG_LIBFUZZER and
 * -fsanitize=fuzzer). Without libFuzzer, main() mutates a built-in seed corpus with a fixed
 * seed, so every run is reproducible:
 *
 *   protocol-fuzz [-n iterations] [-t seconds] [-s seed] [file ...]
 *
 * Files given are run once each (to replay a crash). `make fuzz` runs it under
 * AddressSanitizer and UBSan.
 */

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evaluate.h"
#include "plan.h"
#include "policy.h"
#include "protocol.h"

#define INPUT_MAX	(64 * 1024)

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
read_nested(const struct sg_frame *f)
{
	struct sg_field		 nested[SG_FIELDS_MAX];
	struct sg_parse_error	 err;
	size_t			 i, n;

	for (i = 0; i < f->nfields; i++)
		sg_fields_parse(f->fields[i].val, f->fields[i].len, nested, SG_FIELDS_MAX, &n, &err);
}

static void
read_policy(const char *text, size_t len)
{
	char			 err[256];
	struct sg_policy	*p;
	static const char *const memory[] = { "filename", NULL };
	struct sg_targ		 arg = { "filename", 0, "/etc/passwd" };
	struct sg_request	 req = { "openat", "fsread", 0, 0, &arg, 1, memory, NULL };
	struct sg_decision	 d, each;

	if ((p = sg_policy_read(text, len, err, sizeof(err))) != NULL) {
		/* The index must never change a decision. */
		sg_evaluate(p, &req, &d);
		sg_evaluate_each(p, &req, &each);
		if (memcmp(&d, &each, sizeof(d)) != 0)
			abort();
		sg_policy_free(p);
	}
}

/* Feeds the input in pieces whose sizes the input itself chooses, frame by frame. */
static void
read_stream(const uint8_t *data, size_t size)
{
	static struct sg_frame	 f;
	struct sg_reader	 r;
	struct sg_parse_error	 err;
	unsigned long long	 off;
	size_t			 pos = 0, chunk;
	const struct sg_field	*text;
	enum sg_parse		 res;

	sg_reader_init(&r);
	while (pos < size) {
		chunk = 1 + data[pos] % 97;
		if (chunk > size - pos)
			chunk = size - pos;
		if (sg_reader_feed(&r, (const char *)data + pos, chunk) == -1)
			break;
		pos += chunk;
		while ((res = sg_reader_next(&r, &f, &err, &off)) != SG_PARSE_MORE) {
			if (res == SG_PARSE_ERROR)
				continue;
			if (r.start > r.len) {
				fprintf(stderr, "the reader moved past its input\n");
				abort();
			}
			read_nested(&f);
			if ((text = sg_frame_get(&f, "text")) != NULL)
				read_policy(text->val, text->len);
		}
	}
	sg_reader_free(&r);
}

/* A plan of `sysgate -a true` in /: whatever it holds, its checks end, and free all. */
static void
read_plan(const uint8_t *data, size_t size)
{
	static char		 name[] = "sysgate", a[] = "-a", cmd[] = "true";
	static char		*argv[] = { name, a, cmd, NULL };
	static struct sg_plan	 plan;
	char			 why[PATH_MAX + 512];

	memset(&plan, 0, sizeof(plan));
	if ((plan.data = malloc(size + 1)) == NULL)
		return;
	memcpy(plan.data, data, size);
	plan.len = size;
	if (sg_plan_check(&plan, 3, argv, "/", why, sizeof(why)) == 0 &&
	    (plan.preamble < plan.data || plan.preamble + plan.preamble_len !=
	    plan.data + plan.len || plan.command.n == 0)) {
		fprintf(stderr, "a plan's preamble outside the plan, or no command\n");
		abort();
	}
	sg_plan_free(&plan);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sg_frame	 f;
	struct sg_parse_error	 err;
	size_t			 used = 0;

	if (sg_frame_parse((const char *)data, size, &f, &used, &err) == SG_PARSE_FRAME &&
	    used > size) {
		fprintf(stderr, "frame longer than the input\n");
		abort();
	}
	read_stream(data, size);
	read_policy((const char *)data, size);
	read_plan(data, size);
	return 0;
}

#ifndef SG_LIBFUZZER

static const char *const seeds[] = {
	"hello version=1:1 features=11:sync-wakeup\n",
	"answer id=2:17 action=6:permit\nanswer id=1:3 action=4:deny errno=2:13\n",
	"kill pid=4:1234\nkill\nstart\n",
	"decide policy=1:a call=6:openat alias=6:fsread uid=1:0 gid=1:0 "
	    "args=35:filename=11:/etc/passwd oflags=2:ro\n",
	"policy name=7:/bin/ls text=124:sysgate-policy 1\npolicy 7:/bin/ls\ndetached 0\n"
	    "filter 2 2 fsread permit 0 l\nexpr 3\nand\nsym filename 0 match 6:/etc/*\n"
	    "true\nend\n\n",
	"sysgate-policy 1\npolicy 7:/bin/ls\ndetached 0\nfilter 2 2 fsread deny 2 l\n"
	    "pred user ne 0\nexpr 4\nor\nnot\nsym filename 0 re 5:^/tm\ntrue\nend\n",
	"sysgate-policy 1\npolicy 0:\ndetached 1\nfilter 1 1 execve permit 0 lid\nexpr 1\n"
	    "sym filename 1 inpath 4:/usr\nend\n",
	"plan version=1:1\nkey uid=1:0 cwd=1:/ argc=1:2\narg value=2:-a\narg value=4:true\n"
	    "input path=12:/nonexistent id=6:absent\nsay text=3:hi\n"
	    "option value=6:--mode\noption value=7:enforce\ncommand value=4:true\n"
	    "kernel handled=1:4 allow=4:open\nstart\n",
};

static const char *const tokens[] = {
	" ", "\n", "=", ":", "0", "1", "9", "1048576", "999999", "a", "-", "_", ".",
	"sym ", "expr ", "filter ", "end\n", "pred ", "not\n", "and\n", "or\n", "true\n",
	"text=", "args=", "[", "*", "(", "\\",
	"arg ", "value=", "command ", "start\n", "policy ", "kernel ",
};

static uint64_t rng;

static uint64_t
next_random(void)
{
	/* xorshift64*: small, fast, and the same on every machine for a given seed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static size_t
pick(size_t n)
{
	return n == 0 ? 0 : (size_t)(next_random() % n);
}

static void
insert(uint8_t *buf, size_t *len, size_t at, const void *what, size_t n)
{
	uint8_t	 copy[256];

	/* what may lie inside buf itself: copy it out before moving buf. */
	if (*len + n > INPUT_MAX || n > sizeof(copy))
		return;
	memcpy(copy, what, n);
	memmove(buf + at + n, buf + at, *len - at);
	memcpy(buf + at, copy, n);
	*len += n;
}

static void
mutate(uint8_t *buf, size_t *len)
{
	size_t		 at = pick(*len + 1), n, from;
	const char	*t;
	uint8_t		 b;

	switch (pick(6)) {
	case 0:		/* flip a bit */
		if (*len > 0)
			buf[pick(*len)] ^= (uint8_t)(1u << pick(8));
		break;
	case 1:		/* a random byte */
		b = (uint8_t)next_random();
		insert(buf, len, at, &b, 1);
		break;
	case 2:		/* cut a run */
		n = pick(16) + 1;
		if (at + n <= *len) {
			memmove(buf + at, buf + at + n, *len - at - n);
			*len -= n;
		}
		break;
	case 3:		/* a token of the grammar */
		t = tokens[pick(sizeof(tokens) / sizeof(tokens[0]))];
		insert(buf, len, at, t, strlen(t));
		break;
	case 4:		/* repeat a run of itself */
		if (*len > 0) {
			from = pick(*len);
			n = pick(*len - from) + 1;
			if (n > 256)
				n = 256;
			insert(buf, len, at, buf + from, n);
		}
		break;
	default:	/* change a digit, where lengths live */
		for (n = 0; n < 8 && *len > 0; n++) {
			from = pick(*len);
			if (buf[from] >= '0' && buf[from] <= '9') {
				buf[from] = (uint8_t)('0' + pick(10));
				break;
			}
		}
		break;
	}
}

static int
run_file(const char *path)
{
	static uint8_t	 buf[INPUT_MAX];
	FILE		*fp;
	size_t		 n;

	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		return 1;
	}
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

int
main(int argc, char *argv[])
{
	static uint8_t	 buf[INPUT_MAX];
	unsigned long	 iterations = 200000, seconds = 10, i;
	unsigned long long seed = 0x5359534741544531ULL;
	size_t		 len, k, nseeds = sizeof(seeds) / sizeof(seeds[0]);
	time_t		 start = time(NULL);
	int		 a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-n") == 0 && a + 1 < argc)
			iterations = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "-t") == 0 && a + 1 < argc)
			seconds = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "-s") == 0 && a + 1 < argc)
			seed = strtoull(argv[++a], NULL, 0);
		else
			return run_file(argv[a]);
	}
	rng = seed ? seed : 1;
	for (i = 0; i < iterations; i++) {
		if ((i & 1023) == 0 && (unsigned long)(time(NULL) - start) >= seconds)
			break;
		len = strlen(seeds[i % nseeds]);
		memcpy(buf, seeds[i % nseeds], len);
		for (k = pick(8) + 1; k > 0; k--)
			mutate(buf, &len);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("protocol-fuzz: %lu inputs in %ld s, seed 0x%llx\n", i, (long)(time(NULL) - start),
	    seed);
	return 0;
}

#endif /* SG_LIBFUZZER */
