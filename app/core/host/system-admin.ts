// What the desktop app offers the administrator of the system policies (root, or whoever may
// write /etc/sysgate/policies): the system history, where the daemons that root runs under
// `sysgate -U` keep their denials, and a rule added to a daemon's system policy. Nobody else
// is offered either: the history is root's, and a system policy decides for every user.

import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join, posix } from 'node:path';

import { hasErrors } from '../../common/policy/diagnostics.js';
import { appendRule } from '../../common/policy/edit.js';
import { parseFilter, parsePolicy } from '../../common/policy/parser.js';
import { printPolicy } from '../../common/policy/printer.js';
import { HistoryStore } from '../records/history-store.js';
import { policyFileName } from '../policy/naming.js';
import { PolicyStore } from '../policy/store.js';
import { systemHistoryPath, systemPolicyDir } from '../system-places.js';

/** Why a system administrator's request could not be done, in the user's words. */
export class SystemAdminError extends Error {
  override name = 'SystemAdminError';
}

/** Whether this process may change the system policies: root, or a writer of their folder. */
export function administersSystemPolicies(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.getuid?.() === 0) return true;
  try {
    accessSync(systemPolicyDir(env), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export class SystemAdmin {
  private store: HistoryStore | null = null;
  private readonly policies: PolicyStore;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    this.policies = new PolicyStore({ systemOnly: true, systemDir: systemPolicyDir(env) });
  }

  /** The system history, opened at its first use; refused when there is none yet. */
  history(): HistoryStore {
    if (this.store !== null) return this.store;
    const path = systemHistoryPath(this.env);
    // Looking must not make a system history where no daemon has run.
    if (!existsSync(path))
      throw new SystemAdminError(`no system history yet (${path}): no daemon has run under -U`);
    try {
      this.store = new HistoryStore(path);
    } catch (e) {
      throw new SystemAdminError(`cannot open ${path}: ${(e as Error).message}`);
    }
    return this.store;
  }

  /**
   * Adds `rule` (one rule, as a prompt's) as the last rule of `program`'s system policy, making
   * the file when there is none; the file is replaced at once (written beside it, then renamed),
   * root's with mode 0644 as policies must be. Gives the file and the rule's line.
   */
  async addRule(program: string, rule: string): Promise<{ path: string; line: number }> {
    if (!program.startsWith('/')) throw new SystemAdminError(`not a program's path: ${program}`);
    const parsed = parseFilter(rule.trim());
    if (parsed.filter === null || hasErrors(parsed.diagnostics))
      throw new SystemAdminError(
        `not a rule: ${parsed.diagnostics[0]?.message ?? 'nothing to add'}`,
      );
    const dir = systemPolicyDir(this.env);
    const path = join(dir, policyFileName(program));
    const name = posix.normalize(program);
    // Read as a run reads it: a file others could have written is refused, not extended.
    const text = existsSync(path)
      ? await this.policies.read(path)
      : `Policy: ${name}, Emulation: native\n`;
    const file = parsePolicy(text, path).file;
    const index = appendRule(file, name, parsed.filter);
    if (index < 0) throw new SystemAdminError(`${path} has no Policy: section for ${name}`);
    await writeAtomically(dir, path, printPolicy(file));
    return { path, line: index + 1 };
  }

  close(): void {
    this.store?.close();
    this.store = null;
  }
}

async function writeAtomically(dir: string, path: string, text: string): Promise<void> {
  const temp = join(dir, `.${posix.basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(0o644);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw new SystemAdminError(`cannot write ${path}: ${(e as Error).message}`);
  }
}
