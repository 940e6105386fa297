/*
 * Argument values as policies see them: pure functions from numbers and bytes to the text of
 * a translation, kept apart from reading them so they can be tested alone.
 */

#ifndef SYSGATE_FORMAT_H
#define SYSGATE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* All return 0, or -1 when the text does not fit. */
int	 sg_fmt_oflags(uint64_t flags, char *out, size_t size);
int	 sg_fmt_mode(uint64_t mode, char *out, size_t size);
int	 sg_fmt_sockaddr(const void *sa, size_t len, char *out, size_t size);
int	 sg_fmt_sockdom(uint64_t dom, char *out, size_t size);
int	 sg_fmt_socktype(uint64_t type, char *out, size_t size);
int	 sg_fmt_signal(uint64_t sig, char *out, size_t size);
int	 sg_fmt_prot(uint64_t prot, char *out, size_t size);
int	 sg_fmt_fcntl_cmd(uint64_t cmd, char *out, size_t size);

#endif /* SYSGATE_FORMAT_H */
