// What the rule being written would decide, before the click (DESIGN §4): the waiting questions
// of the same run and program that the rule, as it reads now, decides. They are highlighted in
// the queue, and the host answers them the moment the rule is added (broker.ts, answerWhere).

import type { PendingQuestion } from '../../app/common/contract.js';
import { decides, ruleOf } from '../../app/common/policy/cover.js';
import type { CallRequest, Macros } from '../../app/common/policy/request.js';

/**
 * At most this many waiting questions are looked at for one prompt: a burst can be thousands,
 * and each is checked against the rule again whenever the queue changes.
 */
export const LOOKED_AT = 100;

/** The other waiting questions of `target`'s run and program, oldest first. */
export function alongside(
  target: PendingQuestion,
  questions: Record<string, PendingQuestion>,
): PendingQuestion[] {
  const found: PendingQuestion[] = [];
  for (const p of Object.values(questions)) {
    if (p.id === target.id || p.sessionId !== target.sessionId) continue;
    if (p.question.policy !== target.question.policy) continue;
    found.push(p);
    if (found.length === LOOKED_AT) break;
  }
  return found;
}

/** The ids of `waiting` that the rule `expression` for `target`'s call would decide. */
export function decidedBy(
  target: CallRequest,
  expression: string,
  waiting: readonly PendingQuestion[],
  macros: Macros,
): string[] {
  const filter = ruleOf(target, expression);
  if (filter === null) return [];
  return waiting.filter((p) => decides(filter, p.question, macros)).map((p) => p.id);
}
