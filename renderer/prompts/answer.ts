// What each button of the prompt sends (DESIGN §4, PromptAnswer in app/common/contract.ts).

import type { PromptAnswer } from '../../app/common/contract.js';

export type PromptChoice = 'permit' | 'deny' | 'permit-always' | 'deny-always' | 'kill' | 'detach';

/**
 * How long Permit always and Deny always keep their rule (DESIGN §4, as OpenSnitch offers):
 * this call alone is Permit or Deny; then this run, some minutes of it, every run until sysgate
 * quits, or always (the policy file).
 */
export const SCOPES = [
  { value: 'session', label: 'this run' },
  { value: 'minutes:5', label: 'this run, for 5 minutes' },
  { value: 'minutes:15', label: 'this run, for 15 minutes' },
  { value: 'minutes:60', label: 'this run, for 1 hour' },
  { value: 'app', label: 'until sysgate quits' },
  { value: 'policy', label: 'always (policy file)' },
] as const;
export type ScopeChoice = (typeof SCOPES)[number]['value'];

/** What the user set in the prompt besides the button pressed. */
export interface PromptForm {
  /** The rule's filter expression for the "always" answers. */
  rule: string;
  /** The error a denial returns (`eperm`, `enoent`, ...). */
  errno: string;
  scope: ScopeChoice;
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
  if (isAlways(choice)) answer.always = { expression: form.rule.trim(), ...scopeOf(form.scope) };
  if (form.applyToSimilar) answer.applyToSimilar = true;
  return answer;
}

function scopeOf(choice: ScopeChoice): Omit<NonNullable<PromptAnswer['always']>, 'expression'> {
  if (!choice.startsWith('minutes:')) return { scope: choice as 'session' | 'app' | 'policy' };
  return { scope: 'minutes', minutes: Number(choice.slice('minutes:'.length)) };
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
