/*
 * sgp-eval: the supervisor's evaluator on its own, speaking frames on stdin and stdout, so
 * the TypeScript and C evaluators can be run on the same conformance vectors.
 *
 *   policy name=… text=…                          installs a compiled policy
 *   decide policy=… call=… alias=… uid=… gid=… args=…   answers with
 *   decision action=… errno=… log=… inherit=… detach=… line=… col=…
 *
 * Anything it cannot read or act on is answered with `error message=… offset=…`.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evaluate.h"
#include "policy.h"
#include "protocol.h"

#define ARGS_MAX	SG_FIELDS_MAX
#define NAME_MAX_LEN	4096

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
send_frame(struct sg_out *o)
{
	sg_out_end(o);
	if (!sg_out_ok(o) || write_all(STDOUT_FILENO, o->data, o->len) == -1) {
		fprintf(stderr, "sgp-eval: cannot write a frame\n");
		exit(1);
	}
}

static void
send_error(struct sg_out *o, const char *message, unsigned long long offset)
{
	sg_out_verb(o, "error");
	sg_out_str(o, "message", message);
	sg_out_num(o, "offset", (long long)offset);
	send_frame(o);
}

static void
do_policy(const struct sg_frame *f, struct sg_out *o)
{
	char		 name[NAME_MAX_LEN], err[512];
	const struct sg_field *text;
	struct sg_policy *p;

	text = sg_frame_get(f, "text");
	if (sg_field_str(sg_frame_get(f, "name"), name, sizeof(name)) == -1 || text == NULL) {
		send_error(o, "policy needs name= and text=", 0);
		return;
	}
	if ((p = sg_policy_read(text->val, text->len, err, sizeof(err))) == NULL) {
		send_error(o, err, 0);
		return;
	}
	if (sg_policy_install(name, p) == NULL)
		send_error(o, "cannot install the policy", 0);
}

/* `filename.1` is index 1 of `filename`; a key without a dot is index 0. */
static int
arg_key(const char *key, char *name, size_t size, unsigned *index)
{
	const char	*dot = strchr(key, '.');
	size_t		 n = dot ? (size_t)(dot - key) : strlen(key);
	char		*end;
	unsigned long	 v = 0;

	if (n == 0 || n >= size)
		return -1;
	memcpy(name, key, n);
	name[n] = '\0';
	if (dot != NULL) {
		errno = 0;
		v = strtoul(dot + 1, &end, 10);
		if (errno != 0 || *end != '\0' || end == dot + 1 || v > 255)
			return -1;
	}
	*index = (unsigned)v;
	return 0;
}

struct decoded_args {
	char		 names[ARGS_MAX][SG_KEY_MAX + 1];
	char		*values[ARGS_MAX];
	struct sg_targ	 targs[ARGS_MAX];
	size_t		 n;
};

static void
args_free(struct decoded_args *a)
{
	size_t	 i;

	for (i = 0; i < a->n; i++)
		free(a->values[i]);
	a->n = 0;
}

static int
args_decode(const struct sg_field *fl, struct decoded_args *a, const char **why)
{
	struct sg_field		 fields[ARGS_MAX];
	struct sg_parse_error	 err;
	size_t			 n, i;

	a->n = 0;
	if (fl == NULL)
		return 0;
	if (sg_fields_parse(fl->val, fl->len, fields, ARGS_MAX, &n, &err) == -1) {
		*why = "args= is not a list of fields";
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (arg_key(fields[i].key, a->names[i], sizeof(a->names[i]),
		    &a->targs[i].index) == -1) {
			*why = "an argument's key is not name or name.N";
			return -1;
		}
		if ((a->values[i] = strndup(fields[i].val, fields[i].len)) == NULL) {
			*why = "out of memory";
			return -1;
		}
		a->n = i + 1;
		a->targs[i].name = a->names[i];
		a->targs[i].value = a->values[i];
	}
	return 0;
}

static const char *const action_names[] = { "permit", "deny", "ask" };

static void
do_decide(const struct sg_frame *f, struct sg_out *o)
{
	char			 pname[NAME_MAX_LEN], call[64], alias[64];
	unsigned long		 uid = 0, gid = 0;
	struct sg_policy	*p;
	struct sg_request	 req;
	struct sg_decision	 d, each;
	struct decoded_args	 a;
	const char		*why = NULL;

	if (sg_field_str(sg_frame_get(f, "policy"), pname, sizeof(pname)) == -1 ||
	    sg_field_str(sg_frame_get(f, "call"), call, sizeof(call)) == -1) {
		send_error(o, "decide needs policy= and call=", 0);
		return;
	}
	if ((p = sg_policy_find(pname)) == NULL) {
		send_error(o, "no such policy", 0);
		return;
	}
	alias[0] = '\0';
	if (sg_frame_get(f, "alias") != NULL &&
	    sg_field_str(sg_frame_get(f, "alias"), alias, sizeof(alias)) == -1) {
		send_error(o, "alias= is too long", 0);
		return;
	}
	if ((sg_frame_get(f, "uid") && sg_field_ulong(sg_frame_get(f, "uid"), &uid) == -1) ||
	    (sg_frame_get(f, "gid") && sg_field_ulong(sg_frame_get(f, "gid"), &gid) == -1)) {
		send_error(o, "uid= and gid= are decimal numbers", 0);
		return;
	}
	if (args_decode(sg_frame_get(f, "args"), &a, &why) == -1) {
		args_free(&a);
		send_error(o, why, 0);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.call = call;
	req.alias = alias[0] != '\0' ? alias : NULL;
	req.uid = uid;
	req.gid = gid;
	req.args = a.targs;
	req.nargs = a.n;
	sg_evaluate(p, &req, &d);
	sg_evaluate_each(p, &req, &each);
	args_free(&a);
	if (memcmp(&d, &each, sizeof(d)) != 0) {
		send_error(o, "the policy's index and its rules one by one decide differently", 0);
		return;
	}
	sg_out_verb(o, "decision");
	sg_out_str(o, "action", action_names[d.action]);
	sg_out_num(o, "errno", d.error);
	sg_out_num(o, "log", d.log);
	sg_out_num(o, "inherit", d.inherit);
	sg_out_num(o, "detach", d.detach);
	sg_out_num(o, "line", d.line);
	sg_out_num(o, "col", d.col);
	send_frame(o);
}

int
main(void)
{
	static struct sg_frame	 f;
	struct sg_reader	 r;
	struct sg_out		 o;
	struct sg_parse_error	 err;
	unsigned long long	 off = 0;
	enum sg_parse		 res;
	char			 buf[65536];
	ssize_t			 n;

	sg_reader_init(&r);
	sg_out_init(&o);
	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			perror("sgp-eval: read");
			return 1;
		}
		if (n == 0)
			break;
		if (sg_reader_feed(&r, buf, (size_t)n) == -1) {
			fprintf(stderr, "sgp-eval: out of memory\n");
			return 1;
		}
		while ((res = sg_reader_next(&r, &f, &err, &off)) != SG_PARSE_MORE) {
			if (res == SG_PARSE_ERROR)
				send_error(&o, err.expected, off);
			else if (strcmp(f.verb, "policy") == 0)
				do_policy(&f, &o);
			else if (strcmp(f.verb, "decide") == 0)
				do_decide(&f, &o);
			else
				send_error(&o, "unknown verb", 0);
		}
	}
	sg_out_free(&o);
	sg_reader_free(&r);
	sg_policy_clear_all();
	return 0;
}
