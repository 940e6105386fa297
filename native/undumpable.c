/*
 * undumpable.node: a Node-API module with one function, undumpable(), which makes the process
 * that calls it not dumpable (prctl PR_SET_DUMPABLE 0), as the supervisor makes itself
 * (session.c). sysgate's Node.js host (the command line, the desktop app's main process)
 * calls it first thing (app/core/undumpable.ts): a dumpable process can be ptraced, its
 * memory read and written (process_vm_writev, /proc/PID/mem) and its descriptors taken
 * (pidfd_getfd) by any process of its user, and the host holds what decides: the policies
 * sent to the supervisor, the control socket, the answers given. Not dumpable, only a process
 * with CAP_SYS_PTRACE reaches it, and its /proc/PID files are root's.
 *
 * Node-API, so that the same file loads in Node.js and in Electron without a rebuild. Its
 * ABI is stable, and the four functions used are declared here as node_api.h declares them,
 * so that building needs no Node.js headers (they are not installed everywhere Node.js is).
 * The module is found by the symbol napi_register_module_v1.
 */

#include <sys/prctl.h>

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef struct napi_callback_info__ *napi_callback_info;
typedef int napi_status;		/* napi_ok is 0 */
typedef napi_value (*napi_callback)(napi_env, napi_callback_info);
#define NAPI_AUTO_LENGTH	SIZE_MAX

napi_status	 napi_create_function(napi_env, const char *, size_t, napi_callback, void *,
		    napi_value *);
napi_status	 napi_set_named_property(napi_env, napi_value, const char *, napi_value);
napi_status	 napi_get_undefined(napi_env, napi_value *);
napi_status	 napi_throw_error(napi_env, const char *, const char *);

napi_value	 napi_register_module_v1(napi_env, napi_value)
		    __attribute__((visibility("default")));

/* Makes this process not dumpable, and checks that it is not: throws an Error otherwise. */
static napi_value
undumpable(napi_env env, napi_callback_info info)
{
	char		 why[128];
	napi_value	 undefined = NULL;
	int		 rc;

	(void)info;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		snprintf(why, sizeof(why), "prctl(PR_SET_DUMPABLE): %s", strerror(errno));
		napi_throw_error(env, NULL, why);
		return NULL;
	}
	if ((rc = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)) != 0) {
		snprintf(why, sizeof(why), "prctl(PR_GET_DUMPABLE) says %d after setting it to 0",
		    rc);
		napi_throw_error(env, NULL, why);
		return NULL;
	}
	napi_get_undefined(env, &undefined);
	return undefined;
}

napi_value
napi_register_module_v1(napi_env env, napi_value exports)
{
	napi_value	 fn;

	if (napi_create_function(env, "undumpable", NAPI_AUTO_LENGTH, undumpable, NULL,
	    &fn) != 0 || napi_set_named_property(env, exports, "undumpable", fn) != 0) {
		napi_throw_error(env, NULL, "undumpable.node: cannot export undumpable()");
		return NULL;
	}
	return exports;
}
