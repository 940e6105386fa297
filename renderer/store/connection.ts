// The connection slice: whether the window reaches the host (the web shell can lose it) and what
// the window learned from the host when it connected.

import type { StateCreator } from 'zustand/vanilla';

import type { ConnectionStatus } from '../api/wire-client.js';
import type { SysgateState } from './store.js';

export interface ConnectionSlice {
  connection: ConnectionStatus;
  /** Why the window cannot connect at all, or why the last snapshot failed. */
  connectionProblem: string | null;
  /** `$USER` and `$HOME` for rule suggestions, when the host tells them (Snapshot.user). */
  user: { name: string; home: string } | null;
  /** Whether the user administers the system policies (Snapshot.systemAdmin). */
  systemAdmin: boolean;
  setConnection(status: ConnectionStatus, problem?: string | null): void;
}

export const createConnectionSlice: StateCreator<SysgateState, [], [], ConnectionSlice> = (
  set,
) => ({
  connection: 'connecting',
  connectionProblem: null,
  user: null,
  systemAdmin: false,
  setConnection: (connection, problem = null) => set({ connection, connectionProblem: problem }),
});
