// "Create rule…" in the history: the rule a reviewer most likely wants for the records selected,
// drafted for the policy editor. One record: its suggestions (app/common/policy/suggest.ts), the
// most specific first. Several: the most specific suggestion that covers every one of them (a
// common directory, an extension, ... `true` at worst), for the call or the alias they share.

import { suggestRules, type Suggestion } from '../../app/common/policy/suggest.js';
import type { Macros } from '../../app/common/policy/request.js';
import type { HistoryEntry } from '../../app/common/history/entry.js';

export type RecordRule =
  { policy: string; rules: { label: string; rule: string }[] } | { problem: string };

type Reviewed = Pick<HistoryEntry, 'policy' | 'call' | 'alias' | 'args' | 'uid'>;

/** The rules that would permit all of `entries`, most specific first. */
export function rulesForRecords(entries: readonly Reviewed[], macros: Macros): RecordRule {
  const [first] = entries;
  if (first === undefined) return { problem: 'Select a record first.' };
  const policies = new Set(entries.map((e) => e.policy));
  if (policies.size > 1)
    return { problem: `The records belong to ${policies.size} policies: a rule belongs to one.` };
  const name = callName(entries);
  if (name === null)
    return { problem: 'The records are of different calls, with no alias in common.' };
  const lists = entries.map((e) =>
    suggestRules({ call: e.call, alias: e.alias, args: e.args, uid: e.uid, gid: 0 }, macros),
  );
  const common = lists
    .slice(1)
    .reduce<Suggestion[]>(
      (kept, list) => kept.filter((s) => list.some((o) => o.expression === s.expression)),
      lists[0]!,
    );
  return {
    policy: first.policy,
    rules: common.map((s) => ({
      label: s.label,
      rule: `native-${name}: ${s.expression} then permit`,
    })),
  };
}

/** The alias all entries share (as the prompt's rules use), else the call, else null. */
function callName(entries: readonly Reviewed[]): string | null {
  const aliases = new Set(entries.map((e) => e.alias));
  const calls = new Set(entries.map((e) => e.call));
  const [alias] = aliases;
  if (aliases.size === 1 && alias !== null && alias !== undefined) return alias;
  return calls.size === 1 ? entries[0]!.call : null;
}
