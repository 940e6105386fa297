// Changes to a parsed policy file that keep everything else as it was written.

import type { Comment, Filter, PolicyFile } from './ast.js';
import { hasErrors } from './diagnostics.js';
import { parseFilter } from './parser.js';
import { printFilter } from './printer.js';

/**
 * Adds `filter` as the last rule of the `Policy:` section for `program` (after its last rule,
 * before any comments or blank lines that lead to the next section). Returns the index in
 * `file.lines` where it went, or -1 when the file has no section for `program`.
 */
export function appendRule(file: PolicyFile, program: string, filter: Filter): number {
  const lines = file.lines;
  const start = lines.findIndex(
    (l) => l.kind === 'header' && l.type === 'Policy' && l.name === program,
  );
  if (start < 0) return -1;
  let end = start + 1;
  while (end < lines.length && lines[end]!.kind !== 'header') end++;
  while (
    end > start + 1 &&
    lines[end - 1]!.kind !== 'filter' &&
    lines[end - 1]!.kind !== 'detached'
  )
    end--;
  lines.splice(end, 0, filter);
  return end;
}

/**
 * A rule switched off in the editor is kept in the file as an indented comment,
 * `# disabled: native-...`, which every reader of the file (systrace's too) skips; the mark lets
 * the editor show it as the rule it was, and switch it on again.
 */
const DISABLED_MARK = ' disabled: ';

/** The comment line that keeps `filter` switched off. */
export function disabledRule(filter: Filter): Comment {
  return {
    kind: 'comment',
    text: DISABLED_MARK + printFilter(filter),
    indented: true,
    span: filter.span,
  };
}

/** The rule a `# disabled: ...` comment keeps; null for any other comment. */
export function ruleOfDisabled(comment: Comment): Filter | null {
  if (!comment.indented || !comment.text.startsWith(DISABLED_MARK)) return null;
  const { filter, diagnostics } = parseFilter(comment.text.slice(DISABLED_MARK.length));
  return filter !== null && !hasErrors(diagnostics) ? filter : null;
}
