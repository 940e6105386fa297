// Where one run's decisions go. A run's records are read from its sink alone, subscribed once:
// the history (SQLite), the log lines (syslog, -e, -E), the rule hit counts and the windows
// each read every record from it, in the order the supervisor made them.

import type { CallCount, DecisionRecord } from '../../common/session/events.js';
import type { Accounts } from '../accounts.js';
import type { SessionPolicy } from '../runs/policy-source.js';
import { logDecision, type LineSink } from './denial-log.js';
import type { SessionRecorder } from './recorder.js';
import type { HistoryStore } from './history-store.js';
import { RuleHits } from './rule-hits.js';

/** What reads a run's records; `policies` are the run's, as they are when the record arrives. */
export type DecisionReader = (record: DecisionRecord, policies: readonly SessionPolicy[]) => void;

export class DecisionSink {
  private readonly readers: DecisionReader[] = [];

  constructor(
    /** The run's policies now: what a record's policy and line refer to. */
    private readonly policies: () => readonly SessionPolicy[],
  ) {}

  /** `reader` reads every record from now on. */
  read(reader: DecisionReader): this {
    this.readers.push(reader);
    return this;
  }

  add(record: DecisionRecord): void {
    const policies = this.policies();
    for (const reader of this.readers) reader(record, policies);
  }
}

/** Keeps each record in the history. */
export function historyReader(recorder: SessionRecorder): DecisionReader {
  return (record) => recorder.add(record);
}

/**
 * Writes a line for each denial and each logged permit, in systrace's format. What learning
 * permitted is its own report, not a log line.
 */
export function logReader(sink: LineSink, accounts: Accounts): DecisionReader {
  return (record, policies) => {
    if (record.by !== 'learn') logDecision(sink, record, policies, accounts);
  };
}

/** Counts the rule that decided each record, by the text of its line in the run's policy. */
export function hitsReader(hits: RuleHits): DecisionReader {
  const lineText = ruleLines();
  return (record, policies) => {
    if (record.line === null) return;
    hits.add(record, lineText(policies, record.policy, record.line));
  };
}

/**
 * The text of line `line` of the run's policy `program`, undefined when the run has none;
 * each policy's text is split into lines once.
 */
export function ruleLines(): (
  policies: readonly SessionPolicy[],
  program: string,
  line: number,
) => string | undefined {
  const lines = new WeakMap<SessionPolicy, string[]>();
  return (policies, program, line) => {
    const policy = policies.find((p) => p.program === program);
    if (policy === undefined) return undefined;
    let text = lines.get(policy);
    if (text === undefined) lines.set(policy, (text = policy.text.split('\n')));
    return text[line - 1];
  };
}

/**
 * Keeps the supervisor's counts of a run (permitted calls too) in the history and the rule hit
 * counts, with the deciding rule as printed.
 */
export function countsReader(
  policies: () => readonly SessionPolicy[],
  store: HistoryStore | null,
  session: string,
  hits: RuleHits | null,
): (count: CallCount) => void {
  const lineText = ruleLines();
  const printer = hits ?? new RuleHits();
  return (count) => {
    const text = count.line === null ? undefined : lineText(policies(), count.policy, count.line);
    if (hits !== null) hits.addCount(count, text);
    store?.addCount(count, {
      session,
      rule: text === undefined ? null : printer.ruleText(text),
    });
  };
}
