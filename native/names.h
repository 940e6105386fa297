/*
 * System call names and numbers of the machine the supervisor runs on, from the tables
 * tools/gen-calls.mjs generates for the host too, so both name every call alike.
 */

#ifndef SYSGATE_NAMES_H
#define SYSGATE_NAMES_H

/* The call's name, or NULL when this architecture has no call of that number. */
const char	*sg_call_name(int nr);
/* The call's number, or -1. */
int		 sg_call_number(const char *name);

#endif /* SYSGATE_NAMES_H */
