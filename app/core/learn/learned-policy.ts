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
import type { Generalisation } from '../../common/policy/generalise.js';
import { quoteString } from '../../common/policy/lexer.js';
import { parseFilter, parsePolicy } from '../../common/policy/parser.js';
import { printPolicy } from '../../common/policy/printer.js';
import {
  randomNames,
  shapedRule,
  type NamingCall,
  type RandomNames,
} from '../../common/policy/random-names.js';
import type { Macros } from '../../common/policy/request.js';
import type { DecisionRecord } from '../../common/session/events.js';
import type { PolicyStore } from '../policy/store.js';
import { emptyPolicy, sectionOf, type PolicySource } from '../runs/policy-source.js';

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

/**
 * A call of two names (rename, link, ...) as one record per name, each as its `filename`: it is
 * decided once per name (evaluate.ts), so each name is learned as a rule of its own, and a rule
 * the policy has for one name never stands for the other; any other record as it is.
 */
function eachName(record: DecisionRecord): DecisionRecord[] {
  const names = record.args['filename'] ?? [];
  if (names.length < 2) return [record];
  return [...new Set(names)].map((name) => ({
    ...record,
    args: { ...record.args, filename: [name] },
  }));
}

/** Whether a translation the decision depends on could not be read from the program. */
function isUnread(record: DecisionRecord): boolean {
  return learnedTranslationsOf(record.call).some((t) => record.args[t]?.includes(UNREADABLE));
}

/** A name made at random that learning wrote as its shape, with how many more it stands for. */
export interface ShapedName {
  name: string;
  pattern: string;
  /** Other names of the same shape the program made in the same run. */
  alike: number;
}

/** What learning adds to a policy: the rules, and the generalisations it made in them. */
export interface RulesLearned {
  rules: string[];
  /** Each rule written with the shape of names made at random, and the literal rules it replaces. */
  generalised: Generalisation[];
  /** Those names, one for each shape. */
  shaped: ShapedName[];
}

/**
 * The rules to add to `program`'s policy for the learned calls, as printed, in order, leaving out
 * calls the policy (with the rules before them) already decides. Names the run made at random
 * (`names`, from randomNames()) are written as their shape.
 */
export function rulesLearned(
  program: string,
  existing: string,
  learned: readonly DecisionRecord[],
  options: { macros: Macros; noAliases: boolean; names?: RandomNames },
): RulesLearned {
  const { file } = parsePolicy(existing, program);
  if (sectionOf(file, program) === undefined)
    file.lines.push(...parsePolicy(emptyPolicy(program)).file.lines);
  const seen = new Set<string>();
  const rules: string[] = [];
  const generalised = new Map<string, Generalisation>();
  const shaped = new Map<string, ShapedName & { names: Set<string> }>();
  for (const record of learned.flatMap(eachMessage).flatMap(eachName)) {
    const literal = learnedRule(record, options.noAliases);
    const shape = options.names === undefined ? null : shapedRule(literal, options.names);
    const text = shape?.rule ?? literal;
    if (shape !== null) {
      const g = generalised.get(text);
      if (g === undefined)
        generalised.set(text, {
          rule: text,
          replaces: [literal],
          reason: shape.shaped
            .map(
              (n) =>
                `${quoteString(n.name)} is a name made at random, another in every run: learned as its shape ${quoteString(n.pattern)}`,
            )
            .join('; '),
        });
      else if (!g.replaces.includes(literal)) g.replaces.push(literal);
      for (const { name, pattern } of shape.shaped) {
        const s = shaped.get(pattern) ?? { name, pattern, alike: 0, names: new Set([name]) };
        if (!s.names.has(name)) s.alike++;
        s.names.add(name);
        shaped.set(pattern, s);
      }
    }
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
  return {
    rules,
    generalised: [...generalised.values()].filter((g) => rules.includes(g.rule)),
    shaped: [...shaped.values()].map(({ name, pattern, alike }) => ({ name, pattern, alike })),
  };
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
  | { program: string; path: string; added: number; asked: number; shaped: ShapedName[] }
  | { program: string; error: string };

/** What a learning run found for one program, for the user to review before it is saved. */
/**
 * What a program learned; `problem` when its policy cannot take the rules yet (it has errors):
 * the rules are then what an empty policy would get, kept for review until it is fixed.
 */
export type LearnedFinding =
  ({ program: string; problem?: string } & RulesLearned) | { program: string; error: string };

/** What a learning run recorded, program by program, until it is saved into their policies. */
export class Learning {
  private readonly learned = new Map<string, DecisionRecord[]>();
  /** Every call of the run that was permitted: what it created tells the names made at random. */
  private readonly calls: NamingCall[] = [];

  /**
   * Keeps a record the supervisor sent in learning mode; of the others, only the names a
   * permitted call created or removed are kept.
   */
  add(record: DecisionRecord): void {
    if (record.action === 'permit') this.calls.push({ call: record.call, args: record.args });
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
      const { program, rules, shaped } = found;
      try {
        const text = withRules(program, (await policies.policyFor(program)).text, rules);
        const path = await store.save(program, text);
        results.push({
          program,
          path,
          added: rules.length,
          asked: rules.filter(asksOnly).length,
          shaped,
        });
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
    // A name one program made at random may be used by another (mktemp's, by the script).
    const names = randomNames(this.calls);
    for (const [program, records] of this.learned) {
      let existing: string;
      let problem: string | undefined;
      try {
        existing = (await policies.policyFor(program)).text;
      } catch (e) {
        // What was learned is not lost to a policy with errors: it waits, with them, for the
        // user to fix the policy.
        existing = emptyPolicy(program);
        problem = (e as Error).message;
      }
      try {
        const found = rulesLearned(program, existing, records, { ...options, names });
        if (found.rules.length > 0)
          results.push({ program, ...found, ...(problem === undefined ? {} : { problem }) });
      } catch (e) {
        results.push({ program, error: (e as Error).message });
      }
    }
    this.learned.clear();
    this.calls.length = 0;
    return results;
  }
}
