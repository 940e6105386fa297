/*
 * The supervisor's command line.
 */

#ifndef SYSGATE_OPTIONS_H
#define SYSGATE_OPTIONS_H

#include <sys/types.h>

#include <stddef.h>

#define SG_PROTECT_MAX	128

enum sg_mode { SG_MODE_ASK, SG_MODE_ENFORCE, SG_MODE_LEARN };
enum sg_host_loss { SG_LOSS_KILL, SG_LOSS_DENY };

struct sg_options {
	int		 control_fd;
	const char	*control_socket;	/* connect here instead of using control_fd */
	char		 token[128];	/* $SYSGATE_CONTROL_TOKEN, said back in hello */
	int		 terminal_foreground;	/* the command gets the terminal's foreground */
	enum sg_mode	 mode;
	int		 inherit;	/* -i: a process keeps its policy across execve */
	int		 no_aliases;	/* -u: fsread and fswrite rules never apply */
	int		 record_permits;	/* a record for every permit, for the history */
	enum sg_host_loss on_host_loss;
	int		 run_as;	/* --run-as: the command runs with these ids */
	uid_t		 run_uid;
	gid_t		 run_gid;
	int		 print_baseline;
	int		 peer_credentials;	/* print the peer of the socket on stdin, and exit */
	int		 version;
	/* --protect: sysgate's own files and folders, which no traced program may change */
	char		*protect[SG_PROTECT_MAX];
	size_t		 nprotect;
	const char	*argv0;		/* --argv0: the command's argv[0] ("-bash": a login shell) */
	char		**argv;		/* the command and its arguments */
};

/* Parses argv; on error returns -1 with the reason in err. */
int	 sg_options_parse(int argc, char *argv[], struct sg_options *o, char *err,
	    size_t errsize);
void	 sg_usage(void);

#endif /* SYSGATE_OPTIONS_H */
