// The renderer's one store (STYLE: zustand slices, actions beside their state): sessions, prompts,
// policies, history and the connection. Terminal output never passes through it (../terminal/).

import { createStore, type StoreApi } from 'zustand/vanilla';

import type { Snapshot, SysgateApi } from '../../app/common/contract.js';
import { orderByArrival } from '../prompts/queue.js';
import { createConnectionSlice, type ConnectionSlice } from './connection.js';
import { createHistorySlice, type HistorySlice } from './history.js';
import { createPoliciesSlice, type PoliciesSlice } from './policies.js';
import { createPromptsSlice, type PromptsSlice } from './prompts.js';
import { createSessionsSlice, type SessionsSlice } from './sessions.js';
import { applyHostEvents, countCalls, type HostEvent } from './host-events.js';

export interface SnapshotSlice {
  /** Replaces everything with what the host holds (on connecting and reconnecting). */
  loadSnapshot(snapshot: Snapshot): void;
  /** Applies the host's events, in order, as one store update (./host-events.ts). */
  applyEvents(events: readonly HostEvent[]): void;
}

export type SysgateState = SessionsSlice &
  PromptsSlice &
  PoliciesSlice &
  HistorySlice &
  ConnectionSlice &
  SnapshotSlice;

export type SysgateStore = StoreApi<SysgateState>;

export function createSysgateStore(api: SysgateApi): SysgateStore {
  return createStore<SysgateState>()((set, get, store) => ({
    ...createSessionsSlice(api)(set, get, store),
    ...createPromptsSlice(api)(set, get, store),
    ...createPoliciesSlice(set, get, store),
    ...createHistorySlice(api)(set, get, store),
    ...createConnectionSlice(set, get, store),

    applyEvents: (events) => {
      if (events.length === 0) return;
      set((s) => {
        const changes = applyHostEvents(s, events);
        // Nothing changed (a question already gone, ...): no update, no render.
        return Object.keys(changes).length > 0 ? changes : s;
      });
    },

    loadSnapshot: (snapshot) =>
      set((s) => {
        const sessions = Object.fromEntries(snapshot.sessions.map((info) => [info.id, info]));
        const questions = Object.fromEntries(snapshot.questions.map((q) => [q.id, q]));
        const policies = Object.fromEntries(snapshot.policies.map((p) => [p.program, p]));
        const keep = (id: string | null, known: object) => (id !== null && id in known ? id : null);
        return {
          sessions,
          sessionIds: [...snapshot.sessions]
            .sort((a, b) => a.startedAt - b.startedAt)
            .map((info) => info.id),
          maximisedSessionId: keep(s.maximisedSessionId, sessions),
          questions,
          queue: {
            ids: orderByArrival(snapshot.questions),
            selectedId: keep(s.queue.selectedId, questions),
          },
          callsWaiting: countCalls(snapshot.questions),
          answering: {},
          policies,
          user: snapshot.user ?? null,
          systemAdmin: snapshot.systemAdmin ?? false,
          connectionProblem: null,
        };
      }),
  }));
}
