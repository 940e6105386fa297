// Where a run's decisions enter the history: a desktop session (app/core/host) or a `sysgate`
// run from a terminal (app/cli). Both name their session, the user and the deciding rule's file
// the same way, and both go on without a history when the database cannot be opened.

import type { DecisionRecord } from '../../common/session/events.js';
import type { Accounts } from '../accounts.js';
import { HistoryStore, historyPath, type StoreOptions } from './history-store.js';

/** The history store, or null (after one message) when it cannot be opened. */
export function openHistory(
  onProblem: (message: string) => void,
  path = historyPath(),
  options: StoreOptions = {},
): HistoryStore | null {
  try {
    return new HistoryStore(path, options);
  } catch (e) {
    onProblem(
      `the history (${path}) cannot be opened: ${(e as Error).message}; decisions are not kept there`,
    );
    return null;
  }
}

/** A session's name in the history: its id in the run, and when the run started. */
export function sessionName(id: string, startedAt: number): string {
  return `${id}@${startedAt}`;
}

export class SessionRecorder {
  constructor(
    private readonly store: HistoryStore,
    private readonly session: string,
    private readonly accounts: Accounts,
    /** The file of a policy the session uses, by the policy's name. */
    private readonly policyFile: (policy: string) => string | null,
  ) {}

  add(record: DecisionRecord): void {
    this.store.add(record, {
      session: this.session,
      user: this.accounts.userName(record.uid),
      ruleFile: record.by === 'rule' ? this.policyFile(record.policy) : null,
      ...(record.as !== undefined ? { runAs: this.accounts.asName(record.as) } : {}),
    });
  }
}
