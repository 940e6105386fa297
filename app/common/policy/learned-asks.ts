// What learning writes for a call whose deciding argument could not be read (a bad pointer, a
// descriptor that names nothing): a rule that asks, never one that permits (DESIGN §8), and
// what `sysgate -A` and the desktop's Learn review say about such rules.

/** Whether a learned rule asks rather than permits (`... eq "<unreadable>" then ask`). */
export function asksOnly(rule: string): boolean {
  return rule.endsWith(' ask');
}

/** The summary's note: ` (N ask: an argument they depend on could not be read)`, or nothing. */
export function askedNote(asked: number): string {
  if (asked === 0) return '';
  const depends = asked === 1 ? 'it depends' : 'they depend';
  return ` (${asked} ask${asked === 1 ? 's' : ''}: an argument ${depends} on could not be read)`;
}

/** What the review shows beside a rule that asks. */
export const ASKS_BECAUSE = 'asks: an argument it depends on could not be read';
