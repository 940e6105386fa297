// Answers that cover what comes next (DESIGN §4): a program that lists a directory asks about
// each of its files in turn, and an answer about one file answers nothing of the next. The
// covering suggestion is the narrowest directory, around the file asked about, that holds the
// files of the program's other waiting and recent questions of the same call (or alias): no
// wider than what those questions share, never `/` (everything), and said with how many of them
// it covers. The count is the evaluator's, so a window shows what the rule would decide.

import { parseFilter } from './parser.js';
import type { Filter } from './ast.js';
import { decideCall } from './evaluate.js';
import type { CallRequest, Macros } from './request.js';
import { escapeGlob, parentOf, suggestRules, withMacros, type Suggestion } from './suggest.js';
import { quoteString } from './lexer.js';

export interface CoveringSuggestion extends Suggestion {
  /** How many of the waiting questions it decides besides the one asked. */
  waiting: number;
  /** How many of the recent questions it decides. */
  recent: number;
}

/** The rule a suggestion makes for `request`'s call or alias; null when it does not parse. */
export function ruleOf(request: CallRequest, expression: string): Filter | null {
  const name = request.alias ?? request.call;
  const { filter, diagnostics } = parseFilter(`native-${name}: ${expression} then permit`);
  return diagnostics.some((d) => d.severity === 'error') ? null : filter;
}

/** Whether `filter` decides `request` (it is the first rule that matches it). */
export function decides(filter: Filter, request: CallRequest, macros: Macros): boolean {
  const decision = decideCall({ header: null, filters: [filter], detached: false }, request, {
    macros,
  });
  return decision.filter !== null && decision.action !== 'ask';
}

/**
 * The suggestion that would also answer the other questions (`waiting` still held, `recent`
 * asked a moment ago) of the same program and call as `request`; null when none shares a
 * directory with it, or its argument is not a path.
 */
export function coveringSuggestion(
  request: CallRequest,
  others: { waiting: readonly CallRequest[]; recent: readonly CallRequest[] },
  macros: Macros,
): CoveringSuggestion | null {
  const path = singlePath(request);
  if (path === null) return null;
  const name = request.alias ?? request.call;
  const alike = (o: CallRequest) => (o.alias ?? o.call) === name && singlePath(o) !== null;
  const waiting = others.waiting.filter(alike);
  const recent = others.recent.filter(alike);
  // From the file's directory outwards; the file's own tree is not offered, it would cover what
  // the program reads below a directory it merely looked at (`/tmp`).
  for (let dir = parentOf(path); dir !== '/'; dir = parentOf(dir)) {
    const within = (o: CallRequest) => {
      const p = singlePath(o)!;
      return p === dir || p.startsWith(`${dir}/`);
    };
    if (!waiting.some(within) && !recent.some(within)) continue;
    const shown = withMacros(dir, macros);
    // `match "/etc"` covers /etc and what is below it (leading-directory matching).
    const itself = [...waiting, ...recent].some((o) => singlePath(o) === dir);
    const pattern = itself ? escapeGlob(shown) : `${escapeGlob(shown)}/*`;
    const expression = `filename match ${quoteString(pattern)}`;
    const filter = ruleOf(request, expression);
    if (filter === null) return null;
    const count = (list: readonly CallRequest[]) =>
      list.filter((o) => decides(filter, o, macros)).length;
    const covered = { waiting: count(waiting), recent: count(recent) };
    const label = `${itself ? `${shown} and anything in it` : `anything in ${shown}`}: ${coverage(covered)}`;
    return { expression, label, ...covered };
  }
  return null;
}

/** `covers this, 3 waiting and 2 recent questions`. */
export function coverage(covered: { waiting: number; recent: number }): string {
  const parts = ['this'];
  if (covered.waiting > 0) parts.push(`${covered.waiting} waiting`);
  if (covered.recent > 0) parts.push(`${covered.recent} recent`);
  const last = parts.pop()!;
  const n = covered.waiting + covered.recent;
  return `covers ${parts.length > 0 ? `${parts.join(', ')} and ${last}` : last} question${n > 1 ? 's' : ''}`;
}

/** The one absolute path a call is about; null for two names (rename) or none. */
function singlePath(request: CallRequest): string | null {
  const names = request.args['filename'];
  if (names === undefined || names.length !== 1) return null;
  const path = names[0]!;
  return path.startsWith('/') && path.length > 1 ? path : null;
}

/**
 * What a prompt offers for `request`, first suggestion first: the one that covers what comes
 * next when there is one, then the usual ones from the exact value outwards.
 */
export function suggestionsFor(
  request: CallRequest,
  others: { waiting: readonly CallRequest[]; recent: readonly CallRequest[] },
  macros: Macros,
): Suggestion[] {
  const covering = coveringSuggestion(request, others, macros);
  const usual = suggestRules(request, macros);
  if (covering === null) return usual;
  return [covering, ...usual.filter((s) => s.expression !== covering.expression)];
}
