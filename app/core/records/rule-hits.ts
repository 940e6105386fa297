// How often each rule decided a call, from the decision records: a record names the line of the
// deciding rule in the policy the session had then, and the count is kept by the rule's printed
// text, so that it still belongs to the rule after lines move in the editor.

import type { RuleHit } from '../../common/contract.js';
import { parseFilter } from '../../common/policy/parser.js';
import { printFilter } from '../../common/policy/printer.js';
import type { CallCount, DecisionRecord } from '../../common/session/events.js';

/** Printed rules by source line; a policy's lines repeat in every record. */
const MAX_CACHED_LINES = 10_000;

export class RuleHits {
  private readonly byProgram = new Map<string, Map<string, RuleHit>>();
  private readonly printed = new Map<string, string | null>();

  /**
   * Counts a record decided by a rule; `lineText` is the text of the line it names in the
   * policy the session used (undefined when the session no longer has it).
   */
  add(record: DecisionRecord, lineText: string | undefined): void {
    this.addCount({ ...record, n: 1 }, lineText);
  }

  /** Counts `count.n` calls a rule decided (a row of the supervisor's counts). */
  addCount(
    count: Pick<CallCount, 'by' | 'line' | 'policy' | 'action' | 'time' | 'n'>,
    lineText: string | undefined,
  ): void {
    if (count.by !== 'rule' || count.line === null || lineText === undefined) return;
    const rule = this.ruleOf(lineText);
    if (rule === null) return;
    let hits = this.byProgram.get(count.policy);
    if (hits === undefined) this.byProgram.set(count.policy, (hits = new Map()));
    const hit = hits.get(rule) ?? { rule, hits: 0, permitted: 0, denied: 0, lastHit: 0 };
    const permit = count.action === 'permit';
    hits.set(rule, {
      rule,
      hits: hit.hits + count.n,
      permitted: hit.permitted + (permit ? count.n : 0),
      denied: hit.denied + (permit ? 0 : count.n),
      lastHit: Math.max(hit.lastHit, count.time),
    });
  }

  /** The rule as printed that a line holds, or null when it holds none. */
  ruleText(lineText: string): string | null {
    return this.ruleOf(lineText);
  }

  of(program: string): RuleHit[] {
    return [...(this.byProgram.get(program)?.values() ?? [])];
  }

  private ruleOf(lineText: string): string | null {
    let rule = this.printed.get(lineText);
    if (rule === undefined) {
      const { filter } = parseFilter(lineText.trim());
      rule = filter === null ? null : printFilter(filter);
      if (this.printed.size >= MAX_CACHED_LINES) this.printed.clear();
      this.printed.set(lineText, rule);
    }
    return rule;
  }
}
