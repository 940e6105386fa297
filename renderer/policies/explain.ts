// Explain: which rule of a policy decides a call, and why the rules before it did not. The
// decision is decideCall's, the one the supervisor's evaluator is checked against; the trail
// asks the same question of each rule of that call alone.

import { isAlias, type Alias } from '../../app/common/calls/aliases.js';
import type { PolicySection } from '../../app/common/policy/ast.js';
import { decideCall, type DecideOptions } from '../../app/common/policy/evaluate.js';
import { printFilter } from '../../app/common/policy/printer.js';
import type { CallRequest, Decision } from '../../app/common/policy/request.js';

export interface TriedRule {
  line: number;
  rule: string;
  /** Whether this rule, alone, decides the call. */
  decides: boolean;
}

export interface Explanation {
  decision: Decision;
  /** The deciding rule's line, or null when the call would be asked. */
  line: number | null;
  /** The rules for this call (or its alias) up to the one that decides, in order. */
  tried: TriedRule[];
}

export function explainCall(
  section: PolicySection,
  request: CallRequest,
  options: DecideOptions,
): Explanation {
  const decision = decideCall(section, request, options);
  const tried: TriedRule[] = [];
  for (const filter of section.filters) {
    if (filter.call !== request.call && filter.call !== request.alias) continue;
    const alone = decideCall({ ...section, filters: [filter] }, request, options);
    tried.push({
      line: filter.span.start.line,
      rule: printFilter(filter),
      decides: alone.filter !== null,
    });
    if (filter === decision.filter) break;
  }
  return { decision, line: decision.filter?.span.start.line ?? null, tried };
}

/**
 * A call typed as its name, its alias and one argument a line (`filename=/etc/hosts`,
 * `filename[1]=/tmp/b`); a line that is not `name=value` is refused with its number.
 */
export function requestOfText(
  call: string,
  alias: string,
  argumentsText: string,
  ids: { uid: number; gid: number },
): { ok: true; request: CallRequest } | { ok: false; message: string } {
  const name = call.trim();
  if (!/^[a-z0-9_]+$/.test(name)) return { ok: false, message: 'type a call name, such as openat' };
  if (alias !== '' && !isAlias(alias)) return { ok: false, message: `"${alias}" is not an alias` };
  const args: Record<string, string[]> = {};
  const lines = argumentsText.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const m = /^\s*([a-z]+)(?:\[(\d{1,2})\])?\s*=(.*)$/.exec(line);
    if (m === null) return { ok: false, message: `line ${i + 1}: write an argument as name=value` };
    const values = (args[m[1]!] ??= []);
    values[m[2] === undefined ? 0 : Number(m[2])] = m[3]!;
  }
  for (const values of Object.values(args))
    for (let i = 0; i < values.length; i++) values[i] ??= '';
  return {
    ok: true,
    request: { call: name, alias: alias === '' ? null : (alias as Alias), args, ...ids },
  };
}
