// The one place a rule is added. Whoever answered — the window, the terminal's -t prompter, the
// window for a run relayed from a terminal — an "always" rule goes into the policy's file and
// reaches every running run that uses that policy; a rule for this run (or for some minutes)
// only reaches that run, and one until sysgate quits every run of the program it starts. A rule
// with a time stops applying by itself: when its time is up, the runs it reached send their
// supervisors the policy without it.
// Runs are told of a policy file written elsewhere (the editor, a learned review, another
// program) here too, so that what every supervisor enforces is what the file says.

import type { Filter } from '../../common/policy/ast.js';
import type { PolicyStore } from '../policy/store.js';
import type { PolicySource, SessionPolicy, TemporaryRule } from '../runs/policy-source.js';

/** A running run a rule can reach: the policies it loaded, and the way to its supervisor. */
export interface RuleTarget {
  readonly policies: PolicySource;
  /** Sends a changed policy to the supervisor: it applies to the very next call. */
  push(policy: SessionPolicy): void;
}

/**
 * Where a rule is kept and how long it lasts: the policy's file; the run it answers
 * (`session`); that run until a time (milliseconds since the epoch); every run of the program
 * until sysgate quits (`app`).
 */
export type RuleScope = 'policy' | 'session' | 'app' | { readonly until: number };

export interface WrittenRule<T extends RuleTarget> {
  /** The policy it was added to. */
  program: string;
  /** The runs the rule reached, the one it answers first. */
  reached: T[];
  /** The file it was saved in; null for a rule of one run, or when it could not be saved. */
  path: string | null;
  /** Its 1-based line in the policy's text, for a rule saved in a file. */
  line: number | null;
  /** When it stops applying (milliseconds since the epoch); null for no time limit. */
  expires?: number | null;
  /** Why it could not be saved; it then applies to the run it answers, and to no other. */
  unsaved: string | null;
}

export class RuleWriter<T extends RuleTarget = RuleTarget> {
  /** Rules until sysgate quits, by program: each run started from now on applies them too. */
  private readonly appRules = new Map<string, TemporaryRule[]>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: PolicyStore,
    /** The runs still running; a rule or a file's change reaches those that use the policy. */
    private readonly running: () => Iterable<T>,
  ) {}

  /** The rules until sysgate quits for `program` (for a run's PolicySource). */
  rulesOfApp(program: string): readonly TemporaryRule[] {
    return this.appRules.get(program) ?? [];
  }

  /** Adds `filter` to `program`'s policy, for `origin`'s run alone or in the policy's file. */
  async add(origin: T, program: string, filter: Filter, scope: RuleScope): Promise<WrittenRule<T>> {
    if (scope === 'app') return this.addToApp(origin, program, filter);
    if (scope !== 'policy') {
      const expires = scope === 'session' ? null : scope.until;
      origin.push(await origin.policies.addSessionRule(program, filter, expires));
      if (expires !== null) this.expireAt(expires, origin);
      const written = { program, reached: [origin], path: null, line: null, unsaved: null };
      return expires === null ? written : { ...written, expires };
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

  /** Stops every timer of rules with a time (sysgate quits). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async addToApp(origin: T, program: string, filter: Filter): Promise<WrittenRule<T>> {
    this.appRules.set(program, [
      ...this.rulesOfApp(program),
      { filter, lasts: 'app', expires: null },
    ]);
    // The origin loads the policy if it has not yet; every other run that uses it compiles it
    // again with the app's rules.
    await origin.policies.policyFor(program);
    const reached: T[] = [origin];
    for (const run of this.running()) if (run !== origin) reached.push(run);
    const touched: T[] = [];
    for (const run of reached) {
      let policy = run.policies.refresh(program);
      if (policy === null) continue;
      // A run whose policies do not read the app's rules (one relayed from a terminal) keeps
      // the rule as its own, for as long as it runs.
      if (!policy.sessionRules.includes(filter))
        policy = await run.policies.addSessionRule(program, filter);
      run.push(policy);
      touched.push(run);
    }
    return { program, reached: touched, path: null, line: null, unsaved: null };
  }

  /** At `expires`, `run` sends its supervisor its policies without the rules whose time is up. */
  private expireAt(expires: number, run: T): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        for (const policy of run.policies.expire(Math.max(Date.now(), expires))) run.push(policy);
      },
      Math.max(0, expires - Date.now()),
    );
    timer.unref();
    this.timers.add(timer);
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
