/*
 * Frames of the control protocol (PROTOCOL.md). Every value carries its length, so reading
 * never unescapes anything; the parser only walks lengths and checks each byte it must.
 * A frame that cannot be read is reported with the byte offset where reading stopped.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

/* "1048576" has 7 digits: a longer length is over the limit whatever it says. */
#define LENGTH_DIGITS_MAX	7

enum step { STEP_OK, STEP_MORE, STEP_ERROR };

static int
is_verb_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || c == '-';
}

static int
is_key_char(unsigned char c)
{
	/* '.' for the index of a nested argument: `filename.1`. */
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	    c == '.';
}

static enum step
fail(struct sg_parse_error *err, size_t offset, const char *expected)
{
	err->offset = offset;
	err->expected = expected;
	return STEP_ERROR;
}

/* The key of a field, up to its '='. */
static enum step
key_parse(const char *buf, size_t len, size_t *pos, struct sg_field *fl,
    struct sg_parse_error *err)
{
	size_t	 p = *pos, n = 0;

	while (p < len && is_key_char((unsigned char)buf[p])) {
		if (n == SG_KEY_MAX)
			return fail(err, p, "a key of at most 32 bytes");
		fl->key[n++] = buf[p++];
	}
	if (p == len)
		return STEP_MORE;
	if (n == 0)
		return fail(err, p, "a key (a-z, 0-9, '-', '_', '.')");
	if (buf[p] != '=')
		return fail(err, p, "'=' after the key");
	fl->key[n] = '\0';
	*pos = p + 1;
	return STEP_OK;
}

/* The decimal length of a value, up to its ':'. No sign, no leading zeros. */
static enum step
length_parse(const char *buf, size_t len, size_t *pos, size_t *value,
    struct sg_parse_error *err)
{
	size_t	 p = *pos, digits = 0, v = 0;

	while (p < len && buf[p] >= '0' && buf[p] <= '9') {
		if (digits == 1 && v == 0)
			return fail(err, p, "a length without leading zeros");
		if (digits == LENGTH_DIGITS_MAX)
			return fail(err, p, "a length within the 1 MiB frame limit");
		v = v * 10 + (size_t)(buf[p] - '0');
		digits++;
		p++;
	}
	if (p == len)
		return STEP_MORE;
	if (digits == 0)
		return fail(err, p, "a decimal length");
	if (buf[p] != ':')
		return fail(err, p, "':' after the length");
	if (v > SG_FRAME_MAX)
		return fail(err, *pos, "a length within the 1 MiB frame limit");
	*value = v;
	*pos = p + 1;
	return STEP_OK;
}

/* One `key=len:bytes`, starting at *pos. */
static enum step
field_parse(const char *buf, size_t len, size_t *pos, struct sg_field *fl,
    struct sg_parse_error *err)
{
	size_t		 p = *pos, vlen = 0;
	enum step	 s;

	if ((s = key_parse(buf, len, &p, fl, err)) != STEP_OK)
		return s;
	if ((s = length_parse(buf, len, &p, &vlen, err)) != STEP_OK)
		return s;
	if (p + vlen > SG_FRAME_MAX)
		return fail(err, p, "a value ending within the 1 MiB frame limit");
	if (len - p < vlen)
		return STEP_MORE;
	fl->val = buf + p;
	fl->len = vlen;
	*pos = p + vlen;
	return STEP_OK;
}

static enum step
verb_parse(const char *buf, size_t len, size_t *pos, struct sg_frame *f,
    struct sg_parse_error *err)
{
	size_t	 p = 0;

	while (p < len && is_verb_char((unsigned char)buf[p])) {
		if (p == SG_VERB_MAX)
			return fail(err, p, "a verb of at most 32 bytes");
		f->verb[p] = buf[p];
		p++;
	}
	if (p == len)
		return STEP_MORE;
	if (p == 0)
		return fail(err, 0, "a verb (a-z, '-')");
	if (buf[p] != ' ' && buf[p] != '\n')
		return fail(err, p, "a space or the end of the line after the verb");
	f->verb[p] = '\0';
	*pos = p;
	return STEP_OK;
}

static enum sg_parse
frame_result(enum step s, size_t len, struct sg_parse_error *err)
{
	if (s == STEP_ERROR)
		return SG_PARSE_ERROR;
	if (len >= SG_FRAME_MAX) {
		fail(err, len, "the end of the frame within the 1 MiB limit");
		return SG_PARSE_ERROR;
	}
	return SG_PARSE_MORE;
}

enum sg_parse
sg_frame_parse(const char *buf, size_t len, struct sg_frame *f, size_t *used,
    struct sg_parse_error *err)
{
	size_t		 pos = 0;
	enum step	 s;

	f->nfields = 0;
	if ((s = verb_parse(buf, len, &pos, f, err)) != STEP_OK)
		return frame_result(s, len, err);
	for (;;) {
		if (pos == len)
			return frame_result(STEP_MORE, len, err);
		if (buf[pos] == '\n')
			break;
		if (buf[pos] != ' ')
			return frame_result(fail(err, pos,
			    "a space or the end of the line after a value"), len, err);
		if (f->nfields == SG_FIELDS_MAX)
			return frame_result(fail(err, pos, "at most 64 fields"), len, err);
		pos++;
		s = field_parse(buf, len, &pos, &f->fields[f->nfields], err);
		if (s != STEP_OK)
			return frame_result(s, len, err);
		f->nfields++;
	}
	*used = pos + 1;
	return SG_PARSE_FRAME;
}

int
sg_fields_parse(const char *buf, size_t len, struct sg_field *out, size_t max, size_t *n,
    struct sg_parse_error *err)
{
	size_t		 pos = 0;
	enum step	 s;

	*n = 0;
	while (pos < len) {
		if (*n > 0) {
			if (buf[pos] != ' ') {
				fail(err, pos, "a space between fields");
				return -1;
			}
			pos++;
		}
		if (*n == max) {
			fail(err, pos, "fewer fields");
			return -1;
		}
		s = field_parse(buf, len, &pos, &out[*n], err);
		if (s == STEP_MORE)
			fail(err, len, "the rest of the field");
		if (s != STEP_OK)
			return -1;
		(*n)++;
	}
	return 0;
}

const struct sg_field *
sg_frame_get(const struct sg_frame *f, const char *key)
{
	size_t	 i;

	for (i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].key, key) == 0)
			return &f->fields[i];
	return NULL;
}

int
sg_field_str(const struct sg_field *fl, char *dst, size_t dstsize)
{
	if (fl == NULL || fl->len >= dstsize || memchr(fl->val, '\0', fl->len) != NULL)
		return -1;
	memcpy(dst, fl->val, fl->len);
	dst[fl->len] = '\0';
	return 0;
}

int
sg_field_ulong(const struct sg_field *fl, unsigned long *v)
{
	size_t		 i;
	unsigned long	 n = 0;

	if (fl == NULL || fl->len == 0 || fl->len > 19)
		return -1;
	for (i = 0; i < fl->len; i++) {
		if (fl->val[i] < '0' || fl->val[i] > '9')
			return -1;
		n = n * 10 + (unsigned long)(fl->val[i] - '0');
	}
	*v = n;
	return 0;
}

void
sg_reader_init(struct sg_reader *r)
{
	memset(r, 0, sizeof(*r));
}

void
sg_reader_free(struct sg_reader *r)
{
	free(r->buf);
	sg_reader_init(r);
}

int
sg_reader_feed(struct sg_reader *r, const char *data, size_t len)
{
	size_t	 need, ncap;
	char	*nbuf;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->consumed += r->start;
		r->start = 0;
	}
	if (len > SIZE_MAX - r->len)
		return -1;
	need = r->len + len;
	if (need > r->cap) {
		ncap = r->cap ? r->cap : 4096;
		while (ncap < need)
			ncap *= 2;
		if ((nbuf = realloc(r->buf, ncap)) == NULL)
			return -1;
		r->buf = nbuf;
		r->cap = ncap;
	}
	if (len > 0)
		memcpy(r->buf + r->len, data, len);
	r->len += len;
	return 0;
}

/* Skips through the next LF; 1 when found, 0 when all input was discarded. */
static int
reader_skip_line(struct sg_reader *r)
{
	const char	*lf;

	lf = memchr(r->buf + r->start, '\n', r->len - r->start);
	if (lf == NULL) {
		r->start = r->len;
		return 0;
	}
	r->start = (size_t)(lf - r->buf) + 1;
	r->skipping = 0;
	return 1;
}

enum sg_parse
sg_reader_next(struct sg_reader *r, struct sg_frame *f, struct sg_parse_error *err,
    unsigned long long *erroffset)
{
	enum sg_parse	 res;
	size_t		 used = 0;

	if (r->skipping && !reader_skip_line(r))
		return SG_PARSE_MORE;
	if (r->start == r->len)
		return SG_PARSE_MORE;
	res = sg_frame_parse(r->buf + r->start, r->len - r->start, f, &used, err);
	if (res == SG_PARSE_FRAME) {
		r->start += used;
	} else if (res == SG_PARSE_ERROR) {
		*erroffset = r->consumed + r->start + err->offset;
		/* Resume at the byte that failed: if it is the LF, skipping ends there. */
		r->start += err->offset < r->len - r->start ? err->offset : r->len - r->start;
		r->skipping = 1;
	}
	return res;
}

void
sg_out_init(struct sg_out *o)
{
	memset(o, 0, sizeof(*o));
}

void
sg_out_free(struct sg_out *o)
{
	free(o->data);
	sg_out_init(o);
}

void
sg_out_reset(struct sg_out *o)
{
	o->len = 0;
	o->failed = 0;
}

static void
out_append(struct sg_out *o, const char *s, size_t n)
{
	size_t	 ncap;
	char	*nd;

	/* Nothing to add: s may then be NULL (an empty nested value never allocated). */
	if (o->failed || n == 0)
		return;
	if (n > SG_FRAME_MAX - o->len) {
		o->failed = 1;
		return;
	}
	if (o->len + n > o->cap) {
		ncap = o->cap ? o->cap : 256;
		while (ncap < o->len + n)
			ncap *= 2;
		if ((nd = realloc(o->data, ncap)) == NULL) {
			o->failed = 1;
			return;
		}
		o->data = nd;
		o->cap = ncap;
	}
	memcpy(o->data + o->len, s, n);
	o->len += n;
}

void
sg_out_verb(struct sg_out *o, const char *verb)
{
	sg_out_reset(o);
	out_append(o, verb, strlen(verb));
}

static void
out_keyval(struct sg_out *o, const char *key, const char *val, size_t len)
{
	char	 num[32];
	int	 n;

	out_append(o, key, strlen(key));
	n = snprintf(num, sizeof(num), "=%zu:", len);
	if (n < 0 || (size_t)n >= sizeof(num)) {
		o->failed = 1;
		return;
	}
	out_append(o, num, (size_t)n);
	out_append(o, val, len);
}

void
sg_out_field(struct sg_out *o, const char *key, const char *val, size_t len)
{
	out_append(o, " ", 1);
	out_keyval(o, key, val, len);
}

void
sg_out_str(struct sg_out *o, const char *key, const char *val)
{
	if (val == NULL)
		val = "";
	sg_out_field(o, key, val, strlen(val));
}

void
sg_out_num(struct sg_out *o, const char *key, long long v)
{
	char	 num[32];
	int	 n;

	n = snprintf(num, sizeof(num), "%lld", v);
	if (n < 0 || (size_t)n >= sizeof(num)) {
		o->failed = 1;
		return;
	}
	sg_out_field(o, key, num, (size_t)n);
}

void
sg_out_nested(struct sg_out *o, const char *key, const char *val, size_t len)
{
	if (o->len > 0)
		out_append(o, " ", 1);
	out_keyval(o, key, val, len);
}

void
sg_out_end(struct sg_out *o)
{
	out_append(o, "\n", 1);
}

int
sg_out_ok(const struct sg_out *o)
{
	return !o->failed;
}
