// Connects the window to the host: the host's events go to the store (and terminal output straight
// to the terminals), and on every (re)connection the window asks for a snapshot and starts over
// from it. Events and replies arrive in the order the host sent them (one WebSocket, or Electron's
// IPC), so the terminal output that arrives while the snapshot is on its way is already in the
// snapshot's scrollback: it is not drawn twice, only acknowledged for flow control.

import type { PendingQuestion, SysgateApi } from '../../app/common/contract.js';
import type { ConnectionStatus } from '../api/wire-client.js';
import type { SysgateStore } from './store.js';

/** Where terminal output goes (../terminal/registry.ts in the window). */
export interface TerminalSink {
  write(sessionId: string, data: string): void;
  /** Shows each session's scrollback from a snapshot, from a clean screen. */
  restore(terminals: Record<string, string>): void;
  /** Characters sent but never to be drawn, reported for flow control. */
  acknowledge(sessionId: string, chars: number): void;
  dispose(sessionId: string): void;
}

/** Desktop notifications for questions (../prompts/notifications.ts in the window). */
export interface QuestionNotices {
  questionAdded(question: PendingQuestion): void;
  questionRemoved(questionId: string): void;
}

/**
 * The prompt window's: it shows no terminal, so their output is neither drawn nor acknowledged.
 * The main window acknowledges what it draws; the flow control counts for every window at once,
 * so a second count would let a program run ahead of what is on the screen.
 */
export const NO_TERMINALS: TerminalSink = {
  write: () => undefined,
  restore: () => undefined,
  acknowledge: () => undefined,
  dispose: () => undefined,
};

/** The prompt window's: it is the alert itself (the main process notifies in Electron). */
export const NO_NOTICES: QuestionNotices = {
  questionAdded: () => undefined,
  questionRemoved: () => undefined,
};

export interface ConnectionSource {
  api: SysgateApi;
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  problem: string | null;
}

export function bindEvents(
  connection: ConnectionSource,
  store: SysgateStore,
  terminals: TerminalSink,
  notices: QuestionNotices,
): () => void {
  const { api } = connection;
  const state = () => store.getState();
  let syncing = 0;
  let generation = 0;

  async function synchronise(): Promise<void> {
    const mine = ++generation;
    syncing = mine;
    try {
      const snapshot = await api.snapshot();
      if (mine !== generation) return;
      state().loadSnapshot(snapshot);
      terminals.restore(snapshot.terminals);
    } catch (e) {
      if (mine !== generation) return;
      const message = e instanceof Error ? e.message : String(e);
      state().setConnection(state().connection, `could not load the sessions: ${message}`);
    } finally {
      if (syncing === mine) syncing = 0;
    }
  }

  const unsubscribe = [
    api.on('sessionChanged', (info) => state().sessionChanged(info)),
    api.on('sessionClosed', ({ sessionId }) => {
      state().sessionClosed(sessionId);
      terminals.dispose(sessionId);
    }),
    api.on('terminalData', ({ sessionId, data }) => {
      if (syncing !== 0) terminals.acknowledge(sessionId, data.length);
      else terminals.write(sessionId, data);
    }),
    api.on('questionAdded', (question) => {
      state().questionAdded(question);
      notices.questionAdded(question);
    }),
    api.on('questionChanged', (question) => state().questionChanged(question)),
    api.on('questionRemoved', ({ id }) => {
      state().questionRemoved(id);
      notices.questionRemoved(id);
    }),
    api.on('policyChanged', (view) => state().policyChanged(view)),
    connection.onStatus((status) => {
      state().setConnection(status);
      if (status === 'connected') void synchronise();
      else generation++;
    }),
  ];

  state().setConnection(connection.status(), connection.problem);
  if (connection.status() === 'connected') void synchronise();
  return () => unsubscribe.forEach((off) => off());
}
