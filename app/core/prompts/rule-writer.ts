// The one place a rule is added. Whoever answered — the window, the terminal's -t prompter, the
// window for a run relayed from a terminal — an "always" rule goes into the policy's file and
// reaches every running run that uses that policy; a rule for this run only reaches that run.
// Runs are told of a policy file written elsewhere (the editor, a learned review, another
// program) here too, so that what every supervisor enforces is what the file says.

import type { Filter } from '../../common/policy/ast.js';
import type { PolicyStore } from '../policy/store.js';
import type { PolicySource, SessionPolicy } from '../runs/policy-source.js';

/** A running run a rule can reach: the policies it loaded, and the way to its supervisor. */
export interface RuleTarget {
  readonly policies: PolicySource;
  /** Sends a changed policy to the supervisor: it applies to the very next call. */
  push(policy: SessionPolicy): void;
}

/** Where a rule is kept: the policy's file, or the run it answers (`session`). */
export type RuleScope = 'policy' | 'session';

export interface WrittenRule<T extends RuleTarget> {
  /** The policy it was added to. */
  program: string;
  /** The runs the rule reached, the one it answers first. */
  reached: T[];
  /** The file it was saved in; null for a rule of one run, or when it could not be saved. */
  path: string | null;
  /** Its 1-based line in the policy's text, for a rule saved in a file. */
  line: number | null;
  /** Why it could not be saved; it then applies to the run it answers, and to no other. */
  unsaved: string | null;
}

export class RuleWriter<T extends RuleTarget = RuleTarget> {
  constructor(
    private readonly store: PolicyStore,
    /** The runs still running; a rule or a file's change reaches those that use the policy. */
    private readonly running: () => Iterable<T>,
  ) {}

  /** Adds `filter` to `program`'s policy, for `origin`'s run alone or in the policy's file. */
  async add(origin: T, program: string, filter: Filter, scope: RuleScope): Promise<WrittenRule<T>> {
    if (scope === 'session') {
      origin.push(await origin.policies.addSessionRule(program, filter));
      return { program, reached: [origin], path: null, line: null, unsaved: null };
    }
    const { policy: added, line } = await origin.policies.addRule(program, filter);
    let path: string;
    try {
      path = await this.store.save(program, added.text);
    } catch (e) {
      origin.push(added);
      return {
        program,
        reached: [origin],
        path: null,
        line: null,
        unsaved: (e as Error).message,
      };
    }
    // Read back from where it now lives: a policy that started from the base has a file now.
    // Where another file comes first (`-f`, `-U`), the run keeps the text it saved.
    const reloaded = await origin.policies.reload(program).catch(() => null);
    const policy =
      reloaded !== null && reloaded.origin?.path === path
        ? reloaded
        : origin.policies.replace(program, added.text);
    const reached: T[] = [origin];
    origin.push(policy);
    for (const run of this.running()) {
      if (run === origin || !run.policies.all().some((p) => p.program === program)) continue;
      // Each run keeps its own rules for this run only, after the file's.
      run.push(run.policies.replace(program, policy.text));
      reached.push(run);
    }
    return { program, reached, path, line, unsaved: null };
  }

  /** `program`'s policy file was written: every run that uses the policy reads it again. */
  async reload(program: string): Promise<void> {
    for (const run of this.running()) {
      const updated = await run.policies.reload(program);
      if (updated !== null) run.push(updated);
    }
  }

  /**
   * The file at `path` changed outside sysgate: every run that uses it reads it again. A run for
   * which it cannot be used keeps the policy it had, and `problem` says why.
   */
  async reloadFile(path: string, problem: (run: T, message: string) => void): Promise<void> {
    for (const run of this.running()) {
      for (const policy of run.policies.all()) {
        if (policy.origin?.path !== path) continue;
        try {
          const reloaded = await run.policies.reload(policy.program);
          if (reloaded !== null) run.push(reloaded);
        } catch (e) {
          problem(run, (e as Error).message);
        }
      }
    }
  }
}
