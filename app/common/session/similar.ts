// "Apply to all N similar" (DESIGN §4): questions are similar when the same program asks about
// the same call (or alias) in the same session, whatever their arguments. The host answers by
// it (app/core/prompts/prompt-queue.ts) and the window counts by it (renderer/prompts), so the
// number a window shows is the number the host answers.

import type { PendingQuestion } from '../contract.js';

/** What similar questions share: the session, the policy and the call (or its alias). */
export function similarityKey(p: PendingQuestion): string {
  return `${p.sessionId}\0${p.question.policy}\0${p.question.alias ?? p.question.call}`;
}
