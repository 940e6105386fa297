// Learning mode (-A) as systrace had it: every call the program made becomes a rule that permits
// it, with aliases, added to the program's policy after what the policy already permits.

import {
  DECIDED_PER_MESSAGE,
  learnedTranslationsOf,
  UNREADABLE,
} from '../../common/calls/arguments.js';
import { appendRule } from '../../common/policy/edit.js';
import { askedNote, asksOnly } from '../../common/policy/learned-asks.js';
import { decideCall } from '../../common/policy/evaluate.js';
import { quoteString } from '../../common/policy/lexer.js';
import { parseFilter, parsePolicy } from '../../common/policy/parser.js';
import { printPolicy } from '../../common/policy/printer.js';
import type { Macros } from '../../common/policy/request.js';
import type { DecisionRecord } from '../../common/session/events.js';
import type { PolicyStore } from '../policy/store.js';
import { emptyPolicy, sectionOf, type PolicySource } from '../session/policy-source.js';

/**
 * The rule that permits exactly this call, with every translation its decision can depend on
 * (learnedTranslationsOf): `native-fsread: filename eq "/etc/hosts" then permit`,
 * `native-ioctl: cmd eq "0x5401" then permit`. A call whose deciding argument could not be read
 * is asked, never permitted: `native-connect: sockaddr eq "<unreadable>" then ask`.
 */
export function learnedRule(record: DecisionRecord, noAliases: boolean): string {
  const name = record.alias !== null && !noAliases ? record.alias : record.call;
  const conditions: string[] = [];
  for (const kept of learnedTranslationsOf(record.call, noAliases))
    for (const [i, value] of (record.args[kept] ?? []).entries())
      conditions.push(`${kept}${i === 0 ? '' : `[${i}]`} eq ${quoteString(value)}`);
  const action = isUnread(record) ? 'ask' : 'permit';
  if (conditions.length === 0) return `native-${name}: ${action}`;
  return `native-${name}: ${conditions.join(' and ')} then ${action}`;
}

/**
 * A call decided once per message (sendmmsg) as one record per distinct address, so that each
 * address is learned as a rule of its own; any other record as it is.
 */
function eachMessage(record: DecisionRecord): DecisionRecord[] {
  const addresses = record.args['sockaddr'] ?? [];
  if (!DECIDED_PER_MESSAGE.includes(record.call) || addresses.length < 2) return [record];
  return [...new Set(addresses)].map((address) => ({
    ...record,
    args: { ...record.args, sockaddr: [address] },
  }));
}

/** Whether a translation the decision depends on could not be read from the program. */
function isUnread(record: DecisionRecord): boolean {
  return learnedTranslationsOf(record.call).some((t) => record.args[t]?.includes(UNREADABLE));
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
  for (const record of learned.flatMap(eachMessage)) {
    const text = learnedRule(record, options.noAliases);
    if (seen.has(text)) continue;
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
    // Only a rule added stands for the calls it decides; one the policy decided did not.
    seen.add(text);
    rules.push(text);
  }
  return rules;
}

export { askedNote, asksOnly };

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

/** What was saved for one program: `asked` of the rules `added` ask (asksOnly). */
export type LearnedResult =
  | { program: string; path: string; added: number; asked: number }
  | { program: string; error: string };

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
        const path = await store.save(program, text);
        results.push({ program, path, added: rules.length, asked: rules.filter(asksOnly).length });
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
