// Diagnostics in the form compilers use: `file:line:col: error: message`, the line, a caret.

import type { Span } from './ast.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  message: string;
  /** The file name shown in front of the position. */
  source: string;
  span: Span;
  /** The text of the line the diagnostic points into, for showing it under the message. */
  lineText: string;
}

/**
 * A source's lines by number, split only when a message needs one: most rules of a learned
 * policy get none, and splitting the text of 5,000 rules cost more than linting many of them.
 */
export class SourceLines {
  private split: readonly string[] | null;

  constructor(private readonly text: string | readonly string[]) {
    this.split = typeof text === 'string' ? null : text;
  }

  /** Line `n` (1-based) as `text.split('\n')` has it; '' past the end. */
  at(n: number): string {
    if (this.split === null) this.split = (this.text as string).split('\n');
    return this.split[n - 1] ?? '';
  }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line:col: severity: message`, the line, and a caret under the column. */
export function formatDiagnostic(d: Diagnostic): string {
  const { line, col } = d.span.start;
  const head = `${d.source}:${line}:${col}: ${d.severity}: ${d.message}`;
  if (d.lineText.trim() === '') return head;
  return `${head}\n${d.lineText}\n${caretLine(d.lineText, d.span)}`;
}

// Tabs in the line are copied into the caret's indentation so the caret lands under the right
// character whatever width the terminal gives a tab.
function caretLine(lineText: string, span: Span): string {
  const startIndex = Math.min(span.start.col - 1, lineText.length);
  const prefix = lineText.slice(0, startIndex).replace(/[^\t]/g, ' ');
  const sameLine = span.end.line === span.start.line;
  const width = sameLine ? Math.max(1, span.end.col - span.start.col) : 1;
  return prefix + '^' + '~'.repeat(Math.min(width, lineText.length - startIndex + 1) - 1);
}
