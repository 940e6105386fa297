// What each button of the prompt sends (DESIGN §4, PromptAnswer in app/common/contract.ts).

import type { PromptAnswer, RuleScope } from '../../app/common/contract.js';

export type PromptChoice = 'permit' | 'deny' | 'permit-always' | 'deny-always' | 'kill' | 'detach';

/** What the user set in the prompt besides the button pressed. */
export interface PromptForm {
  /** The rule's filter expression for the "always" answers. */
  rule: string;
  /** The error a denial returns (`eperm`, `enoent`, ...). */
  errno: string;
  scope: RuleScope;
  /** "Apply to all N similar" is checked (and shown: there are similar questions). */
  applyToSimilar: boolean;
}

export function isAlways(choice: PromptChoice): boolean {
  return choice === 'permit-always' || choice === 'deny-always';
}

export function isDenial(choice: PromptChoice): boolean {
  return choice === 'deny' || choice === 'deny-always';
}

/**
 * The answer for a choice. Denials carry the error; "always" answers carry the rule and where it
 * is kept; permits and denials reach the similar questions when asked to. Killing and detaching
 * concern this process only.
 */
export function buildAnswer(choice: PromptChoice, form: PromptForm): PromptAnswer {
  if (choice === 'kill' || choice === 'detach') return { action: choice };
  const answer: PromptAnswer = { action: isDenial(choice) ? 'deny' : 'permit' };
  if (isDenial(choice)) answer.errno = form.errno;
  if (isAlways(choice)) answer.always = { expression: form.rule.trim(), scope: form.scope };
  if (form.applyToSimilar) answer.applyToSimilar = true;
  return answer;
}

/** The errors offered for denials: the usual ones first, then every other in the table's order. */
export function errnoChoices(names: readonly string[]): { common: string[]; others: string[] } {
  const usual = ['eperm', 'eacces', 'enoent', 'erofs', 'enosys', 'einval', 'eexist'];
  const known = new Set(names);
  const common = usual.filter((name) => known.has(name));
  const seen = new Set(common);
  const others = names.filter((name) => !seen.has(name) && seen.add(name));
  return { common, others };
}
