// Everything sysgate has to say about a policy's text: syntax errors first, then warnings.

import { sectionsOf, type PolicyFile } from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import { lintPolicy, type LintOptions } from './lint.js';
import { parsePolicy, type ParseResult } from './parser.js';

export type CheckResult = ParseResult;

/** Parses and lints `text`; the diagnostics come back in the order of their places in the file. */
export function checkPolicy(text: string, source: string, options: LintOptions): CheckResult {
  const parsed = parsePolicy(text, source);
  const diagnostics: Diagnostic[] = [
    ...parsed.diagnostics,
    ...rulesWithoutPolicy(parsed.file, text),
    ...lintPolicy(parsed.file, text, options),
  ];
  diagnostics.sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { file: parsed.file, diagnostics };
}

// As in systrace, a rule in a policy file belongs to the `Policy:` above it; one before any
// header applies to no program, so it is an error rather than a rule silently ignored. (The
// parser alone accepts a header-less rule list: prompts and tests compile single rules.)
function rulesWithoutPolicy(file: PolicyFile, text: string): Diagnostic[] {
  const first = sectionsOf(file)[0];
  if (first === undefined || first.header !== null) return [];
  const sourceLines = text.split('\n');
  return first.filters.map((filter) => ({
    severity: 'error',
    message:
      'this rule stands before any "Policy:" header, so it applies to no program: move it under the header of the program it is for',
    source: file.source,
    span: filter.span,
    lineText: (sourceLines[filter.span.start.line - 1] ?? '').replace(/\r$/, ''),
  }));
}
