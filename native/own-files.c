/*
 * sysgate's own files: the policies and templates it reads, the compiled policies and run
 * plans it trusts as the user's own, the history and its settings, the app socket, and
 * /etc/sysgate. A program whose policy permits writing under $HOME would otherwise rewrite
 * its own policy (or a run plan, which the front door runs without asking anybody), so no
 * traced program may create, write, truncate, rename, link, unlink, chmod, chown, set the
 * times or attributes of anything there, whatever its policy says, in every mode: refused
 * before any rule, like the routes around seccomp (decide.c, always_denied).
 *
 * The host names the places (--protect, once each: the folders, and files given with -f).
 * Each is resolved here once, at the start, as the supervisor resolves a call's names:
 * links followed, `..` taken physically. A call is then refused when a name it acts on,
 * resolved the same way (resolve.c), is
 *
 *   * a place, or beneath one;
 *   * for a call that makes or moves a name, or changes an owner or mode, an ancestor of
 *     one: `mv ~/.config ~/x`, `ln -s /tmp/mine ~/.config/sysgate` where it does not exist
 *     yet, `chmod 777 ~/.config` would hand the folders to something else (a folder made
 *     with mkdir above one is harmless, and programs make their own ~/.config: let be);
 *   * a symbolic link met on the way to a place (~/.config -> /data/cfg), by its own name
 *     (and above it, as above a place): replacing the link would move the place;
 *   * an alias of a place (a bind mount of it elsewhere): the name's directory, or the
 *     name itself, has the device and inode of a place that existed at the start.
 *
 * The names are the ones the supervisor acts on: a call that may change a name is always
 * performed on the name decided on (never CONTINUE, never in the kernel under -K), so what
 * was checked is what happens; but connect and bind of an AF_UNIX name, which only the kernel
 * can make for the program (README: Known gaps). A file hard-linked elsewhere before the run is reachable by
 * its other name: the host and the front door refuse a policy or a plan with more than one
 * link, and linkat with a protected source is refused here. Reading is never refused.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "own-files.h"
#include "resolve.h"

#ifndef __O_TMPFILE
#define __O_TMPFILE	020000000
#endif

#define PLACES_MAX	256
#define LINKS_MAX	40
#define SAID_MAX	8	/* refusals said on standard error, per run */

/* Landlock's rights that change what is in a directory or a file; MAKE_SOCK aside (below). */
#define LL_WRITE_FILE	(1ULL << 1)
#define LL_MAKE_SOCK	(1ULL << 9)
#define LL_CHANGES	(LL_WRITE_FILE | (((1ULL << 15) - 1) & ~((1ULL << 4) - 1) & ~LL_MAKE_SOCK))

enum kind {
	TREE,		/* the place, what is beneath it, and (for some calls) what is above */
	LINK		/* a symbolic link on the way to a place: the link itself */
};

struct place {
	char		 name[PATH_MAX];
	size_t		 len;
	enum kind	 kind;
	int		 known;		/* it existed at the start: dev and ino are its own */
	dev_t		 dev;
	ino_t		 ino;
};

static struct place	 places[PLACES_MAX];
static size_t		 nplaces;

/*
 * The lstat of each name met while the places are resolved, kept for the length of
 * sg_own_setup: the places share most of their folders ($XDG_CONFIG_HOME/sysgate/policies,
 * .../templates, $XDG_CACHE_HOME/sysgate/runs, ...), and looking at each folder once per place
 * and once more for the place itself was 80 lstat calls of every run's start, 25 of them
 * distinct. What is seen is what one look at the start would see, as before.
 */
#define SEEN_MAX	64

static struct seen {
	char		*name;
	int		 rc;		/* lstat's: 0, or -1 */
	struct stat	 st;
} seen[SEEN_MAX];
static size_t		 nseen;

/* lstat, but a name looked at already during the setup is not looked at again. */
static int
lstat_seen(const char *name, struct stat *st)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < nseen; i++) {
		if (strcmp(seen[i].name, name) != 0)
			continue;
		*st = seen[i].st;
		return seen[i].rc;
	}
	rc = lstat(name, st);
	if (nseen < SEEN_MAX && (seen[nseen].name = strdup(name)) != NULL) {
		seen[nseen].rc = rc;
		if (rc == 0)
			seen[nseen].st = *st;
		nseen++;
	}
	return rc;
}

static void
forget_seen(void)
{
	while (nseen > 0) {
		free(seen[--nseen].name);
		seen[nseen].name = NULL;
	}
}

/*
 * The calls that change a name or a file, besides the open family (by its flags) and
 * connect/bind (by an AF_UNIX address); `above`: an ancestor of a place counts too.
 */
static const struct changing {
	const char	*name;
	int		 above;
} changing[] = {
	{ "chmod", 1 }, { "chown", 1 }, { "fallocate", 0 }, { "fchmod", 1 },
	{ "fchmodat", 1 }, { "fchmodat2", 1 }, { "fchown", 1 }, { "fchownat", 1 },
	{ "file_setattr", 1 }, { "fremovexattr", 1 }, { "fsetxattr", 1 }, { "ftruncate", 0 },
	{ "futimesat", 0 }, { "lchown", 1 }, { "link", 1 }, { "linkat", 1 },
	{ "lremovexattr", 1 }, { "lsetxattr", 1 }, { "mkdir", 0 }, { "mkdirat", 0 },
	{ "mknod", 1 }, { "mknodat", 1 }, { "removexattr", 1 }, { "removexattrat", 1 },
	{ "rename", 1 }, { "renameat", 1 }, { "renameat2", 1 }, { "rmdir", 0 },
	{ "setxattr", 1 }, { "setxattrat", 1 }, { "symlink", 1 }, { "symlinkat", 1 },
	{ "truncate", 0 }, { "unlink", 0 }, { "unlinkat", 0 }, { "utime", 0 },
	{ "utimensat", 0 }, { "utimes", 0 },
	{ NULL, 0 }
};

static const struct changing *
changing_call(const char *call)
{
	const struct changing	*ch;

	for (ch = changing; ch->name != NULL; ch++)
		if (strcmp(ch->name, call) == 0)
			return ch;
	return NULL;
}

/* -1 when there are too many: the run must not start with a place left out. */
static int
add_place(const char *name, enum kind kind)
{
	struct place	*pl;
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < nplaces; i++)
		if (places[i].kind == kind && strcmp(places[i].name, name) == 0)
			return 0;
	if (nplaces == PLACES_MAX)
		return -1;
	pl = &places[nplaces++];
	snprintf(pl->name, sizeof(pl->name), "%s", name);
	pl->len = strlen(pl->name);
	pl->kind = kind;
	if (lstat_seen(name, &st) == 0) {
		pl->known = 1;
		pl->dev = st.st_dev;
		pl->ino = st.st_ino;
	}
	return 0;
}

/*
 * given, resolved as resolve.c resolves a call's name (links followed, `..` physical; what
 * does not exist yet is kept as written), noting each link met on the way as a place too.
 * -1 when it cannot be noted (not absolute, too long, too many places).
 */
static int
resolve_place(const char *given)
{
	char		 rest[PATH_MAX], cur[PATH_MAX] = "", next[PATH_MAX], link[PATH_MAX];
	char		 comp[NAME_MAX + 1];
	const char	*p;
	struct stat	 st;
	ssize_t		 got;
	size_t		 n;
	int		 links = 0, missing = 0;

	if (given[0] != '/' || snprintf(rest, sizeof(rest), "%s", given) >= (int)sizeof(rest))
		return -1;
	for (p = rest; *p != '\0';) {
		while (*p == '/')
			p++;
		if ((n = strcspn(p, "/")) == 0)
			break;
		if (n > NAME_MAX)
			return -1;
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (strrchr(cur, '/') != NULL)
				*strrchr(cur, '/') = '\0';
			continue;
		}
		if (snprintf(next, sizeof(next), "%s/%s", cur, comp) >= (int)sizeof(next))
			return -1;
		if (!missing && lstat_seen(next, &st) == -1)
			missing = 1;
		if (missing || !S_ISLNK(st.st_mode)) {
			memcpy(cur, next, sizeof(cur));
			continue;
		}
		if (add_place(next, LINK) == -1)
			return -1;
		if (++links > LINKS_MAX ||
		    (got = readlink(next, link, sizeof(link) - 1)) <= 0) {
			missing = 1;
			memcpy(cur, next, sizeof(cur));
			continue;
		}
		link[got] = '\0';
		if (link[0] == '/')
			cur[0] = '\0';
		if (snprintf(next, sizeof(next), "%s/%s", link, p) >= (int)sizeof(next))
			return -1;
		memcpy(rest, next, sizeof(rest));
		p = rest;
	}
	return add_place(cur[0] == '\0' ? "/" : cur, TREE);
}

int
sg_own_setup(char *const *paths, size_t n)
{
	size_t	 i;
	int	 rc = 0;

	nplaces = 0;
	for (i = 0; i < n && rc == 0; i++)
		rc = resolve_place(paths[i]);
	forget_seen();
	return rc;
}

int
sg_own_decided_by_name(const char *call)
{
	if (nplaces == 0)
		return 0;
	return changing_call(call) != NULL || strcmp(call, "connect") == 0 ||
	    strcmp(call, "bind") == 0;
}

/*
 * Whether name is pl, beneath it (not a link's: that is where it leads, a place of its own),
 * or (above) an ancestor of it: moving ~ moves the link ~/.config with it.
 */
static int
covers(const struct place *pl, const char *name, int above)
{
	size_t	 n = strlen(name);

	if (n == pl->len && memcmp(name, pl->name, n) == 0)
		return 1;
	if (pl->kind == TREE && n > pl->len && memcmp(name, pl->name, pl->len) == 0 &&
	    (name[pl->len] == '/' || pl->len == 1))
		return 1;
	return above && n < pl->len && memcmp(pl->name, name, n) == 0 &&
	    (pl->name[n] == '/' || n == 1);
}

/* Whether st is a place that existed at the start (a bind mount of it, seen elsewhere). */
static int
same_file(const struct stat *st, enum kind kind)
{
	size_t	 i;

	for (i = 0; i < nplaces; i++)
		if (places[i].known && places[i].kind == kind && places[i].dev == st->st_dev &&
		    places[i].ino == st->st_ino)
			return 1;
	return 0;
}

/*
 * Whether name is a place by another name: itself a place's file (a folder's bind mount),
 * or in a place's folder. The names of the caller's own /proc are never one.
 */
static int
alias(const char *name)
{
	char		 parent[PATH_MAX];
	struct stat	 st;
	char		*slash;

	if (strncmp(name, "/proc/", 6) == 0)
		return 0;
	if (lstat(name, &st) == 0 && same_file(&st, TREE))
		return 1;
	snprintf(parent, sizeof(parent), "%s", name);
	if ((slash = strrchr(parent, '/')) == NULL)
		return 0;
	slash[slash == parent ? 1 : 0] = '\0';
	return stat(parent, &st) == 0 && S_ISDIR(st.st_mode) && same_file(&st, TREE);
}

static int
protected(const char *name, int above)
{
	size_t	 i;

	if (name == NULL || name[0] != '/')
		return 0;
	for (i = 0; i < nplaces; i++)
		if (covers(&places[i], name, above))
			return 1;
	return alias(name);
}

/*
 * Says why, since the policy seemed to permit it: on standard error (the first few of a run;
 * the name with its control characters made harmless: the program chose it) and in the log.
 */
static void
say(const struct sg_syscall *c, const char *name)
{
	static unsigned	 said;
	char		 shown[PATH_MAX];
	size_t		 i;

	for (i = 0; name[i] != '\0' && i < sizeof(shown) - 1; i++)
		shown[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
	shown[i] = '\0';
	syslog(LOG_WARNING, "deny pid: %d, syscall: %s, filename: %s: sysgate's own files are "
	    "never changed by a traced program", (int)c->tgid, c->name, shown);
	if (said++ < SAID_MAX)
		fprintf(stderr, "sysgate: %s of %s refused (pid %d): sysgate's own files stay as "
		    "they are, whatever a policy says\n", c->name, shown, (int)c->tgid);
}

/* An open that writes, truncates or creates (O_TMPFILE too: a file made in a folder). */
static int
open_changes(int oflags)
{
	return (oflags & O_ACCMODE) != O_RDONLY || (oflags & (O_CREAT | O_TRUNC | __O_TMPFILE));
}

/* connect to or bind an AF_UNIX name there: the app socket, or a socket made in a place. */
static int
unix_name_touched(const struct sg_syscall *c, int bind)
{
	const struct sockaddr_un	*un = (const struct sockaddr_un *)&c->addr;
	struct sg_resolve_in		 in;
	char				 raw[sizeof(un->sun_path) + 1], name[PATH_MAX];
	size_t				 len;
	int				 missing;

	if (!c->have_addr || c->addr.ss_family != AF_UNIX ||
	    c->addrlen <= offsetof(struct sockaddr_un, sun_path) || un->sun_path[0] == '\0')
		return 0;
	len = c->addrlen - offsetof(struct sockaddr_un, sun_path);
	if (len > sizeof(un->sun_path))
		len = sizeof(un->sun_path);
	memcpy(raw, un->sun_path, len);
	raw[len] = '\0';
	memset(&in, 0, sizeof(in));
	in.tgid = c->tgid;
	in.tid = c->tid;
	in.dirfd = SG_AT_FDCWD;
	in.path = raw;
	in.follow = !bind;
	/* A name that cannot be resolved reaches nothing of ours: the kernel fails it too. */
	if (sg_resolve(&in, name, sizeof(name), &missing, NULL) != 0 || !protected(name, bind))
		return 0;
	say(c, name);
	return 1;
}

int
sg_own_touched(const struct sg_syscall *c)
{
	const struct changing	*ch = NULL;
	int			 above, i;

	if (nplaces == 0)
		return 0;
	if (strcmp(c->name, "connect") == 0 || strcmp(c->name, "bind") == 0)
		return unix_name_touched(c, c->name[0] == 'b');
	if (c->is_open) {
		if (!open_changes(c->oflags))
			return 0;
		above = (c->oflags & O_CREAT) != 0;
	} else if ((ch = changing_call(c->name)) != NULL) {
		above = ch->above;
	} else {
		return 0;
	}
	for (i = 0; i < c->npaths && i < 2; i++)
		if (c->path_errors[i] == 0 && protected(c->paths[i], above)) {
			say(c, c->paths[i]);
			return 1;
		}
	return 0;
}

/*
 * MAKE_SOCK is left out: the host grants it on / for bind (Landlock cannot say where), and
 * each bind is decided here first (unix_name_touched).
 */
int
sg_own_granted(const char *path, uint64_t file, uint64_t dir)
{
	char	 real[PATH_MAX];
	size_t	 i;

	if (nplaces == 0 || ((file | dir) & LL_CHANGES) == 0)
		return 0;
	if (realpath(path, real) == NULL)
		return 0;	/* sg_landlock_add grants nothing there either */
	for (i = 0; i < nplaces; i++)
		if (covers(&places[i], real, 1))
			return 1;
	return 0;
}
