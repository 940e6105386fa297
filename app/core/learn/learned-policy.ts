// Learning mode (-A) as systrace had it: every call the program made becomes a rule that permits
// it, with aliases, added to the program's policy after what the policy already permits.

import { appendRule } from '../../common/policy/edit.js';
import { decideCall } from '../../common/policy/evaluate.js';
import { quoteString } from '../../common/policy/lexer.js';
import { parseFilter, parsePolicy } from '../../common/policy/parser.js';
import { printPolicy } from '../../common/policy/printer.js';
import type { Macros } from '../../common/policy/request.js';
import type { DecisionRecord } from '../../common/session/events.js';
import type { PolicyStore } from '../policy/store.js';
import { emptyPolicy, sectionOf, type PolicySource } from '../session/policy-source.js';

/** The translations a learned rule keeps exact; a call with none of them is permitted outright. */
const KEPT = ['filename', 'sockaddr', 'uid', 'gid'] as const;

/** The rule that permits exactly this call: `native-fsread: filename eq "/etc/hosts" then permit`. */
export function learnedRule(record: DecisionRecord, noAliases: boolean): string {
  const name = record.alias !== null && !noAliases ? record.alias : record.call;
  const kept = KEPT.find((t) => (record.args[t]?.length ?? 0) > 0);
  if (kept === undefined) return `native-${name}: permit`;
  const conditions = record.args[kept]!.map(
    (value, i) => `${kept}${i === 0 ? '' : `[${i}]`} eq ${quoteString(value)}`,
  );
  return `native-${name}: ${conditions.join(' and ')} then permit`;
}

/**
 * The rules to add to `program`'s policy for the learned calls, as printed, in order, leaving out
 * calls the policy (with the rules before them) already decides.
 */
export function rulesLearned(
  program: string,
  existing: string,
  learned: readonly DecisionRecord[],
  options: { macros: Macros; noAliases: boolean },
): string[] {
  const { file } = parsePolicy(existing, program);
  if (sectionOf(file, program) === undefined)
    file.lines.push(...parsePolicy(emptyPolicy(program)).file.lines);
  const seen = new Set<string>();
  const rules: string[] = [];
  for (const record of learned) {
    const text = learnedRule(record, options.noAliases);
    if (seen.has(text)) continue;
    seen.add(text);
    const section = sectionOf(file, program)!;
    const request = {
      call: record.call,
      alias: options.noAliases ? null : record.alias,
      args: record.args,
      uid: record.uid,
      gid: record.gid,
    };
    // A call the policy already decides, either way, needs no rule (a new one would never match).
    if (
      decideCall(section, request, { macros: options.macros, noAliases: options.noAliases })
        .action !== 'ask'
    )
      continue;
    appendRule(file, program, parseFilter(text).filter!);
    rules.push(text);
  }
  return rules;
}

/** Appends reviewed rules to a policy's text (after its own), one printed rule each. */
export function withRules(program: string, existing: string, rules: readonly string[]): string {
  const { file } = parsePolicy(existing, program);
  if (sectionOf(file, program) === undefined)
    file.lines.push(...parsePolicy(emptyPolicy(program)).file.lines);
  for (const rule of rules) {
    const { filter, diagnostics } = parseFilter(rule);
    const error = diagnostics.find((d) => d.severity === 'error');
    if (filter === null || error !== undefined)
      throw new Error(`not a rule: ${rule}: ${error?.message ?? 'it does not parse'}`);
    appendRule(file, program, filter);
  }
  return printPolicy(file);
}

export type LearnedResult =
  { program: string; path: string; added: number } | { program: string; error: string };

/** What a learning run found for one program, for the user to review before it is saved. */
export type LearnedFinding =
  { program: string; rules: string[] } | { program: string; error: string };

/** What a learning run recorded, program by program, until it is saved into their policies. */
export class Learning {
  private readonly learned = new Map<string, DecisionRecord[]>();

  /** Keeps a record the supervisor sent in learning mode; other records are not for it. */
  add(record: DecisionRecord): void {
    if (record.by !== 'learn') return;
    const list = this.learned.get(record.policy) ?? [];
    list.push(record);
    this.learned.set(record.policy, list);
  }

  /** Adds what each program did to its policy and saves it in the user's directory. */
  async save(
    policies: PolicySource,
    store: PolicyStore,
    options: { macros: Macros; noAliases: boolean },
  ): Promise<LearnedResult[]> {
    const results: LearnedResult[] = [];
    for (const found of await this.review(policies, options)) {
      if ('error' in found) {
        results.push(found);
        continue;
      }
      const { program, rules } = found;
      try {
        const text = withRules(program, (await policies.policyFor(program)).text, rules);
        results.push({ program, path: await store.save(program, text), added: rules.length });
      } catch (e) {
        results.push({ program, error: (e as Error).message });
      }
    }
    return results;
  }

  /**
   * The rules each program's policy would get, without saving them; what was recorded is
   * forgotten (the review holds it from then on).
   */
  async review(
    policies: PolicySource,
    options: { macros: Macros; noAliases: boolean },
  ): Promise<LearnedFinding[]> {
    const results: LearnedFinding[] = [];
    for (const [program, records] of this.learned) {
      try {
        const existing = (await policies.policyFor(program)).text;
        const rules = rulesLearned(program, existing, records, options);
        if (rules.length > 0) results.push({ program, rules });
      } catch (e) {
        results.push({ program, error: (e as Error).message });
      }
    }
    this.learned.clear();
    return results;
  }
}
