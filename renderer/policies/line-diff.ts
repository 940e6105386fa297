// The change a save would make, as lines removed and added (shown before saving). Edits in the
// editor are local, so the common start and end are set aside first and only the middle is
// compared line by line.

export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
  /** 1-based, in the old text for `same`/`removed`, in the new one for `added`. */
  line: number;
}

/** Past this many compared pairs the middle is shown as all removed, then all added. */
const MAX_PAIRS = 4_000_000;

export function lineDiff(before: readonly string[], after: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  const same = (from: number, to: number): DiffLine[] =>
    before.slice(from, to).map((text, i) => ({ kind: 'same', text, line: from + i + 1 }));
  return [
    ...same(0, start),
    ...middle(before.slice(start, endB), after.slice(start, endA), start),
    ...same(endB, before.length),
  ];
}

function middle(b: readonly string[], a: readonly string[], offset: number): DiffLine[] {
  const removed = (text: string, i: number): DiffLine => ({
    kind: 'removed',
    text,
    line: offset + i + 1,
  });
  const added = (text: string, j: number): DiffLine => ({
    kind: 'added',
    text,
    line: offset + j + 1,
  });
  if (b.length * a.length > MAX_PAIRS) return [...b.map(removed), ...a.map(added)];
  // lcs[i][j]: the longest common subsequence of b[i..] and a[j..].
  const width = a.length + 1;
  const lcs = new Uint32Array((b.length + 1) * width);
  for (let i = b.length - 1; i >= 0; i--)
    for (let j = a.length - 1; j >= 0; j--)
      lcs[i * width + j] =
        b[i] === a[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < b.length || j < a.length) {
    if (i < b.length && j < a.length && b[i] === a[j]) {
      out.push({ kind: 'same', text: b[i]!, line: offset + i + 1 });
      i++;
      j++;
    } else if (
      j < a.length &&
      (i === b.length || lcs[i * width + j + 1]! > lcs[(i + 1) * width + j]!)
    ) {
      out.push(added(a[j]!, j));
      j++;
    } else {
      out.push(removed(b[i]!, i));
      i++;
    }
  }
  return out;
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
