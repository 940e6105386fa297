/*
 * The control socket to the host: frames in through the protocol reader, frames out through
 * a queue that never blocks the supervisor on a slow host.
 */

#ifndef SYSGATE_CONTROL_H
#define SYSGATE_CONTROL_H

#include "protocol.h"

int	 sg_control_open(int fd);
int	 sg_control_fd(void);
/* Closes the socket: the host is gone for good, and nothing more is sent. */
void	 sg_control_close(void);
/* Whether the host is gone (EOF, an error, or a queue it does not drain). */
int	 sg_control_lost(void);
/* Queues a whole frame (sg_out_end already called) and tries to write it. */
void	 sg_control_send(struct sg_out *o);
/* Writes what it can without blocking. */
void	 sg_control_flush(void);
int	 sg_control_has_output(void);
/* Writes the queue out, waiting up to timeout_ms. */
void	 sg_control_drain(int timeout_ms);
/*
 * Reads what is there and calls on_frame for each whole frame; frames that cannot be read
 * are answered with `error` here. -1 when the host is gone.
 */
int	 sg_control_read(void (*on_frame)(const struct sg_frame *, void *), void *arg);
/*
 * A run from a plan (PROTOCOL.md, "Run plans"): no host reads the socket yet. The first frame
 * only a host can deal with (or a queue past 1 MiB) calls start with its verb, once, before
 * it is queued; until then sg_control_drain returns at once.
 */
void	 sg_control_await_host(void (*start)(const char *verb, void *arg), void *arg);
/* Whether frames wait for a host that was not started yet (a run from a plan). */
int	 sg_control_hostless(void);
/* While sink is set (a plan's preamble), sg_control_error calls it instead of sending. */
void	 sg_control_errors_to(void (*sink)(const char *message, void *arg), void *arg);
/* Sends `error message= offset=`. */
void	 sg_control_error(const char *message, unsigned long long offset);

#endif /* SYSGATE_CONTROL_H */
