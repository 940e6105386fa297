// A decision as the history keeps it (DESIGN §5): what the supervisor decided, with the session
// and the user it belongs to. Plain data, shared by the host's store and the history view.

import type { DecisionSource, Translations } from '../session/events.js';

export interface HistoryEntry {
  /** Grows with every record stored: newer records have larger ids. */
  id: number;
  /** Milliseconds since the epoch. */
  time: number;
  /** The run the record came from (`s1@1764223200000`, `cli4242@1764223200000`). */
  session: string;
  pid: number;
  ppid: number;
  uid: number;
  /** The user's name when the record was written (the uid when it had none). */
  user: string;
  program: string;
  argv: string[];
  policy: string;
  call: string;
  alias: string | null;
  args: Translations;
  action: 'permit' | 'deny';
  /** The error number of a denial, 0 otherwise. */
  errno: number;
  by: DecisionSource;
  /** The deciding rule's place when `by` is `rule`; `file` is null when it is not known. */
  rule: { file: string | null; line: number; col: number } | null;
  /** `root:root` when a rule's `permit as` had the supervisor perform the call so. */
  runAs?: string;
}

/** What is recorded: denials only, denials and every answered question, or every decision. */
export type RecordLevel = 'denials' | 'answers' | 'all';
export const RECORD_LEVELS: readonly RecordLevel[] = ['denials', 'answers', 'all'];

export interface HistorySettings {
  record: RecordLevel;
  /** Records older than this many days are removed. */
  keepDays: number;
  /** At most this many records are kept, the newest. */
  keepRows: number;
}

export const DEFAULT_HISTORY_SETTINGS: HistorySettings = {
  record: 'denials',
  keepDays: 90,
  keepRows: 5_000_000,
};

/** One page of a query, newest first. */
export interface HistoryPage {
  entries: HistoryEntry[];
  /** The newest id the query saw: later records are "new" to whoever asked. */
  ceiling: number;
  /** How many records match up to the ceiling, when asked and quick to count (else absent). */
  total?: number;
}

/** The records of one program and call, as History groups them on request. */
export interface HistoryGroup {
  program: string;
  call: string;
  records: number;
  permitted: number;
  denied: number;
  /** The newest record's time. */
  last: number;
}

/** The argument a table shows first for a call: the first translated argument. */
export function mainArgument(entry: Pick<HistoryEntry, 'args'>): string {
  for (const values of Object.values(entry.args)) if (values[0] !== undefined) return values[0];
  return '';
}

/** Whether a record is kept at a level: denials always, answers and permits when asked for. */
export function isRecorded(
  record: { action: 'permit' | 'deny'; by: DecisionSource; as?: string },
  level: RecordLevel,
): boolean {
  // A call performed with a privilege the program does not have is always kept (issue 16).
  if (record.action === 'deny' || level === 'all' || record.as !== undefined) return true;
  return level === 'answers' && record.by === 'user';
}
