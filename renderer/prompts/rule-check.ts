// The rule typed into the prompt is checked as it is typed, with the policy language's own parser,
// so "Permit always" can only send a rule the host will accept.

import { parseExpression } from '../../app/common/policy/parser.js';

export type RuleCheck =
  | { ok: true; warnings: string[] }
  | {
      ok: false;
      message: string;
      /** 1-based column of the problem in the typed text, and how many characters it spans. */
      col: number;
      length: number;
    };

export function checkRule(text: string): RuleCheck {
  if (text.trim() === '') {
    return { ok: false, message: 'type a rule, or pick one of the suggestions', col: 1, length: 0 };
  }
  const { expr, diagnostics } = parseExpression(text);
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error !== undefined || expr === null) {
    const span = error?.span;
    const col = span?.start.col ?? 1;
    const length = span !== undefined && span.end.line === span.start.line ? span.end.col - col : 1;
    return { ok: false, message: error?.message ?? 'not a rule', col, length: Math.max(0, length) };
  }
  return {
    ok: true,
    warnings: diagnostics
      .filter((d) => d.severity === 'warning')
      .map((d) => `column ${d.span.start.col}: ${d.message}`),
  };
}
