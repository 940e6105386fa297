// The queue of waiting questions as the window shows it (DESIGN §4): in the order they arrived,
// the newest marked, one of them shown in the prompt. The host merges identical questions (their
// `count`); the window keeps the order and which one the user chose, and never swaps the question
// under the user's eyes: a new arrival goes to the end, and only the removal of the shown one
// moves the prompt to another.

import type { PendingQuestion } from '../../app/common/contract.js';

export interface QueueOrder {
  /** Question ids, oldest first. */
  ids: string[];
  /** The question the user chose to answer, or null to follow the oldest. */
  selectedId: string | null;
}

/** The question the prompt shows: the one chosen, else the oldest. */
export function shownQuestionId({ ids, selectedId }: QueueOrder): string | null {
  if (selectedId !== null && ids.includes(selectedId)) return selectedId;
  return ids[0] ?? null;
}

/** The newest question, to highlight. */
export function newestQuestionId({ ids }: QueueOrder): string | null {
  return ids[ids.length - 1] ?? null;
}

/** The order of questions known at once (a snapshot): by arrival, then by id for equal times. */
export function orderByArrival(questions: readonly PendingQuestion[]): string[] {
  return [...questions]
    .sort((a, b) => a.arrivedAt - b.arrivedAt || compareIds(a.id, b.id))
    .map((q) => q.id);
}

// Host ids such as `q9` and `q10` sort by their number.
function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The argument a question is mostly about: the file, else the address, else the first there is. */
export function mainArgument(question: PendingQuestion['question']): {
  name: string;
  value: string;
} | null {
  for (const name of ['filename', 'sockaddr', ...Object.keys(question.args)]) {
    const value = question.args[name]?.[0];
    if (value !== undefined) return { name, value };
  }
  return null;
}

/** The last part of a path: `cat` for `/usr/bin/cat`. */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || path;
}

/** The rows of a list of `count` rows of `rowHeight` px to draw when `height` px of it are in view from `scrollTop`: [first, end). */
export function rowsInView(
  {
    scrollTop,
    height,
    rowHeight,
    count,
  }: {
    scrollTop: number;
    height: number;
    rowHeight: number;
    count: number;
  },
  overscan = 4,
): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return [Math.min(first, end), end];
}

/** Where a key moves the focus in a list of `count` rows from row `index`, or null (not ours). */
export function rowForKey(key: string, index: number, count: number, page = 5): number | null {
  if (count === 0) return null;
  const to = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown':
      return to(index + 1);
    case 'ArrowUp':
      return to(index - 1);
    case 'PageDown':
      return to(index + page);
    case 'PageUp':
      return to(index - page);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
