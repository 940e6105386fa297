// sysgate's own files and folders: what it reads as the user's own word (policies, templates,
// compiled policies, run plans, the history and its settings) and the app socket. No traced
// program may change them, whatever its policy says (native/own-files.c decides it, before any
// rule): the supervisor is told where they are with `--protect`, once per place.

import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { historyPath } from './records/history-store.js';
import { sysgateCacheDir } from './policy/compiled-cache.js';
import { defaultUserDir } from './policy/store.js';
import { systemConfigDir, systemHistoryPath } from './system-places.js';

/** The folder of the app socket: `$XDG_RUNTIME_DIR/sysgate`, else `/tmp/sysgate-UID`. */
export function appSocketDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env['XDG_RUNTIME_DIR'];
  return runtime !== undefined && runtime.startsWith('/')
    ? join(runtime, 'sysgate')
    : `/tmp/sysgate-${process.getuid!()}`;
}

/**
 * Every place of sysgate's for this environment, and the extra ones of a run (`-d DIR`, its
 * templates, `-f FILE`). A folder covers what is in it; its subfolders are named too, so that
 * the supervisor knows them by device and inode as well (a bind mount of one elsewhere).
 */
export function ownPlaces(
  extra: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): string[] {
  const policies = defaultUserDir(env, home);
  const places = [
    dirname(policies),
    policies,
    join(policies, 'templates'),
    dirname(sysgateCacheDir('compiled', env)),
    sysgateCacheDir('compiled', env),
    sysgateCacheDir('runs', env),
    dirname(historyPath(env, home)),
    appSocketDir(env),
    systemConfigDir(env),
    join(systemConfigDir(env), 'policies'),
    join(systemConfigDir(env), 'policies', 'templates'),
    dirname(systemHistoryPath(env)),
    ...extra,
  ];
  return [...new Set(places.filter((p) => p.startsWith('/')))];
}
