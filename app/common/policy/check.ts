// Everything sysgate has to say about a policy's text: syntax errors first, then warnings.

import type { Diagnostic } from './diagnostics.js';
import { lintPolicy, type LintOptions } from './lint.js';
import { parsePolicy, type ParseResult } from './parser.js';

export type CheckResult = ParseResult;

/** Parses and lints `text`; the diagnostics come back in the order of their places in the file. */
export function checkPolicy(text: string, source: string, options: LintOptions): CheckResult {
  const parsed = parsePolicy(text, source);
  const diagnostics: Diagnostic[] = [
    ...parsed.diagnostics,
    ...lintPolicy(parsed.file, text, options),
  ];
  diagnostics.sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { file: parsed.file, diagnostics };
}
