// The sessions slice: every traced program of this window, as the host last described it.

import type { StateCreator } from 'zustand/vanilla';

import type { SessionInfo, StartRequest, SysgateApi } from '../../app/common/contract.js';
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

    sessionChanged: (info) => get().applyEvents([{ type: 'sessionChanged', info }]),
    // The host withdraws a session's questions when it ends; they go with it (host-events.ts).
    sessionClosed: (sessionId) => get().applyEvents([{ type: 'sessionClosed', sessionId }]),

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
