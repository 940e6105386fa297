// The policy editor's linter, off the page's main thread: a learned policy has thousands of rules,
// and finding the ones an earlier rule shadows takes the whole section. The worker keeps the lines
// it parsed last, so a draft after one edit costs one line's parse and one lint.

import type { Arch } from '../../app/common/calls/index.js';
import { lintWarnings, parseLines, type ParsedLines } from './rule-rows.js';

export interface LintRequest {
  id: number;
  lines: readonly string[];
  arch: Arch;
  source: string;
}

export interface LintAnswer {
  id: number;
  /** The linter's messages by 1-based line number. */
  warnings: Array<[number, string[]]>;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<LintRequest>) => void) | null;
  postMessage(answer: LintAnswer): void;
};

let previous: ParsedLines | null = null;

scope.onmessage = ({ data }) => {
  previous = parseLines(data.lines, data.source, previous);
  scope.postMessage({ id: data.id, warnings: [...lintWarnings(previous, data.arch)] });
};
