/*
 * The translations' texts. systrace's choices where it made them (oflags "ro"/"wo"/"rw"
 * followed by n a c t; addresses as inet-[ADDR]:PORT), sysgate's where Linux needs more.
 */

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

static int
fit(int n, size_t size)
{
	return n >= 0 && (size_t)n < size ? 0 : -1;
}

/*
 * The access mode, then one letter per flag that changes what the open does:
 * n O_NONBLOCK, a O_APPEND, c O_CREAT, t O_TRUNC (systrace's), x O_EXCL (sysgate's).
 * An invalid access mode (3) is "--", as in systrace.
 */
int
sg_fmt_oflags(uint64_t flags, char *out, size_t size)
{
	static const char *const modes[] = { "ro", "wo", "rw", "--" };
	char	 s[16];
	size_t	 n;

	strcpy(s, modes[flags & O_ACCMODE]);
	n = 2;
	if (flags & O_NONBLOCK)
		s[n++] = 'n';
	if (flags & O_APPEND)
		s[n++] = 'a';
	if (flags & O_CREAT)
		s[n++] = 'c';
	if (flags & O_TRUNC)
		s[n++] = 't';
	if (flags & O_EXCL)
		s[n++] = 'x';
	s[n] = '\0';
	return fit(snprintf(out, size, "%s", s), size);
}

int
sg_fmt_mode(uint64_t mode, char *out, size_t size)
{
	return fit(snprintf(out, size, "%o", (unsigned)(mode & 07777777)), size);
}

static int
fmt_unix(const struct sockaddr_un *un, size_t len, char *out, size_t size)
{
	size_t	 pathlen, i, o = 0;

	if (len <= offsetof(struct sockaddr_un, sun_path))
		return fit(snprintf(out, size, "<unnamed>"), size);
	pathlen = len - offsetof(struct sockaddr_un, sun_path);
	if (pathlen > sizeof(un->sun_path))
		pathlen = sizeof(un->sun_path);
	if (un->sun_path[0] != '\0') {
		/* A path: up to its NUL, which the length may or may not include. */
		return fit(snprintf(out, size, "%.*s", (int)strnlen(un->sun_path, pathlen),
		    un->sun_path), size);
	}
	/* Abstract: every byte of the name counts, NULs included; shown as '@'. */
	for (i = 0; i < pathlen && o + 1 < size; i++)
		out[o++] = un->sun_path[i] == '\0' ? '@' : un->sun_path[i];
	out[o] = '\0';
	return i == pathlen ? 0 : -1;
}

int
sg_fmt_sockaddr(const void *sa, size_t len, char *out, size_t size)
{
	const struct sockaddr_in	*in4 = sa;
	const struct sockaddr_in6	*in6 = sa;
	sa_family_t			 family;
	char				 addr[INET6_ADDRSTRLEN];

	if (len < sizeof(sa_family_t))
		return fit(snprintf(out, size, "<invalid>"), size);
	memcpy(&family, sa, sizeof(family));
	if (family == AF_INET && len >= sizeof(*in4)) {
		if (inet_ntop(AF_INET, &in4->sin_addr, addr, sizeof(addr)) == NULL)
			return -1;
		return fit(snprintf(out, size, "inet-[%s]:%u", addr, ntohs(in4->sin_port)), size);
	}
	if (family == AF_INET6 && len >= sizeof(*in6)) {
		if (inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr)) == NULL)
			return -1;
		return fit(snprintf(out, size, "inet-[%s]:%u", addr, ntohs(in6->sin6_port)), size);
	}
	if (family == AF_UNIX)
		return fmt_unix(sa, len, out, size);
	return fit(snprintf(out, size, "family(%u)", (unsigned)family), size);
}

struct name {
	unsigned	 value;
	const char	*name;
};

static const struct name domains[] = {
	{ AF_UNIX, "AF_UNIX" }, { AF_INET, "AF_INET" }, { AF_INET6, "AF_INET6" },
	{ AF_NETLINK, "AF_NETLINK" }, { AF_PACKET, "AF_PACKET" }, { AF_BLUETOOTH, "AF_BLUETOOTH" },
	{ AF_VSOCK, "AF_VSOCK" }, { AF_ALG, "AF_ALG" }, { AF_KEY, "AF_KEY" },
	{ AF_CAN, "AF_CAN" }, { AF_TIPC, "AF_TIPC" }, { AF_XDP, "AF_XDP" }, { 0, NULL }
};

static const struct name types[] = {
	{ SOCK_STREAM, "SOCK_STREAM" }, { SOCK_DGRAM, "SOCK_DGRAM" }, { SOCK_RAW, "SOCK_RAW" },
	{ SOCK_RDM, "SOCK_RDM" }, { SOCK_SEQPACKET, "SOCK_SEQPACKET" },
	{ SOCK_PACKET, "SOCK_PACKET" }, { 0, NULL }
};

static const struct name fcntl_cmds[] = {
	{ F_DUPFD, "F_DUPFD" }, { F_GETFD, "F_GETFD" }, { F_SETFD, "F_SETFD" },
	{ F_GETFL, "F_GETFL" }, { F_SETFL, "F_SETFL" }, { F_GETLK, "F_GETLK" },
	{ F_SETLK, "F_SETLK" }, { F_SETLKW, "F_SETLKW" }, { F_SETOWN, "F_SETOWN" },
	{ F_GETOWN, "F_GETOWN" }, { F_SETSIG, "F_SETSIG" }, { F_GETSIG, "F_GETSIG" },
	{ F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC" }, { F_SETPIPE_SZ, "F_SETPIPE_SZ" },
	{ F_GETPIPE_SZ, "F_GETPIPE_SZ" }, { F_ADD_SEALS, "F_ADD_SEALS" },
	{ F_GET_SEALS, "F_GET_SEALS" }, { F_OFD_GETLK, "F_OFD_GETLK" },
	{ F_OFD_SETLK, "F_OFD_SETLK" }, { F_OFD_SETLKW, "F_OFD_SETLKW" }, { 0, NULL }
};

static const char *
lookup(const struct name *t, uint64_t v)
{
	for (; t->name != NULL; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}

int
sg_fmt_sockdom(uint64_t dom, char *out, size_t size)
{
	const char	*n = lookup(domains, dom);

	if (n != NULL)
		return fit(snprintf(out, size, "%s", n), size);
	return fit(snprintf(out, size, "family(%u)", (unsigned)dom), size);
}

/* The type alone: SOCK_NONBLOCK and SOCK_CLOEXEC say nothing a policy decides on. */
int
sg_fmt_socktype(uint64_t type, char *out, size_t size)
{
	const char	*n = lookup(types, type & 0xf);

	if (n != NULL)
		return fit(snprintf(out, size, "%s", n), size);
	return fit(snprintf(out, size, "type(%u)", (unsigned)(type & 0xf)), size);
}

int
sg_fmt_signal(uint64_t sig, char *out, size_t size)
{
	const char	*abbrev;

	if (sig == 0)
		return fit(snprintf(out, size, "0"), size);
	if ((int)sig >= SIGRTMIN && (int)sig <= SIGRTMAX)
		return fit(snprintf(out, size, "SIGRTMIN+%d", (int)sig - SIGRTMIN), size);
	if (sig < 65 && (abbrev = sigabbrev_np((int)sig)) != NULL)
		return fit(snprintf(out, size, "SIG%s", abbrev), size);
	return fit(snprintf(out, size, "%llu", (unsigned long long)sig), size);
}

int
sg_fmt_prot(uint64_t prot, char *out, size_t size)
{
	char	 s[64] = "";

	if (prot & PROT_READ)
		strcat(s, "|PROT_READ");
	if (prot & PROT_WRITE)
		strcat(s, "|PROT_WRITE");
	if (prot & PROT_EXEC)
		strcat(s, "|PROT_EXEC");
	if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		strcat(s, "|PROT_OTHER");
	if (s[0] == '\0')
		return fit(snprintf(out, size, "PROT_NONE"), size);
	return fit(snprintf(out, size, "%s", s + 1), size);
}

int
sg_fmt_fcntl_cmd(uint64_t cmd, char *out, size_t size)
{
	const char	*n = lookup(fcntl_cmds, cmd);

	if (n != NULL)
		return fit(snprintf(out, size, "%s", n), size);
	return fit(snprintf(out, size, "%llu", (unsigned long long)cmd), size);
}
