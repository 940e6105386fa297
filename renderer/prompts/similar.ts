// "Apply to all N similar" (DESIGN §4): the other waiting questions an answer would reach, by
// the host's own rule (app/common/session/similar.ts).

import type { PendingQuestion } from '../../app/common/contract.js';
import { similarityKey } from '../../app/common/session/similar.js';

export function isSimilar(a: PendingQuestion, b: PendingQuestion): boolean {
  return a.id !== b.id && similarityKey(a) === similarityKey(b);
}

/** The other waiting questions an answer to `target` would reach with "apply to all similar". */
export function similarQuestions(
  target: PendingQuestion,
  waiting: Iterable<PendingQuestion>,
): PendingQuestion[] {
  return [...waiting].filter((other) => isSimilar(target, other));
}

// The waiting questions counted by similarity key, once for each state of the store's questions
// (the store makes a new object when they change), not once for every look.
const counted = new WeakMap<Record<string, PendingQuestion>, Map<string, number>>();
// Each question's key, made once: a burst's every batch is a new state of a thousand questions,
// nearly all of them the same objects as before, and a trace of one had the keys' strings made
// again for each batch.
const keys = new WeakMap<PendingQuestion, string>();

function keyOf(p: PendingQuestion): string {
  let key = keys.get(p);
  if (key === undefined) keys.set(p, (key = similarityKey(p)));
  return key;
}

/** How many other waiting questions are similar to `target`: similarQuestions(...).length. */
export function similarCount(
  target: PendingQuestion,
  questions: Record<string, PendingQuestion>,
): number {
  let counts = counted.get(questions);
  if (counts === undefined) {
    counts = new Map();
    for (const id in questions) {
      const key = keyOf(questions[id]!);
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
