/*
 * Finding and checking a run plan. Everything here runs before the traced program's first
 * instruction, on every run, so it does only what the checks need: one hash, one open, one
 * fstat, one read, and a stat(2) per input. Anything unexpected means no plan: the run then
 * goes to Node.js, which decides as ever, so a plan can only ever be as permissive as the
 * host that wrote it.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "search.h"
#include "plan.h"
#include "protocol.h"

#define PLAN_MAX	(64 * 1024 * 1024)
#define PLAN_DIR	"sysgate/runs"
#define ENV_NAME_MAX	4096

/* The frames of a plan, in the order they must come; the preamble's come last. */
enum part { PART_PLAN, PART_KEY, PART_ARG, PART_ENV, PART_INPUT, PART_SAY, PART_OPTION,
    PART_COMMAND, PART_PREAMBLE, PART_START, PART_NONE };

static const char *const parts[] = { "plan", "key", "arg", "env", "input", "say", "option",
    "command" };

/* What is being checked, and where a failure is said to be. */
struct check {
	struct sg_plan	*plan;
	int		 argc;
	char		**argv;
	size_t		 offset;	/* of the frame being checked */
	enum part	 part;		/* the last part seen */
	size_t		 nargs;		/* `arg` frames so far */
	char		*why;
	size_t		 whysize;
};

static int
no(struct check *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(c->why, c->whysize, fmt, ap);
	va_end(ap);
	return -1;
}

/* A fault of the plan's own, said with its place. */
static int
bad(struct check *c, const char *what)
{
	return no(c, "%s:%zu: %s", c->plan->path, c->offset, what);
}

static enum part
part_of(const char *verb)
{
	size_t	 i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strcmp(verb, parts[i]) == 0)
			return (enum part)i;
	if (strcmp(verb, "kernel") == 0 || strcmp(verb, "landlock-rule") == 0 ||
	    strcmp(verb, "policy") == 0)
		return PART_PREAMBLE;
	if (strcmp(verb, "start") == 0)
		return PART_START;
	return PART_NONE;
}

static int
same(const struct sg_field *fl, const char *s)
{
	return fl != NULL && fl->len == strlen(s) && memcmp(fl->val, s, fl->len) == 0;
}

static int
same_number(const struct sg_field *fl, unsigned long n)
{
	unsigned long	 v;

	return sg_field_ulong(fl, &v) == 0 && v == n;
}

/* $XDG_CACHE_HOME (when absolute), else $HOME/.cache, HOME from the accounts when unset. */
static int
cache_dir(char *dir, size_t size)
{
	const char	*xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct passwd	*pw;
	int		 n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(dir, size, "%s", xdg);
	else {
		if ((home == NULL || home[0] == '\0') && (pw = getpwuid(geteuid())) != NULL)
			home = pw->pw_dir;
		if (home == NULL)
			return -1;
		n = snprintf(dir, size, "%s/.cache", home);
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* FNV-1a 64 of `EUID NUL CWD NUL ARG1 NUL ARG2 NUL ...`, each piece followed by its NUL. */
static int
plan_path(struct check *c, const char *cwd)
{
	char		 dir[PATH_MAX], uid[32];
	uint64_t	 h;
	int		 i, n;

	if (cache_dir(dir, sizeof(dir)) == -1)
		return no(c, "no cache directory (XDG_CACHE_HOME, HOME)");
	snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
	h = sg_hash_more(SG_HASH_START, uid, strlen(uid) + 1);
	h = sg_hash_more(h, cwd, strlen(cwd) + 1);
	for (i = 1; i < c->argc; i++)
		h = sg_hash_more(h, c->argv[i], strlen(c->argv[i]) + 1);
	n = snprintf(c->plan->path, sizeof(c->plan->path), "%s/%s/%016" PRIx64, dir, PLAN_DIR, h);
	if (n < 0 || (size_t)n >= sizeof(c->plan->path))
		return no(c, "the cache directory's name is too long");
	return 0;
}

/* The whole file, if it is one the user alone could have written. */
static int
plan_read(struct check *c)
{
	struct sg_plan	*p = c->plan;
	struct stat	 st;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((fd = open(p->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return no(c, "no plan at %s", p->path);
		if (errno == ELOOP)
			return no(c, "%s is a symbolic link", p->path);
		return no(c, "%s: %s", p->path, strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		no(c, "%s: %s", p->path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		no(c, "%s is not a regular file", p->path);
	} else if (st.st_uid != geteuid() && st.st_uid != 0) {
		no(c, "%s is owned by uid %u", p->path, (unsigned)st.st_uid);
	} else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		no(c, "%s is writable by others", p->path);
	} else if (st.st_nlink != 1) {
		/* A second name elsewhere is a way to it that sysgate's own folder does not guard. */
		no(c, "%s has %lu links", p->path, (unsigned long)st.st_nlink);
	} else if (st.st_size > PLAN_MAX) {
		no(c, "%s is larger than 64 MiB", p->path);
	} else if ((p->data = malloc((size_t)st.st_size + 1)) == NULL) {
		no(c, "%s: %s", p->path, strerror(errno));
	} else {
		/* One byte more than it has: a file still being written shows as a change. */
		while ((n = read(fd, p->data, (size_t)st.st_size + 1)) == -1 && errno == EINTR)
			continue;
		if (n == -1)
			no(c, "%s: %s", p->path, strerror(errno));
		else if (n != st.st_size)
			no(c, "%s changed while it was read", p->path);
		else {
			p->len = (size_t)n;
			rc = 0;
		}
	}
	close(fd);
	return rc;
}

static int
check_key(struct check *c, const struct sg_frame *f, const char *cwd)
{
	char	 root[PATH_MAX];

	if (!same_number(sg_frame_get(f, "uid"), (unsigned long)geteuid()))
		return no(c, "the user differs");
	if (!same(sg_frame_get(f, "cwd"), cwd))
		return no(c, "working directory differs");
	if (!same_number(sg_frame_get(f, "argc"), (unsigned long)c->argc - 1))
		return no(c, "the number of arguments differs");
	/* Another installation's plan was made by other code: its inputs name that build. */
	if (sg_install_root(root, sizeof(root)) == -1 || !same(sg_frame_get(f, "root"), root))
		return no(c, "made by another installation of sysgate");
	return 0;
}

static int
check_arg(struct check *c, const struct sg_frame *f)
{
	if ((int)c->nargs + 1 >= c->argc)
		return bad(c, "more arg frames than argc");
	c->nargs++;
	if (!same(sg_frame_get(f, "value"), c->argv[c->nargs]))
		return no(c, "argument %zu differs", c->nargs);
	return 0;
}

/* `env name= value=`; without value= the variable must be unset. */
static int
check_env(struct check *c, const struct sg_frame *f)
{
	const struct sg_field	*value = sg_frame_get(f, "value");
	char			 name[ENV_NAME_MAX];
	const char		*now;

	if (sg_field_str(sg_frame_get(f, "name"), name, sizeof(name)) == -1 ||
	    name[0] == '\0' || strchr(name, '=') != NULL)
		return bad(c, "env needs name= (a variable's name)");
	now = getenv(name);
	if (value == NULL ? now != NULL : now == NULL || !same(value, now))
		return no(c, "environment %s differs", name);
	return 0;
}

/*
 * `input path= pattern= id=`: which names in the directory the pattern matches (a `-K` rule's
 * wildcard), as the sum of their hashes, which needs no order. A directory that cannot be read
 * has none, as for the host. A sum that collides only costs what a stale set of names costs:
 * the names the plan grants all match the pattern, so a plan never grants what a new run would
 * not; it may grant less.
 */
static int
check_names(struct check *c, const struct sg_frame *f, const char *path)
{
	char		 pattern[NAME_MAX + 1], id[32];
	DIR		*dir;
	struct dirent	*e;
	uint64_t	 sum = 0;

	if (sg_field_str(sg_frame_get(f, "pattern"), pattern, sizeof(pattern)) == -1)
		return bad(c, "input needs a pattern= of one name");
	if ((dir = opendir(path)) != NULL) {
		while ((e = readdir(dir)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			/* As the policy's `match` means it (evaluate.c). */
			if (fnmatch(pattern, e->d_name, FNM_PATHNAME | FNM_LEADING_DIR) == 0)
				sum += sg_hash(e->d_name, strlen(e->d_name));
		}
		closedir(dir);
	}
	snprintf(id, sizeof(id), "%016" PRIx64, sum);
	if (!same(sg_frame_get(f, "id"), id))
		return no(c, "input %s/%s changed", path, pattern);
	return 0;
}

/* `input path= id=`: stat(2)'s identity of the file, `present` (anything there), or `absent`. */
static int
check_input(struct check *c, const struct sg_frame *f)
{
	char		 path[PATH_MAX], id[192];
	struct stat	 st;

	if (sg_field_str(sg_frame_get(f, "path"), path, sizeof(path)) == -1)
		return bad(c, "input needs path=");
	if (sg_frame_get(f, "pattern") != NULL)
		return check_names(c, f, path);
	if (stat(path, &st) == 0) {
		if (same(sg_frame_get(f, "id"), "present"))
			return 0;
		snprintf(id, sizeof(id), "%ju:%ju:%jd:%lld:%lld:%u:%u", (uintmax_t)st.st_dev,
		    (uintmax_t)st.st_ino, (intmax_t)st.st_size,
		    (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
		    (long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec,
		    (unsigned)st.st_mode, (unsigned)st.st_uid);
	} else if (errno == ENOENT || errno == ENOTDIR) {
		snprintf(id, sizeof(id), "absent");
	} else {
		return no(c, "input %s changed (%s)", path, strerror(errno));
	}
	if (!same(sg_frame_get(f, "id"), id))
		return no(c, "input %s changed", path);
	return 0;
}

static int
check_say(struct check *c, const struct sg_frame *f)
{
	const struct sg_field	*text = sg_frame_get(f, "text");
	struct sg_say		*says;

	if (text == NULL)
		return bad(c, "say needs text=");
	if ((says = reallocarray(c->plan->says, c->plan->nsays + 1, sizeof(*says))) == NULL)
		return no(c, "%s", strerror(errno));
	c->plan->says = says;
	says[c->plan->nsays].text = text->val;
	says[c->plan->nsays++].len = text->len;
	return 0;
}

/* A copy of value= at the end of list, which stays NULL-terminated. */
static int
take_string(struct check *c, const struct sg_frame *f, struct sg_strings *list)
{
	const struct sg_field	*value = sg_frame_get(f, "value");
	char			**v;

	if (value == NULL || memchr(value->val, '\0', value->len) != NULL)
		return bad(c, "option and command need value= (without NUL)");
	if (list->n + 2 > list->cap) {
		if ((v = reallocarray(list->v, list->cap + 16, sizeof(*v))) == NULL)
			return no(c, "%s", strerror(errno));
		list->v = v;
		list->cap += 16;
	}
	if ((list->v[list->n] = strndup(value->val, value->len)) == NULL)
		return no(c, "%s", strerror(errno));
	list->v[++list->n] = NULL;
	return 0;
}

/* One frame of the plan, in its place in the order. */
static int
check_frame(struct check *c, const struct sg_frame *f, const char *cwd)
{
	enum part	 part = part_of(f->verb);

	if (part == PART_NONE)
		return bad(c, "a frame a plan does not have");
	if (c->part == PART_START)
		return bad(c, "nothing after start");
	/* plan, key, then each part in its turn; plan and key once. */
	if (c->part == PART_NONE ? part != PART_PLAN :
	    c->part == PART_PLAN ? part != PART_KEY :
	    part < c->part || (part == c->part && part == PART_KEY))
		return bad(c, "a frame out of order");
	if (part > PART_ARG && c->part <= PART_ARG && (int)c->nargs + 1 != c->argc)
		return bad(c, "fewer arg frames than argc");
	if (part >= PART_PREAMBLE && c->plan->command.n == 0)
		return bad(c, "no command before the preamble");
	if (part >= PART_PREAMBLE && c->plan->preamble == NULL)
		c->plan->preamble = c->plan->data + c->offset;
	c->part = part;
	switch (part) {
	case PART_PLAN:
		return same(sg_frame_get(f, "version"), "1") ? 0 : bad(c, "a plan of version 1");
	case PART_KEY:
		return check_key(c, f, cwd);
	case PART_ARG:
		return check_arg(c, f);
	case PART_ENV:
		return check_env(c, f);
	case PART_INPUT:
		return check_input(c, f);
	case PART_SAY:
		return check_say(c, f);
	case PART_OPTION:
		return take_string(c, f, &c->plan->options);
	case PART_COMMAND:
		return take_string(c, f, &c->plan->command);
	default:
		return 0;	/* the preamble is the supervisor's to check, as from a host */
	}
}

int
sg_plan_check(struct sg_plan *plan, int argc, char *argv[], const char *cwd, char *why,
    size_t whysize)
{
	static struct sg_frame	 f;
	struct check		 c = { plan, argc, argv, 0, PART_NONE, 0, why, whysize };
	struct sg_parse_error	 err;
	char			 expected[128];
	size_t			 used;
	enum sg_parse		 res;

	while (c.offset < plan->len) {
		res = sg_frame_parse(plan->data + c.offset, plan->len - c.offset, &f, &used, &err);
		if (res == SG_PARSE_MORE) {
			c.offset = plan->len;
			return bad(&c, "the rest of a frame: the plan is cut short");
		}
		if (res == SG_PARSE_ERROR) {
			c.offset += err.offset;
			snprintf(expected, sizeof(expected), "expected %s", err.expected);
			return bad(&c, expected);
		}
		if (check_frame(&c, &f, cwd) == -1)
			return -1;
		c.offset += used;
	}
	if (c.part != PART_START)
		return bad(&c, "a start frame: the plan is cut short");
	plan->preamble_len = (size_t)(plan->data + plan->len - plan->preamble);
	return 0;
}

int
sg_plan_load(int argc, char *argv[], struct sg_plan *plan, char *why, size_t whysize)
{
	struct check	 c = { plan, argc, argv, 0, PART_NONE, 0, why, whysize };
	char		 cwd[PATH_MAX];

	memset(plan, 0, sizeof(*plan));
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return no(&c, "the working directory cannot be read: %s", strerror(errno));
	if (plan_path(&c, cwd) == -1 || plan_read(&c) == -1)
		return -1;
	return sg_plan_check(plan, argc, argv, cwd, why, whysize);
}

static void
strings_free(struct sg_strings *list)
{
	size_t	 i;

	for (i = 0; i < list->n; i++)
		free(list->v[i]);
	free(list->v);
}

void
sg_plan_free(struct sg_plan *plan)
{
	strings_free(&plan->options);
	strings_free(&plan->command);
	free(plan->says);
	free(plan->data);
	memset(plan, 0, sizeof(*plan));
}
