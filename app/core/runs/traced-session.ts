// What the host needs of a traced session, whether the desktop app started it on a terminal of
// its own (Session) or a `sysgate` run from a terminal sent its questions here (RemoteSession).

import type { EventEmitter } from 'node:events';

import type { SessionInfo } from '../../common/contract.js';
import type { Answer, CallCount, DecisionRecord, Question } from '../../common/session/events.js';
import type { DecisionSink } from '../records/decision-sink.js';
import type { PolicySource, SessionPolicy } from './policy-source.js';

export interface TracedSessionEvents {
  changed: [SessionInfo];
  output: [string];
  question: [Question];
  cancel: [questionId: string];
  /** A decision, told once it is in the session's sink (`decisions`). */
  record: [DecisionRecord];
  /** The supervisor's counts of decided calls, permitted ones too (a Session's only). */
  count: [CallCount];
  /** A policy was loaded or changed in this session. */
  policy: [SessionPolicy];
  problem: [string];
}

export interface TracedSession extends EventEmitter<TracedSessionEvents> {
  readonly id: string;
  readonly policies: PolicySource;
  /** Where its decisions go, one after another: the host's readers read them there. */
  readonly decisions: DecisionSink;
  /** Resolves with the exit status. */
  readonly exited: Promise<number>;
  snapshot(): SessionInfo;
  terminalOutput(): string;
  windowOpened(): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  drawn(chars: number): void;
  answer(questionId: string, answer: Answer): void;
  /** Sends a changed policy to the supervisor: it applies to the very next call. */
  push(policy: SessionPolicy): void;
  stop(): void;
  kill(): void;
}
