// The history slice: how far the host's history has grown (for the view's "N new" marker) and
// its settings. The records themselves are fetched page by page by the view (../history/), never
// held here: there may be millions.

import type { StateCreator } from 'zustand/vanilla';

import type { SysgateApi } from '../../app/common/contract.js';
import type { HistorySettings } from '../../app/common/history/entry.js';
import type { SysgateState } from './store.js';

export interface HistorySlice {
  /** The newest id the host says it has committed (0 until it says). */
  historyNewest: number;
  historySettings: HistorySettings | null;
  loadHistorySettings(): Promise<void>;
  saveHistorySettings(settings: HistorySettings): Promise<void>;
}

export const createHistorySlice =
  (api: SysgateApi): StateCreator<SysgateState, [], [], HistorySlice> =>
  (set) => ({
    historyNewest: 0,
    historySettings: null,

    loadHistorySettings: async () => set({ historySettings: await api.historySettings() }),

    saveHistorySettings: async (settings) => {
      await api.setHistorySettings(settings);
      set({ historySettings: settings });
    },
  });
