// The system's places, which only root (or whoever administers sysgate) may change: the system
// policies, read by `sysgate -U`, and the history of runs under them that root makes (a daemon
// started by its service manager). $SYSGATE_SYSTEM_ROOT, when absolute, puts them below another
// root: the tests use it to run a daemon exactly as its unit does without touching /etc.

import { join } from 'node:path';

/** The folder the system's places are under: $SYSGATE_SYSTEM_ROOT when absolute, else `/`. */
export function systemRoot(env: NodeJS.ProcessEnv = process.env): string {
  const root = env['SYSGATE_SYSTEM_ROOT'];
  return root !== undefined && root.startsWith('/') ? root : '/';
}

/** `/etc/sysgate`: the system's policies (`policies/`) and templates (`policies/templates/`). */
export function systemConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(systemRoot(env), 'etc', 'sysgate');
}

/** `/etc/sysgate/policies`, where `-U` looks. */
export function systemPolicyDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(systemConfigDir(env), 'policies');
}

/**
 * `/var/lib/sysgate/history.sqlite3`: the history of the runs root makes with the system
 * policies only (`sysgate -U` as root: a daemon under its service manager), which the desktop
 * app shows its administrator beside their own.
 */
export function systemHistoryPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(systemRoot(env), 'var', 'lib', 'sysgate', 'history.sqlite3');
}
