// What the command line's tests share: `sysgate` run as a new user would run it, in a home of
// its own, so that no test reads or writes the policies, plans or history of another.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The command through Node.js (`bin/sysgate.js`). */
export const SYSGATE = fileURLToPath(new URL('../../../../bin/sysgate.js', import.meta.url));

/**
 * The environment of a user whose home is `home`: every folder sysgate keeps (policies, plans,
 * history) is under it, whatever the environment the tests run in says.
 */
export function homeEnvironment(home: string, more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    ...more,
  };
}

export interface SysgateOptions {
  /** The home of the user running it. */
  home: string;
  /** The working directory; the home when not given. */
  cwd?: string;
  input?: string;
  /** Variables added to the home's environment. */
  env?: NodeJS.ProcessEnv;
  /** The command to run instead of `bin/sysgate.js` through Node.js (the front door). */
  command?: string;
  timeout?: number;
}

/** Runs `sysgate args` to its end; its output, status and signal. */
export function runSysgate(args: string[], options: SysgateOptions): SpawnSyncReturns<string> {
  const [file, argv] =
    options.command === undefined
      ? [process.execPath, [SYSGATE, ...args]]
      : [options.command, args];
  return spawnSync(file, argv, {
    cwd: options.cwd ?? options.home,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
    maxBuffer: 64 << 20,
    env: homeEnvironment(options.home, options.env),
  });
}

/** The lines of a decision log written with `-E`, without their time stamps; none if no file. */
export function decisionLog(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^\S+ /, ''));
}
