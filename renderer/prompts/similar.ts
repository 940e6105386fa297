// "Apply to all N similar" (DESIGN §4): the other waiting questions that the same program asks
// about the same call in the same session, whatever their arguments. The host decides which
// questions an answer reaches (app/core/prompts/prompt-queue.ts, `similarTo`); this is the same
// rule, so the number the checkbox shows is the number the host answers.

import type { PendingQuestion } from '../../app/common/contract.js';

export function isSimilar(a: PendingQuestion, b: PendingQuestion): boolean {
  return (
    a.id !== b.id &&
    a.sessionId === b.sessionId &&
    a.question.policy === b.question.policy &&
    (a.question.alias ?? a.question.call) === (b.question.alias ?? b.question.call)
  );
}

/** The other waiting questions an answer to `target` would reach with "apply to all similar". */
export function similarQuestions(
  target: PendingQuestion,
  waiting: Iterable<PendingQuestion>,
): PendingQuestion[] {
  return [...waiting].filter((other) => isSimilar(target, other));
}
