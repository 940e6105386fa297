// Finds the file a command name runs, the way the kernel will see it after execve: searched in
// $PATH like a shell does, then with every symbolic link resolved (as /proc/PID/exe shows it).

import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

import { NO_NOTES, type InputNotes } from './run-plan/inputs.js';

export class ProgramNotFoundError extends Error {
  override name = 'ProgramNotFoundError';
}

export function resolveProgram(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  inputs: InputNotes = NO_NOTES,
): string {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : resolve(cwd, command)]
    : (env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin')
        .split(delimiter)
        .filter((d) => d !== '')
        .map((dir) => join(dir, command));
  // What the first candidate that is there but cannot run is, as a shell would say it: a file
  // that is there is not "no such program".
  let unrunnable: string | null = null;
  for (const candidate of candidates) {
    inputs.note(candidate);
    const why = whyNotRunnable(candidate);
    if (why !== null) {
      if (why !== 'missing') unrunnable ??= why;
      continue;
    }
    const program = realpathSync(candidate);
    inputs.note(program);
    return program;
  }
  if (unrunnable !== null) throw new ProgramNotFoundError(unrunnable);
  const where = command.includes('/') ? '' : ' in $PATH';
  throw new ProgramNotFoundError(`${command}: no such program${where}`);
}

/** Null for a file this user may run; else 'missing', or what is wrong with what is there. */
function whyNotRunnable(path: string): string | null {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return 'missing';
  }
  if (!isFile) return `${path} is a directory, not a program`;
  try {
    accessSync(path, constants.X_OK);
    return null;
  } catch {
    return `${path} is not executable (chmod +x ${path})`;
  }
}
