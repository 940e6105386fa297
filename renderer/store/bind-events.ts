// Connects the window to the host: the host's events go to the store (and terminal output straight
// to the terminals), and on every (re)connection the window asks for a snapshot and starts over
// from it. Events and replies arrive in the order the host sent them (one WebSocket, or Electron's
// IPC), so the terminal output that arrives while the snapshot is on its way is already in the
// snapshot's scrollback: it is not drawn twice, only acknowledged for flow control. The socket
// may have opened before the window binds itself to it (api/connection.ts opens it from a script
// of its own): what the host said before that is in the snapshot asked for here.
//
// The events for the store are not applied one by one: those that arrive within one animation
// frame are applied together, in arrival order, as one store update (./host-events.ts), so a
// burst of a thousand questions costs a render per frame, not one per message. Terminal output is
// not held back: it goes to the terminals (and flow control) as it arrives. When the snapshot
// comes, the events held until then are applied first (they arrived before it, so it already
// holds their effect), then the snapshot replaces everything, as if they had been applied at once.

import type { PendingQuestion, SysgateApi } from '../../app/common/contract.js';
import type { ConnectionStatus } from '../api/wire-client.js';
import type { HostEvent } from './host-events.js';
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

/** Runs `flush` once, soon (the next animation frame); the function returned cancels it. */
export type FrameScheduler = (flush: () => void) => () => void;

/**
 * How long the events may wait when no frame comes: a hidden page gets no animation frames (its
 * timers still run, if throttled), and nothing must wait for the page to be shown again.
 */
export const FRAME_FALLBACK_MS = 100;

interface FrameTimers {
  requestAnimationFrame?(callback: () => void): number;
  cancelAnimationFrame?(handle: number): void;
}

/** The next animation frame, or FRAME_FALLBACK_MS, whichever comes first. */
export const nextFrame: FrameScheduler = (flush) => {
  const timers = globalThis as FrameTimers;
  let done = false;
  let frame: number | undefined;
  const run = () => {
    if (done) return;
    cancel();
    flush();
  };
  const timer = setTimeout(run, FRAME_FALLBACK_MS);
  if (timers.requestAnimationFrame !== undefined) frame = timers.requestAnimationFrame(run);
  function cancel() {
    done = true;
    clearTimeout(timer);
    if (frame !== undefined) timers.cancelAnimationFrame?.(frame);
  }
  return cancel;
};

export interface ConnectionSource {
  api: SysgateApi;
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  problem: string | null;
  /** Why it stopped trying (its token was refused), or null: read on each change of status. */
  refusal?(): string | null;
}

export function bindEvents(
  connection: ConnectionSource,
  store: SysgateStore,
  terminals: TerminalSink,
  notices: QuestionNotices,
  schedule: FrameScheduler = nextFrame,
): () => void {
  const { api } = connection;
  const state = () => store.getState();
  let syncing = 0;
  let generation = 0;

  // The store's events since the last frame, in arrival order.
  let held: HostEvent[] = [];
  let cancelFlush: (() => void) | null = null;

  function hold(event: HostEvent): void {
    held.push(event);
    cancelFlush ??= schedule(flush);
  }

  function flush(): void {
    cancelFlush?.();
    cancelFlush = null;
    if (held.length === 0) return;
    const events = held;
    held = [];
    state().applyEvents(events);
    for (const event of events) {
      if (event.type === 'questionAdded') notices.questionAdded(event.question);
      else if (event.type === 'questionRemoved') notices.questionRemoved(event.questionId);
      else if (event.type === 'sessionClosed') terminals.dispose(event.sessionId);
    }
  }

  async function synchronise(): Promise<void> {
    const mine = ++generation;
    syncing = mine;
    try {
      const snapshot = await api.snapshot();
      if (mine !== generation) return;
      // What arrived before the snapshot is in it; applied first, it is then replaced.
      flush();
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
    api.on('sessionChanged', (info) => hold({ type: 'sessionChanged', info })),
    // Its terminal goes when the store lets the session go (flush).
    api.on('sessionClosed', ({ sessionId }) => hold({ type: 'sessionClosed', sessionId })),
    api.on('terminalData', ({ sessionId, data }) => {
      if (syncing !== 0) terminals.acknowledge(sessionId, data.length);
      else terminals.write(sessionId, data);
    }),
    api.on('questionAdded', (question) => hold({ type: 'questionAdded', question })),
    api.on('questionChanged', (question) => hold({ type: 'questionChanged', question })),
    api.on('questionRemoved', ({ id }) => hold({ type: 'questionRemoved', questionId: id })),
    api.on('policyChanged', (view) => hold({ type: 'policyChanged', view })),
    api.on('historyAdded', ({ newest }) => hold({ type: 'historyAdded', newest })),
    connection.onStatus((status) => {
      state().setConnection(status, connection.refusal?.() ?? null);
      if (status === 'connected') void synchronise();
      else generation++;
    }),
  ];

  // The socket may have opened, or been refused, before the window bound itself to it.
  state().setConnection(connection.status(), connection.problem ?? connection.refusal?.() ?? null);
  if (connection.status() === 'connected') void synchronise();
  return () => {
    unsubscribe.forEach((off) => off());
    cancelFlush?.();
    cancelFlush = null;
    held = [];
  };
}
