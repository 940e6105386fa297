// A policy's text as the read-only view shows it: numbered lines, the rules added while the app
// runs marked, the newest of them marked most.

import type { PolicyView } from '../../app/common/contract.js';

export interface PolicyLine {
  /** 1-based, as PolicyView.addedLines counts. */
  number: number;
  text: string;
  added: boolean;
  newest: boolean;
}

export function policyLines(view: Pick<PolicyView, 'text' | 'addedLines'>): PolicyLine[] {
  const added = new Set(view.addedLines);
  const newest = view.addedLines[view.addedLines.length - 1];
  const text = view.text.endsWith('\n') ? view.text.slice(0, -1) : view.text;
  return text.split('\n').map((line, i) => ({
    number: i + 1,
    text: line.replace(/\r$/, ''),
    added: added.has(i + 1),
    newest: newest === i + 1,
  }));
}
