// Where the text mode marks the one parser's errors and warnings: character ranges of the text,
// in the shape CodeMirror's linter takes (`from`, `to`, `severity`, `message`).

import type { Diagnostic } from '../../app/common/policy/diagnostics.js';

export interface TextMark {
  from: number;
  to: number;
  severity: Diagnostic['severity'];
  message: string;
}

/** The diagnostics as ranges within a text of `length` characters (never past its end). */
export function textMarks(diagnostics: readonly Diagnostic[], length: number): TextMark[] {
  return diagnostics.map((d) => {
    const from = Math.min(d.span.start.offset, length);
    return {
      from,
      to: Math.min(Math.max(d.span.end.offset, from), length),
      severity: d.severity,
      message: d.message,
    };
  });
}
