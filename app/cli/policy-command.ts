// `sysgate policy check|fmt|which`: the policy language's tools on the command line.

import { readFileSync } from 'node:fs';
import { checkPolicy } from '../common/policy/check.js';
import { formatDiagnostic, hasErrors } from '../common/policy/diagnostics.js';
import { printPolicy } from '../common/policy/printer.js';
import { Accounts } from '../core/accounts.js';
import { hostArch } from '../core/platform.js';
import { policyFileName } from '../core/policy/naming.js';
import { PolicyStore, PolicyStoreError } from '../core/policy/store.js';
import { ProgramNotFoundError, resolveProgram } from '../core/program-path.js';
import { getopt, UsageError } from './options.js';

export async function runPolicyCommand(argv: string[]): Promise<number> {
  const [verb, ...args] = argv;
  try {
    return await runVerb(verb, args);
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof ProgramNotFoundError ||
      e instanceof PolicyStoreError
    ) {
      process.stderr.write(`sysgate: ${e.message}\n`);
      return e instanceof UsageError ? 2 : 1;
    }
    throw e;
  }
}

async function runVerb(verb: string | undefined, args: string[]): Promise<number> {
  switch (verb) {
    case 'check':
      return check(args);
    case 'fmt':
      return format(args);
    case 'which':
      return which(args);
    default:
      process.stderr.write('usage: sysgate policy check FILE... | fmt FILE | which PROGRAM\n');
      return 2;
  }
}

function readSource(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    process.stderr.write(`sysgate: cannot read ${path}: ${(e as NodeJS.ErrnoException).message}\n`);
    return null;
  }
}

function check(paths: string[]): number {
  if (paths.length === 0) {
    process.stderr.write('usage: sysgate policy check FILE...\n');
    return 2;
  }
  let failed = false;
  for (const path of paths) {
    const text = readSource(path);
    if (text === null) {
      failed = true;
      continue;
    }
    // `as user:group` needs a root supervisor: the one this user would start.
    const accounts = new Accounts();
    const { diagnostics } = checkPolicy(text, path, {
      arch: hostArch(),
      uid: process.geteuid?.(),
      resolveUser: (name) => accounts.userId(name),
      resolveGroup: (name) => accounts.groupId(name),
    });
    for (const d of diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    failed ||= hasErrors(diagnostics);
  }
  return failed ? 1 : 0;
}

function format(paths: string[]): number {
  if (paths.length !== 1) {
    process.stderr.write('usage: sysgate policy fmt FILE\n');
    return 2;
  }
  const path = paths[0]!;
  const text = readSource(path);
  if (text === null) return 1;
  const { file, diagnostics } = checkPolicy(text, path, { arch: hostArch() });
  if (hasErrors(diagnostics)) {
    for (const d of diagnostics)
      if (d.severity === 'error') process.stderr.write(formatDiagnostic(d) + '\n');
    process.stderr.write(`sysgate: ${path} has errors; not formatted\n`);
    return 1;
  }
  process.stdout.write(printPolicy(file));
  return 0;
}

async function which(args: string[]): Promise<number> {
  const options = getopt(args, 'U', 'df');
  if (options.operands.length !== 1) {
    process.stderr.write('usage: sysgate policy which [-U] [-d policydir] [-f file] PROGRAM\n');
    return 2;
  }
  const program = resolveProgram(options.operands[0]!);
  const store = new PolicyStore({
    userDir: options.values.get('d')?.at(-1),
    files: options.values.get('f'),
    systemOnly: options.flags.has('U'),
  });
  const found = await store.lookup(program);
  if (found === null) {
    const places = [...store.files, ...(store.systemOnly ? [] : [store.userDir]), store.systemDir];
    const searched = places.join(', ');
    process.stdout.write(
      `${program}: no policy; sysgate looks for ${policyFileName(program)} in ${searched}\n`,
    );
    return 1;
  }
  process.stdout.write(`${program}: ${found.reason}\n`);
  return 0;
}
