// Changes to a parsed policy file that keep everything else as it was written.

import type { Filter, PolicyFile } from './ast.js';

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
