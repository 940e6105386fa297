// The optional default answer (DESIGN §4: no timeout by default; a configurable timeout answers
// deny once and never writes a rule). Off unless the user picks a time in a prompt; the choice is
// this window's, kept in its local storage.

/** The times offered, in seconds; 0 is off: a question waits for an answer for ever. */
export const DEFAULT_DENY_CHOICES = [0, 10, 30, 60] as const;

const KEY = 'sysgate.defaultDenySeconds';

/** What is used of the window's local storage. */
export interface KeptSettings {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The time chosen before, or 0 (off) when none was, or what is stored is not one offered. */
export function loadDefaultDeny(storage: Pick<KeptSettings, 'getItem'> | undefined): number {
  const stored = Number(storage?.getItem(KEY) ?? 0);
  return (DEFAULT_DENY_CHOICES as readonly number[]).includes(stored) ? stored : 0;
}

export function saveDefaultDeny(
  storage: Pick<KeptSettings, 'setItem'> | undefined,
  seconds: number,
) {
  storage?.setItem(KEY, String(seconds));
}

/** `Denied once in 27 s unless you answer`, for the seconds left. */
export function countdownText(secondsLeft: number): string {
  return `Denied once in ${secondsLeft} s unless you answer (no rule is written)`;
}
