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

/**
 * The other waiting questions of `target`'s run and program, oldest first. `before`, what it gave
 * for an earlier state of the questions: given back when they are the same questions, so that
 * what is computed from them (the suggestions, the questions the rule decides) is not computed
 * again. A burst adds questions batch after batch, and once LOOKED_AT are there a batch changes
 * none of them: a trace of a 1,000-question burst had the prompt check the same 100 questions
 * against its rule and suggestions again in every batch's frame (a quarter of its script).
 */
export function alongside(
  target: PendingQuestion,
  questions: Record<string, PendingQuestion>,
  before: readonly PendingQuestion[] = [],
): readonly PendingQuestion[] {
  const found: PendingQuestion[] = [];
  // for-in, not Object.values: the loop stops at LOOKED_AT of thousands.
  for (const id in questions) {
    const p = questions[id]!;
    if (p.id === target.id || p.sessionId !== target.sessionId) continue;
    if (p.question.policy !== target.question.policy) continue;
    found.push(p);
    if (found.length === LOOKED_AT) break;
  }
  const same = found.length === before.length && found.every((p, i) => p === before[i]);
  return same ? before : found;
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
