// The sessions slice: every traced program of this window, as the host last described it.

import type { StateCreator } from 'zustand/vanilla';

import type { SessionInfo, StartRequest, SysgateApi } from '../../app/common/contract.js';
import { withoutQuestion } from '../prompts/queue.js';
import type { SysgateState } from './store.js';

export interface SessionsSlice {
  sessions: Record<string, SessionInfo>;
  /** Session ids in the order they started. */
  sessionIds: string[];
  /** The session shown alone, filling the grid, or null. */
  maximisedSessionId: string | null;
  sessionChanged(info: SessionInfo): void;
  sessionClosed(sessionId: string): void;
  maximiseSession(sessionId: string | null): void;
  startSession(request: StartRequest): Promise<SessionInfo>;
  stopSession(sessionId: string): Promise<void>;
  killSession(sessionId: string): Promise<void>;
  closeSession(sessionId: string): Promise<void>;
}

export const createSessionsSlice =
  (api: SysgateApi): StateCreator<SysgateState, [], [], SessionsSlice> =>
  (set, get) => ({
    sessions: {},
    sessionIds: [],
    maximisedSessionId: null,

    sessionChanged: (info) =>
      set((s) => ({
        sessions: { ...s.sessions, [info.id]: info },
        sessionIds: s.sessionIds.includes(info.id) ? s.sessionIds : [...s.sessionIds, info.id],
      })),

    sessionClosed: (sessionId) =>
      set((s) => {
        if (!(sessionId in s.sessions)) return {};
        const sessions = { ...s.sessions };
        delete sessions[sessionId];
        // The host withdraws a session's questions when it ends; a window that missed it must not
        // keep them.
        const gone = s.queue.ids.filter((id) => s.questions[id]?.sessionId === sessionId);
        let queue = s.queue;
        const questions = { ...s.questions };
        for (const id of gone) {
          queue = withoutQuestion(queue, id);
          delete questions[id];
        }
        return {
          sessions,
          questions,
          queue,
          sessionIds: s.sessionIds.filter((id) => id !== sessionId),
          maximisedSessionId: s.maximisedSessionId === sessionId ? null : s.maximisedSessionId,
        };
      }),

    maximiseSession: (sessionId) =>
      set((s) => ({
        maximisedSessionId: sessionId !== null && sessionId in s.sessions ? sessionId : null,
      })),

    startSession: async (request) => {
      const info = await api.startSession(request);
      // The host may already have told us (sessionChanged); the newer of the two is kept either way.
      if (!(info.id in get().sessions)) get().sessionChanged(info);
      // A new session is shown, not hidden behind a maximised one.
      set({ maximisedSessionId: null });
      return info;
    },
    stopSession: (sessionId) => api.stopSession(sessionId),
    killSession: (sessionId) => api.killSession(sessionId),
    closeSession: async (sessionId) => {
      await api.closeSession(sessionId);
      get().sessionClosed(sessionId);
    },
  });
