// The policies a traced session runs under: found in the store for each program the session
// executes, compiled for the supervisor with this user's macros, and kept so that rules added
// while it runs (an "always" answer) reach the supervisor at once.

import { homedir, userInfo } from 'node:os';

import { sectionsOf, type PolicyFile, type PolicySection } from '../../common/policy/ast.js';
import { compilePolicy } from '../../common/policy/compile.js';
import { formatDiagnostic, hasErrors } from '../../common/policy/diagnostics.js';
import { quoteString } from '../../common/policy/lexer.js';
import { parsePolicy } from '../../common/policy/parser.js';
import { printFilter } from '../../common/policy/printer.js';
import type { Macros } from '../../common/policy/request.js';
import { Accounts } from '../accounts.js';
import type { PolicyLookup, PolicyStore } from '../policy/store.js';

/** A program's policy as the session knows it. */
export interface SessionPolicy {
  /** The program's path: the name the supervisor knows the policy by. */
  program: string;
  /** Where it came from; null when the program has no policy file yet. */
  origin: PolicyLookup | null;
  /** The whole file the policy is in (it may hold other policies too). */
  file: PolicyFile;
  text: string;
  section: PolicySection;
  /** The compiled form sent to the supervisor. */
  compiled: string;
  /** Rules the supervisor will not see, and why. */
  problems: string[];
}

/** The template a new program's policy starts from. */
export const BASE_TEMPLATE = 'base';

export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError';
}

export function currentMacros(cwd = process.cwd()): Macros {
  return { HOME: homedir(), USER: userInfo().username, CWD: cwd };
}

export class PolicySource {
  private readonly accounts = new Accounts();
  private readonly loaded = new Map<string, SessionPolicy>();

  constructor(
    private readonly store: PolicyStore,
    private readonly macros: Macros,
    private readonly options: { noAliases?: boolean } = {},
  ) {}

  /** The policy of `program`, loaded and compiled once per session. */
  async policyFor(program: string): Promise<SessionPolicy> {
    const known = this.loaded.get(program);
    if (known !== undefined) return known;
    const origin = await this.store.lookup(program);
    const text = origin === null ? await this.newPolicy(program) : (await this.store.load(origin.path)).text;
    const policy = this.build(program, origin, text);
    this.loaded.set(program, policy);
    return policy;
  }

  /** Replaces a program's policy text (a rule was added); gives the new compiled form. */
  replace(program: string, text: string): SessionPolicy {
    const previous = this.loaded.get(program);
    const policy = this.build(program, previous?.origin ?? null, text);
    this.loaded.set(program, policy);
    return policy;
  }

  /**
   * The policy a program without one starts from: permission to run it, then the rules of the
   * `base` template, so that the first questions are about what the program itself does.
   */
  private async newPolicy(program: string): Promise<string> {
    const base = await this.store.template(BASE_TEMPLATE);
    const rules = base === null ? [] : sectionsOf(base.file).find((s) => s.header?.type === 'Template' && s.header.name === BASE_TEMPLATE)?.filters ?? [];
    const from = base === null ? '' : `\t# The rules below come from the template ${base.path}\n`;
    return (
      emptyPolicy(program) +
      `\tnative-execve: filename eq ${quoteString(program)} then permit\n` +
      from +
      rules.map((f) => `\t${printFilter(f)}\n`).join('')
    );
  }

  /** Every policy loaded so far. */
  all(): SessionPolicy[] {
    return [...this.loaded.values()];
  }

  private build(program: string, origin: PolicyLookup | null, text: string): SessionPolicy {
    const source = origin?.path ?? program;
    const { file, diagnostics } = parsePolicy(text, source);
    if (hasErrors(diagnostics)) {
      const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      throw new PolicyLoadError(`the policy for ${program} has errors:\n${errors.join('\n')}`);
    }
    const section = sectionOf(file, program) ?? sectionOf(parsePolicy(emptyPolicy(program)).file, program)!;
    const { text: compiled, problems } = compilePolicy(section, {
      macros: this.macros,
      noAliases: this.options.noAliases,
      resolveUser: (name) => this.accounts.userId(name),
      resolveGroup: (name) => this.accounts.groupId(name),
    });
    return { program, origin, file, text, section, compiled, problems };
  }
}

/** The text of a policy with no rules for `program`. */
export function emptyPolicy(program: string): string {
  return `Policy: ${program}, Emulation: native\n`;
}

/** The section of `file` whose `Policy:` header names `program`. */
export function sectionOf(file: PolicyFile, program: string): PolicySection | undefined {
  return sectionsOf(file).find((s) => s.header?.type === 'Policy' && s.header.name === program);
}
