/*
 * The control protocol's framing (PROTOCOL.md): reading frames from a growing buffer and
 * writing them. Pure code, no descriptors, so the fuzzer and the tests drive it directly.
 */

#ifndef SYSGATE_PROTOCOL_H
#define SYSGATE_PROTOCOL_H

#include <stddef.h>

/* PROTOCOL.md's version, said in `hello`: 2 added `count`. */
#define SG_PROTOCOL_VERSION	2
#define SG_FRAME_MAX	(1024 * 1024)
#define SG_FIELDS_MAX	64
#define SG_KEY_MAX	32
#define SG_VERB_MAX	32

struct sg_field {
	char		 key[SG_KEY_MAX + 1];
	const char	*val;		/* points into the frame's buffer; not NUL-terminated */
	size_t		 len;
};

struct sg_frame {
	char		 verb[SG_VERB_MAX + 1];
	size_t		 nfields;
	struct sg_field	 fields[SG_FIELDS_MAX];
};

enum sg_parse {
	SG_PARSE_FRAME,		/* a whole frame was read */
	SG_PARSE_MORE,		/* the frame is not complete yet */
	SG_PARSE_ERROR		/* the frame cannot be read */
};

/* What went wrong, for the `error` frame: where, and what was expected there. */
struct sg_parse_error {
	size_t		 offset;	/* from the start of the input given */
	const char	*expected;
};

/*
 * Reads one frame from the first len bytes of buf. FRAME: *used is its size, fields point into
 * buf. MORE: nothing is used. ERROR: err says where; the caller resynchronises.
 */
enum sg_parse	 sg_frame_parse(const char *buf, size_t len, struct sg_frame *f,
		    size_t *used, struct sg_parse_error *err);

/* Reads the nested fields of a value (`args=`): `key=len:bytes` separated by single spaces. */
int		 sg_fields_parse(const char *buf, size_t len, struct sg_field *out,
		    size_t max, size_t *n, struct sg_parse_error *err);

const struct sg_field *sg_frame_get(const struct sg_frame *f, const char *key);
/* A field as a NUL-terminated string in dst; -1 when absent or too long. */
int		 sg_field_str(const struct sg_field *fl, char *dst, size_t dstsize);
/* A field as a non-negative decimal number; -1 when absent or not a number. */
int		 sg_field_ulong(const struct sg_field *fl, unsigned long *v);

/*
 * The incremental reader: bytes go in as they arrive, frames come out. After an error it
 * discards input through the next LF and goes on, so one bad frame costs only itself.
 */
struct sg_reader {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	size_t		 start;		/* the first byte not yet consumed */
	unsigned long long consumed;	/* stream offset of buf[0] */
	int		 skipping;	/* discarding up to the next LF after an error */
};

void		 sg_reader_init(struct sg_reader *r);
void		 sg_reader_free(struct sg_reader *r);
/* Appends input; -1 when memory runs out. */
int		 sg_reader_feed(struct sg_reader *r, const char *data, size_t len);
/*
 * The next frame: FRAME (f valid until the next call), MORE, or ERROR with err->offset as a
 * stream offset. Call again after ERROR: the reader has already moved past the bad input.
 */
enum sg_parse	 sg_reader_next(struct sg_reader *r, struct sg_frame *f,
		    struct sg_parse_error *err, unsigned long long *erroffset);

/* A frame being written. Failures (memory, the size limit) are sticky: check sg_out_ok. */
struct sg_out {
	char		*data;
	size_t		 len;
	size_t		 cap;
	int		 failed;
};

void		 sg_out_init(struct sg_out *o);
void		 sg_out_free(struct sg_out *o);
void		 sg_out_reset(struct sg_out *o);
void		 sg_out_verb(struct sg_out *o, const char *verb);
void		 sg_out_field(struct sg_out *o, const char *key, const char *val, size_t len);
void		 sg_out_str(struct sg_out *o, const char *key, const char *val);
void		 sg_out_num(struct sg_out *o, const char *key, long long v);
/* A nested field for a value such as `args=`: no verb, fields separated by spaces. */
void		 sg_out_nested(struct sg_out *o, const char *key, const char *val, size_t len);
void		 sg_out_end(struct sg_out *o);
int		 sg_out_ok(const struct sg_out *o);

#endif /* SYSGATE_PROTOCOL_H */
