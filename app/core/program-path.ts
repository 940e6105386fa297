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
  for (const candidate of candidates) {
    inputs.note(candidate);
    if (!isExecutableFile(candidate)) continue;
    const program = realpathSync(candidate);
    inputs.note(program);
    return program;
  }
  const where = command.includes('/') ? '' : ' in $PATH';
  throw new ProgramNotFoundError(`${command}: no such program${where}`);
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
