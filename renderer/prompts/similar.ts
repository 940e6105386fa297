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

/** What similar questions share: the session, the policy and the call (or its alias). */
function similarityKey(q: PendingQuestion): string {
  return `${q.sessionId}\0${q.question.policy}\0${q.question.alias ?? q.question.call}`;
}

// The waiting questions counted by similarity key, once for each state of the store's questions
// (the store makes a new object when they change), not once for every look.
const counted = new WeakMap<Record<string, PendingQuestion>, Map<string, number>>();

/** How many other waiting questions are similar to `target`: similarQuestions(...).length. */
export function similarCount(
  target: PendingQuestion,
  questions: Record<string, PendingQuestion>,
): number {
  let counts = counted.get(questions);
  if (counts === undefined) {
    counts = new Map();
    for (const q of Object.values(questions)) {
      const key = similarityKey(q);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    counted.set(questions, counts);
  }
  const key = similarityKey(target);
  const n = counts.get(key) ?? 0;
  // The target itself (as the store holds it) is not one of the others.
  const self = questions[target.id];
  return self !== undefined && similarityKey(self) === key ? n - 1 : n;
}
