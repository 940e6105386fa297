// The change a save would make, as lines removed and added (shown before saving). jsdiff's Myers
// diff does the comparing: its cost grows with how much changed, not with the policy's length, so
// a long policy edited in a few far-apart places is shown exactly. Only a change of more than
// MAX_EDIT lines (a policy pasted over another) is shown as the differing middle all removed,
// then all added, which is still what the save does.

import { diffArrays } from 'diff';

export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
  /** 1-based, in the old text for `same`/`removed`, in the new one for `added`. */
  line: number;
}

/** Past this many lines removed plus added, finding the fewest would take the window seconds. */
const MAX_EDIT = 1_000;

export function lineDiff(before: readonly string[], after: readonly string[]): DiffLine[] {
  const changes = diffArrays([...before], [...after], { maxEditLength: MAX_EDIT });
  if (changes === undefined) return wholesale(before, after);
  const out: DiffLine[] = [];
  let old = 0;
  let now = 0;
  for (const change of changes)
    for (const text of change.value) {
      if (change.added) out.push({ kind: 'added', text, line: ++now });
      else if (change.removed) out.push({ kind: 'removed', text, line: ++old });
      else {
        out.push({ kind: 'same', text, line: ++old });
        now++;
      }
    }
  return out;
}

/** The common start and end kept, everything between removed, then added. */
function wholesale(before: readonly string[], after: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  const lines = (from: readonly string[], kind: DiffLine['kind'], i: number, to: number) =>
    from.slice(i, to).map((text, k): DiffLine => ({ kind, text, line: i + k + 1 }));
  return [
    ...lines(before, 'same', 0, start),
    ...lines(before, 'removed', start, endB),
    ...lines(after, 'added', start, endA),
    ...lines(before, 'same', endB, before.length),
  ];
}

/** The changed lines with `context` unchanged lines around each change; null marks a gap. */
export function withContext(diff: readonly DiffLine[], context = 2): Array<DiffLine | null> {
  const keep = diff.map((d) => d.kind !== 'same');
  const near = diff.map((_, i) => {
    for (let k = Math.max(0, i - context); k <= Math.min(diff.length - 1, i + context); k++)
      if (keep[k]) return true;
    return false;
  });
  const out: Array<DiffLine | null> = [];
  near.forEach((shown, i) => {
    if (shown) out.push(diff[i]!);
    else if (out.length > 0 && out[out.length - 1] !== null) out.push(null);
  });
  if (out[out.length - 1] === null) out.pop();
  return out;
}

/** A line as the review shows it: `+`/`-`/space, its number, its text; a gap is `…`. */
export function shownLine(d: DiffLine | null): string {
  if (d === null) return '…';
  const mark = d.kind === 'added' ? '+' : d.kind === 'removed' ? '-' : ' ';
  return `${mark} ${String(d.line).padStart(4)}  ${d.text}`;
}
