// The host's events that change the store, applied many at once: the window takes the events that
// arrive within one animation frame (bind-events.ts) and makes one store update of them, so a burst
// of a thousand questions is one React render per frame, not one per message. Each event has the
// meaning of its single action (questionAdded, sessionClosed, ...); they are applied in arrival
// order (an add then a remove of the same question leaves it gone), and each object or array of the
// state is copied at most once per batch, not once per event.

import type { PendingQuestion, PolicyView, SessionInfo } from '../../app/common/contract.js';
import type { SysgateState } from './store.js';

export type HostEvent =
  | { type: 'sessionChanged'; info: SessionInfo }
  | { type: 'sessionClosed'; sessionId: string }
  | { type: 'questionAdded'; question: PendingQuestion }
  /** A merged count changed, or the entry shows another of its calls; an unknown one is added. */
  | { type: 'questionChanged'; question: PendingQuestion }
  | { type: 'questionRemoved'; questionId: string }
  | { type: 'policyChanged'; view: PolicyView }
  /** The history has records up to `newest`. */
  | { type: 'historyAdded'; newest: number };

/** The calls waiting in all these questions (each question counts its merged calls). */
export function countCalls(questions: Iterable<PendingQuestion>): number {
  let n = 0;
  for (const q of questions) n += q.count;
  return n;
}

type Changes = Partial<
  Pick<
    SysgateState,
    | 'sessions'
    | 'sessionIds'
    | 'maximisedSessionId'
    | 'questions'
    | 'queue'
    | 'callsWaiting'
    | 'answering'
    | 'answerError'
    | 'policies'
    | 'lastChangedPolicy'
    | 'historyNewest'
  >
>;

/** The store's changes for `events`, applied in order to `s` (nothing changed: `{}`). */
export function applyHostEvents(s: SysgateState, events: readonly HostEvent[]): Changes {
  // Each part is copied the first time an event changes it, then changed in place.
  let sessions: Record<string, SessionInfo> | null = null;
  let sessionIds: string[] | null = null;
  let maximisedSessionId = s.maximisedSessionId;
  let questions: Record<string, PendingQuestion> | null = null;
  let ids: string[] | null = null;
  let selectedId = s.queue.selectedId;
  let calls = s.callsWaiting;
  let answering: Record<string, true> | null = null;
  const answerError = s.answerError;
  let policies: Record<string, PolicyView> | null = null;
  let lastChangedPolicy = s.lastChangedPolicy;
  let historyNewest = s.historyNewest;

  const ownSessions = () => (sessions ??= { ...s.sessions });
  const ownSessionIds = () => (sessionIds ??= [...s.sessionIds]);
  const ownQuestions = () => (questions ??= { ...s.questions });
  const ownIds = () => (ids ??= [...s.queue.ids]);

  function addQuestion(question: PendingQuestion): void {
    const all = ownQuestions();
    const before = all[question.id];
    all[question.id] = question;
    calls += question.count - (before?.count ?? 0);
    // In the store, a question is in `questions` exactly when its id is in the queue.
    if (before === undefined && !(ids ?? s.queue.ids).includes(question.id)) {
      ownIds().push(question.id);
    }
  }

  function removeQuestion(questionId: string): void {
    const all = questions ?? s.questions;
    const gone = all[questionId];
    if (gone === undefined) return;
    delete ownQuestions()[questionId];
    calls -= gone.count;
    const order = ownIds();
    const index = order.indexOf(questionId);
    if (index >= 0) {
      order.splice(index, 1);
      // The chosen question went: the choice moves to the one after it (the user was working
      // down the list), else the one before; with no choice made, the prompt follows the oldest.
      if (selectedId === questionId) selectedId = order[index] ?? order[index - 1] ?? null;
    }
    if (questionId in (answering ?? s.answering))
      delete (answering ??= { ...s.answering })[questionId];
    // A refused answer to it stays said (the dock shows it: "answered by another window: ...")
    // until the next answer.
  }

  for (const event of events) {
    switch (event.type) {
      case 'sessionChanged': {
        const { info } = event;
        ownSessions()[info.id] = info;
        if (!(sessionIds ?? s.sessionIds).includes(info.id)) ownSessionIds().push(info.id);
        break;
      }
      case 'sessionClosed': {
        const { sessionId } = event;
        if (!(sessionId in (sessions ?? s.sessions))) break;
        delete ownSessions()[sessionId];
        sessionIds = (sessionIds ?? s.sessionIds).filter((id) => id !== sessionId);
        if (maximisedSessionId === sessionId) maximisedSessionId = null;
        // The host withdraws a session's questions when it ends; a window that missed it must
        // not keep them.
        const all = questions ?? s.questions;
        for (const id of [...(ids ?? s.queue.ids)]) {
          if (all[id]?.sessionId === sessionId) removeQuestion(id);
        }
        break;
      }
      case 'questionAdded':
      case 'questionChanged':
        addQuestion(event.question);
        break;
      case 'questionRemoved':
        removeQuestion(event.questionId);
        break;
      case 'policyChanged':
        (policies ??= { ...s.policies })[event.view.program] = event.view;
        lastChangedPolicy = event.view.program;
        break;
      case 'historyAdded':
        historyNewest = Math.max(historyNewest, event.newest);
        break;
    }
  }

  const changes: Changes = {};
  if (sessions !== null) changes.sessions = sessions;
  if (sessionIds !== null) changes.sessionIds = sessionIds;
  if (maximisedSessionId !== s.maximisedSessionId) changes.maximisedSessionId = maximisedSessionId;
  if (questions !== null) changes.questions = questions;
  if (ids !== null || selectedId !== s.queue.selectedId) {
    changes.queue = { ids: ids ?? s.queue.ids, selectedId };
  }
  if (calls !== s.callsWaiting) changes.callsWaiting = calls;
  if (answering !== null) changes.answering = answering;
  if (answerError !== s.answerError) changes.answerError = answerError;
  if (policies !== null) changes.policies = policies;
  if (historyNewest !== s.historyNewest) changes.historyNewest = historyNewest;
  if (lastChangedPolicy !== s.lastChangedPolicy) changes.lastChangedPolicy = lastChangedPolicy;
  return changes;
}
