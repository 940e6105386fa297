// What every component of the window reaches through React context: the store, the API for the
// few direct calls, and the terminals (none in the prompt window).

import { createContext, useContext } from 'react';
import { useStore } from 'zustand';

import type { SysgateApi } from '../../app/common/contract.js';
import type { SysgateState, SysgateStore } from '../store/store.js';
import type { LazyTerminals } from '../terminal/lazy-registry.js';

export interface WindowServices {
  store: SysgateStore;
  api: SysgateApi;
  /** Null in the prompt window, which shows no terminal (and must not make one). */
  terminals: LazyTerminals | null;
}

export const WindowContext = createContext<WindowServices | null>(null);

export function useServices(): WindowServices {
  const services = useContext(WindowContext);
  if (services === null) throw new Error('useServices outside WindowContext');
  return services;
}

/** Subscribes to one piece of the store (STYLE: atomic selectors; useShallow for arrays). */
export function useSysgate<T>(selector: (state: SysgateState) => T): T {
  return useStore(useServices().store, selector);
}

export function useTerminals(): LazyTerminals {
  const { terminals } = useServices();
  if (terminals === null) throw new Error('this window has no terminals');
  return terminals;
}
