// The policies a traced session runs under: found in the store for each program the session
// executes, compiled for the supervisor with this user's macros, and kept so that rules added
// while it runs (an "always" answer) reach the supervisor at once.

import { homedir, userInfo } from 'node:os';

import {
  sectionsOf,
  type Filter,
  type PolicyFile,
  type PolicySection,
} from '../../common/policy/ast.js';
import { appendRule } from '../../common/policy/edit.js';
import { compilePolicy } from '../../common/policy/compile.js';
import { elevationDiagnostics } from '../../common/policy/elevation.js';
import { planKernel, type KernelPlan } from '../../common/policy/kernel-plan.js';
import { formatDiagnostic, hasErrors } from '../../common/policy/diagnostics.js';
import { quoteString } from '../../common/policy/lexer.js';
import { printable } from '../../common/session/log-line.js';
import { parsePolicy } from '../../common/policy/parser.js';
import { printFilter, printPolicy } from '../../common/policy/printer.js';
import type { Macros } from '../../common/policy/request.js';
import { Accounts } from '../accounts.js';
import type { CompiledPolicyCache } from '../policy/compiled-cache.js';
import type { PolicyLookup, PolicyStore } from '../policy/store.js';
import type { InputNotes } from '../run-plan/inputs.js';

/** A program's policy as the session knows it. */
export interface SessionPolicy {
  /** The program's path: the name the supervisor knows the policy by. */
  program: string;
  /** Where it came from; null when the program has no policy file yet. */
  origin: PolicyLookup | null;
  /** The whole file the policy is in (it may hold other policies too). */
  text: string;
  /** Rules kept for this session only, applied after the file's. */
  sessionRules: Filter[];
  /** The same rules with how long each lasts (the editor marks them temporary). */
  temporaryRules?: TemporaryRule[];
  /** The compiled form sent to the supervisor: the file's rules, then the session's. */
  compiled: string;
  /** Rules the supervisor will not see, and why. */
  problems: string[];
  /** How many rules the file has for this program. */
  filters: number;
  /** What the kernel can enforce of it, with the `kernel` option (`-K`). */
  kernel?: KernelPlan;
}

/**
 * A rule kept outside the policy's file (DESIGN §4, scopes): for this run, for some minutes, or
 * until sysgate quits. One with an expiry stops applying by itself: the rule writer sends the
 * supervisor the policy without it when the time comes (app/core/prompts/rule-writer.ts).
 */
export interface TemporaryRule {
  filter: Filter;
  /** `run`: until the run ends; `timed`: until `expires`; `app`: until sysgate quits. */
  lasts: 'run' | 'timed' | 'app';
  /** When it stops applying, in milliseconds since the epoch; null for no time limit. */
  expires: number | null;
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
  private readonly accounts: Accounts;
  private readonly loaded = new Map<string, SessionPolicy>();
  private readonly sessionRules = new Map<string, TemporaryRule[]>();

  constructor(
    private readonly store: PolicyStore,
    private readonly macros: Macros,
    private readonly options: {
      noAliases?: boolean;
      /** Compiled forms kept between runs (the command line's): a policy unchanged since its
       * last run is then not parsed at all. */
      cache?: CompiledPolicyCache;
      /** `-K`: plan what the kernel can enforce of each policy too (common/policy/kernel-plan). */
      kernel?: boolean;
      /** Told of the account files the policies' user and group names are read from. */
      inputs?: InputNotes;
      /** Rules of the whole app (`until sysgate quits`) for a program, after this run's own. */
      appRules?: (program: string) => readonly TemporaryRule[];
    } = {},
  ) {
    this.accounts = new Accounts(options.inputs);
  }

  /** The policy of `program`, loaded and compiled once per session. */
  async policyFor(program: string): Promise<SessionPolicy> {
    const known = this.loaded.get(program);
    if (known !== undefined) return known;
    const origin = await this.store.lookup(program);
    const text =
      origin === null ? await this.newPolicy(program) : await this.store.read(origin.path);
    const policy = this.build(program, origin, text);
    this.loaded.set(program, policy);
    return policy;
  }

  /**
   * The policy a supervisor gets for a program it asks about: when the program's file cannot be
   * used, a policy with no rules at all (fail closed: denied by -a, asked otherwise), and why.
   */
  async policyOrNothing(program: string): Promise<{ policy: SessionPolicy; problems: string[] }> {
    try {
      const policy = await this.policyFor(program);
      return { policy, problems: policy.problems.map((p) => `${printable(program)}: ${p}`) };
    } catch (e) {
      const policy = this.replace(program, emptyPolicy(program));
      const why = (e as Error).message.split('\n').map(printable).join('\n');
      return { policy, problems: [`${why}\n${printable(program)} runs with no rules`] };
    }
  }

  /**
   * Adds a rule at the end of a program's policy (an "always" answer) and gives the policy with
   * its new compiled form, and the 1-based line the rule is on. Saving it is the caller's choice.
   */
  async addRule(program: string, filter: Filter): Promise<{ policy: SessionPolicy; line: number }> {
    const current = await this.policyFor(program);
    const { file } = parsePolicy(current.text, current.origin?.path ?? program);
    const index = appendRule(file, program, filter);
    // printPolicy writes one line per line of the file, so the index is the line.
    return { policy: this.replace(program, printPolicy(file)), line: index + 1 };
  }

  /**
   * Adds a rule that lasts as long as this session (or until `expires`, milliseconds since the
   * epoch), after the program's own rules.
   */
  async addSessionRule(
    program: string,
    filter: Filter,
    expires: number | null = null,
  ): Promise<SessionPolicy> {
    const current = await this.policyFor(program);
    const rule: TemporaryRule = { filter, lasts: expires === null ? 'run' : 'timed', expires };
    this.sessionRules.set(program, [...(this.sessionRules.get(program) ?? []), rule]);
    return this.replace(program, current.text);
  }

  /** Compiles a loaded policy again (the app's rules for it changed); null when not loaded. */
  refresh(program: string): SessionPolicy | null {
    const current = this.loaded.get(program);
    return current === undefined ? null : this.replace(program, current.text);
  }

  /**
   * Drops the temporary rules whose time is up at `now` and gives the policies that changed, to
   * be sent to the supervisor: from then on it no longer applies them.
   */
  expire(now: number): SessionPolicy[] {
    const changed: SessionPolicy[] = [];
    for (const policy of this.all()) {
      if (!(policy.temporaryRules ?? []).some((r) => isExpired(r, now))) continue;
      const own = this.sessionRules.get(policy.program) ?? [];
      this.sessionRules.set(
        policy.program,
        own.filter((r) => !isExpired(r, now)),
      );
      changed.push(this.replace(policy.program, policy.text));
    }
    return changed;
  }

  /**
   * Reads a program's policy again after its file changed outside this session; gives the new
   * policy, or null when this session never loaded it.
   */
  async reload(program: string): Promise<SessionPolicy | null> {
    const previous = this.loaded.get(program);
    if (previous === undefined) return null;
    this.loaded.delete(program);
    try {
      return await this.policyFor(program);
    } catch (e) {
      // A broken edit keeps the policy the session had; the caller reports why.
      this.loaded.set(program, previous);
      throw e;
    }
  }

  /**
   * Replaces a program's policy text (a rule was added), and its rules for this session when
   * given; gives the new compiled form.
   */
  replace(program: string, text: string, sessionRules?: Filter[]): SessionPolicy {
    if (sessionRules !== undefined)
      this.sessionRules.set(
        program,
        sessionRules.map((filter) => ({ filter, lasts: 'run', expires: null })),
      );
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
    const rules =
      base === null
        ? []
        : (sectionsOf(base.file).find(
            (s) => s.header?.type === 'Template' && s.header.name === BASE_TEMPLATE,
          )?.filters ?? []);
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
    const now = Date.now();
    const temporaryRules = [
      ...(this.sessionRules.get(program) ?? []),
      ...(this.options.appRules?.(program) ?? []),
    ].filter((r) => !isExpired(r, now));
    const sessionRules = temporaryRules.map((r) => r.filter);
    const cache = sessionRules.length === 0 ? this.options.cache : undefined;
    const key = cache?.keyOf({
      program,
      path: origin?.path ?? null,
      text,
      macros: this.macros,
      noAliases: this.options.noAliases ?? false,
      kernel: this.options.kernel ?? false,
    });
    const cached = key === undefined ? null : cache!.get(key);
    if (cached !== null) return { program, origin, text, sessionRules, ...cached };
    const policy = this.compile(program, origin, text, sessionRules);
    if (key !== undefined) cache!.put(key, policy);
    return temporaryRules.length === 0 ? policy : { ...policy, temporaryRules };
  }

  private compile(
    program: string,
    origin: PolicyLookup | null,
    text: string,
    sessionRules: Filter[],
  ): SessionPolicy {
    const parsed = parsePolicy(text, origin?.path ?? program);
    const { file } = parsed;
    // `as user:group` that this supervisor cannot honour stops the run, at its place.
    const diagnostics = [
      ...parsed.diagnostics,
      ...elevationDiagnostics(file, text, {
        uid: process.geteuid?.(),
        resolveUser: (name) => this.accounts.userId(name),
        resolveGroup: (name) => this.accounts.groupId(name),
      }),
    ];
    if (hasErrors(diagnostics)) {
      const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      throw new PolicyLoadError(`the policy for ${program} has errors:\n${errors.join('\n')}`);
    }
    const section =
      sectionOf(file, program) ?? sectionOf(parsePolicy(emptyPolicy(program)).file, program)!;
    const { text: compiled, problems } = compilePolicy(
      { ...section, filters: [...section.filters, ...sessionRules] },
      {
        macros: this.macros,
        noAliases: this.options.noAliases,
        resolveUser: (name) => this.accounts.userId(name),
        resolveGroup: (name) => this.accounts.groupId(name),
        resolveUserGroup: (name) => this.accounts.userGroup(name),
      },
    );
    const filters = section.filters.length;
    const policy = { program, origin, text, sessionRules, compiled, problems, filters };
    if (!this.options.kernel) return policy;
    const kernel = planKernel(section, { macros: this.macros, noAliases: this.options.noAliases });
    return { ...policy, kernel };
  }
}

function isExpired(rule: TemporaryRule, now: number): boolean {
  return rule.expires !== null && rule.expires <= now;
}

/** The text of a policy with no rules for `program`. */
export function emptyPolicy(program: string): string {
  return `Policy: ${program}, Emulation: native\n`;
}

/** The section of `file` whose `Policy:` header names `program`. */
export function sectionOf(file: PolicyFile, program: string): PolicySection | undefined {
  return sectionsOf(file).find((s) => s.header?.type === 'Policy' && s.header.name === program);
}
