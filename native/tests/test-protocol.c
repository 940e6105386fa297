/* The frame reader and writer: good frames, every malformed shape, and resynchronisation. */

#include <string.h>

#include "check.h"
#include "protocol.h"

static struct sg_frame f;

static enum sg_parse
parse(const char *s, size_t *used, struct sg_parse_error *err)
{
	return sg_frame_parse(s, strlen(s), &f, used, err);
}

static int
field_is(const char *key, const char *val)
{
	const struct sg_field *fl = sg_frame_get(&f, key);

	return fl != NULL && fl->len == strlen(val) && memcmp(fl->val, val, fl->len) == 0;
}

static void
good_frames(void)
{
	struct sg_parse_error	 err;
	size_t			 used = 0;

	CHECK(parse("start\n", &used, &err) == SG_PARSE_FRAME);
	CHECK(used == 6 && strcmp(f.verb, "start") == 0 && f.nfields == 0);

	CHECK(parse("need-policy pid=4:1234 path=8:/bin/foo\nrest", &used, &err) ==
	    SG_PARSE_FRAME);
	CHECK(strcmp(f.verb, "need-policy") == 0 && f.nfields == 2);
	CHECK(field_is("pid", "1234") && field_is("path", "/bin/foo"));
	CHECK(used == strlen("need-policy pid=4:1234 path=8:/bin/foo\n"));

	/* Values hold anything: spaces, newlines, '='. */
	CHECK(parse("x a=5:a b\nc e_2-x=0:\n", &used, &err) == SG_PARSE_FRAME);
	CHECK(field_is("a", "a b\nc") && field_is("e_2-x", ""));
}

static void
incomplete_frames(void)
{
	struct sg_parse_error	 err;
	size_t			 used;
	const char		*whole = "answer id=2:17 action=6:permit\n";
	size_t			 i;

	for (i = 0; i < strlen(whole); i++)
		CHECK(sg_frame_parse(whole, i, &f, &used, &err) == SG_PARSE_MORE);
	CHECK(sg_frame_parse(whole, strlen(whole), &f, &used, &err) == SG_PARSE_FRAME);
}

static void
bad(const char *s, size_t offset)
{
	struct sg_parse_error	 err;
	size_t			 used;

	memset(&err, 0, sizeof(err));
	CHECK(parse(s, &used, &err) == SG_PARSE_ERROR);
	CHECK(err.offset == offset);
	CHECK(err.expected != NULL);
}

static void
malformed_frames(void)
{
	bad("\n", 0);			/* no verb */
	bad("Start\n", 0);		/* upper case */
	bad("start\r\n", 5);		/* CR after the verb */
	bad("x  a=1:b\n", 2);		/* two spaces: an empty key */
	bad("x a\n", 3);		/* no '=' */
	bad("x A=1:b\n", 2);		/* key upper case */
	bad("x a=:b\n", 4);		/* no length */
	bad("x a=01:b\n", 5);		/* leading zero */
	bad("x a=1b\n", 5);		/* no ':' */
	bad("x a=-1:b\n", 4);		/* a sign */
	bad("x a=1:bc\n", 7);		/* value longer than said */
	bad("x a=99999999:b\n", 11);	/* too many digits */
	bad("x a=2000000:b\n", 4);	/* over the frame limit */
	bad("x a=1:b\tc\n", 7);		/* no space between fields */
	bad("x aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1:b\n", 34);	/* key of 33 bytes */
	bad("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 32);		/* verb of 33 bytes */
}

static void
too_many_fields(void)
{
	char			 buf[2048];
	size_t			 n = 0, used;
	int			 i;
	struct sg_parse_error	 err;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "x");
	for (i = 0; i < 65; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " k%d=1:v", i);
	snprintf(buf + n, sizeof(buf) - n, "\n");
	CHECK(parse(buf, &used, &err) == SG_PARSE_ERROR);
	buf[n - 8] = '\n';	/* cut the 65th field: 64 fields are fine */
	buf[n - 7] = '\0';
	CHECK(parse(buf, &used, &err) == SG_PARSE_FRAME);
	CHECK(f.nfields == 64);
}

static void
oversized_frame(void)
{
	static char		 big[SG_FRAME_MAX + 16];
	struct sg_parse_error	 err;
	size_t			 used;

	memset(big, 'a', sizeof(big));
	CHECK(sg_frame_parse(big, sizeof(big), &f, &used, &err) == SG_PARSE_ERROR);
	memcpy(big, "x a=1000000:", 12);
	CHECK(sg_frame_parse(big, sizeof(big), &f, &used, &err) == SG_PARSE_ERROR);
	CHECK(sg_frame_parse(big, 500000, &f, &used, &err) == SG_PARSE_MORE);
}

static void
reader_resyncs(void)
{
	struct sg_reader	 r;
	struct sg_parse_error	 err;
	unsigned long long	 off = 0;
	const char		*in = "ok a=1:x\nbad frame here\nBAD\nstart\nanswer id=1:7\n";
	const char		*verbs[8];
	int			 nverbs = 0, nerrors = 0;
	enum sg_parse		 res;
	size_t			 i;
	unsigned long long	 offs[8];

	sg_reader_init(&r);
	/* Byte by byte: the reader must give the same answers as with everything at once. */
	for (i = 0; i < strlen(in); i++) {
		CHECK(sg_reader_feed(&r, in + i, 1) == 0);
		while ((res = sg_reader_next(&r, &f, &err, &off)) != SG_PARSE_MORE) {
			if (res == SG_PARSE_ERROR) {
				offs[nerrors++] = off;
				continue;
			}
			if (strcmp(f.verb, "ok") == 0)
				verbs[nverbs++] = "ok";
			else if (strcmp(f.verb, "start") == 0)
				verbs[nverbs++] = "start";
			else if (strcmp(f.verb, "answer") == 0 && field_is("id", "7"))
				verbs[nverbs++] = "answer";
		}
	}
	CHECK(nverbs == 3);
	CHECK(nverbs == 3 && strcmp(verbs[0], "ok") == 0 && strcmp(verbs[1], "start") == 0 &&
	    strcmp(verbs[2], "answer") == 0);
	CHECK(nerrors == 2);
	CHECK(nerrors == 2 && offs[0] == 18 && offs[1] == 24);
	sg_reader_free(&r);
}

static void
reader_survives_garbage(void)
{
	struct sg_reader	 r;
	struct sg_parse_error	 err;
	unsigned long long	 off;
	static char		 junk[3 * SG_FRAME_MAX];
	int			 frames = 0;
	enum sg_parse		 res;

	/* A frame that never ends is cut at the limit; the next line is read again. */
	memset(junk, 'a', sizeof(junk));
	sg_reader_init(&r);
	CHECK(sg_reader_feed(&r, junk, sizeof(junk)) == 0);
	while ((res = sg_reader_next(&r, &f, &err, &off)) != SG_PARSE_MORE)
		CHECK(res == SG_PARSE_ERROR);
	CHECK(sg_reader_feed(&r, "aaa\nstart\n", 10) == 0);
	while ((res = sg_reader_next(&r, &f, &err, &off)) != SG_PARSE_MORE)
		if (res == SG_PARSE_FRAME && strcmp(f.verb, "start") == 0)
			frames++;
	CHECK(frames == 1);
	sg_reader_free(&r);
}

static void
nested_fields(void)
{
	struct sg_field		 fl[4];
	struct sg_parse_error	 err;
	size_t			 n;
	const char		*s = "filename=4:/a b filename.1=2:/c";

	CHECK(sg_fields_parse(s, strlen(s), fl, 4, &n, &err) == 0);
	CHECK(n == 2 && strcmp(fl[1].key, "filename.1") == 0 && fl[0].len == 4);
	CHECK(sg_fields_parse("", 0, fl, 4, &n, &err) == 0 && n == 0);
	CHECK(sg_fields_parse("a=3:xy", 6, fl, 4, &n, &err) == -1);
	CHECK(sg_fields_parse("a=1:x  b=1:y", 12, fl, 4, &n, &err) == -1);
	CHECK(sg_fields_parse("a=1:xb=1:y", 10, fl, 4, &n, &err) == -1);
}

static void
writer_round_trip(void)
{
	struct sg_out		 o, args;
	struct sg_parse_error	 err;
	size_t			 used;

	sg_out_init(&o);
	sg_out_init(&args);
	sg_out_nested(&args, "filename", "/etc/x y", 8);
	sg_out_nested(&args, "oflags", "ro", 2);
	sg_out_verb(&o, "ask");
	sg_out_num(&o, "id", 42);
	sg_out_str(&o, "call", "openat");
	sg_out_field(&o, "args", args.data, args.len);
	sg_out_end(&o);
	CHECK(sg_out_ok(&o));
	CHECK(sg_frame_parse(o.data, o.len, &f, &used, &err) == SG_PARSE_FRAME);
	CHECK(used == o.len && field_is("id", "42") && field_is("call", "openat"));
	CHECK(field_is("args", "filename=8:/etc/x y oflags=2:ro"));
	sg_out_free(&o);
	sg_out_free(&args);
}

int
main(void)
{
	good_frames();
	incomplete_frames();
	malformed_frames();
	too_many_fields();
	oversized_frame();
	reader_resyncs();
	reader_survives_garbage();
	nested_fields();
	writer_round_trip();
	return check_summary("test-protocol");
}
