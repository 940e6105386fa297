// What a rule added in answer to a question means for that question.

import { errnoNumber } from '../../common/calls/index.js';
import type { Filter } from '../../common/policy/ast.js';
import { decideCall } from '../../common/policy/evaluate.js';
import type { Macros } from '../../common/policy/request.js';
import type { Answer, Question } from '../../common/session/events.js';

/** The answer `filter` gives `question`, or null when the rule does not decide it. */
export function answerOfRule(filter: Filter, question: Question, macros: Macros): Answer | null {
  const decision = decideCall({ header: null, filters: [filter], detached: false }, question, {
    macros,
  });
  if (decision.filter === null || decision.action === 'ask') return null;
  if (decision.action === 'permit') return { action: 'permit' };
  return { action: 'deny', errno: errnoNumber(decision.errno ?? 'eperm') ?? errnoNumber('eperm')! };
}
