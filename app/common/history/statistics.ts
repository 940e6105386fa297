// What the Statistics view shows: the supervisor's counts of decided calls (PROTOCOL.md,
// `count`), permitted ones too, as the history keeps them (app/core/records/history-store.ts)
// per run, program, call and rule over time. Plain data, shared by the host and the window.
//
// Only calls that reached the supervisor are counted: what the kernel's filter allows itself
// (the baseline of native/README.md, and under -K the calls it lets through) is never seen.

/** Permitted and denied calls of one kind. */
export interface Tally {
  permitted: number;
  denied: number;
}

/** One run that has counts: its name in the history and when its counts start and end. */
export interface StatisticsRun {
  session: string;
  first: number;
  last: number;
  total: number;
}

export interface Statistics {
  /** The runs with counts, newest first (at most 200). */
  runs: StatisticsRun[];
  /** The run these counts are of; null: every run. */
  session: string | null;
  total: Tally;
  /** Most calls first; at most 500 rows each. */
  programs: Array<Tally & { program: string }>;
  calls: Array<Tally & { program: string; call: string }>;
  /** `rule` is the rule as printed; null for calls no rule decided (by says who did). */
  rules: Array<Tally & { policy: string; rule: string | null; line: number | null; by: string }>;
  /** Counts over time: `bins` consecutive spans of `step` ms from `start`. */
  series: { start: number; step: number; bins: Tally[] };
}

/** The spans a series is cut into: at most this many bins, each a whole number of seconds. */
export const SERIES_BINS = 60;

/** A step (ms) that cuts [first, last] into at most SERIES_BINS bins of whole seconds. */
export function seriesStep(first: number, last: number): number {
  const seconds = Math.max(1, Math.ceil((last - first + 1000) / 1000 / SERIES_BINS));
  return seconds * 1000;
}
