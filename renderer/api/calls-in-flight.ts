// How many of the window's calls to the host are still unanswered, and word when none are: the
// window loads what it does not show yet (the editor, the terminals: window/App.tsx) only once
// the view it opened on has had its answers, so that this never delays that view's first rows.

import { COMMAND_NAMES, type SysgateApi } from '../../app/common/contract.js';

export interface CallsInFlight {
  /** `api`, each of whose calls is counted until it settles. */
  api: SysgateApi;
  count(): number;
  /** Calls `listener` once, when the count is next zero (at once if it is). */
  whenQuiet(listener: () => void): () => void;
}

export function countCalls(api: SysgateApi): CallsInFlight {
  let inFlight = 0;
  let waiting: (() => void)[] = [];
  const settled = (): void => {
    if (--inFlight > 0) return;
    const listeners = waiting;
    waiting = [];
    for (const listener of listeners) listener();
  };
  const counted: Record<string, unknown> = { on: api.on.bind(api) };
  for (const command of COMMAND_NAMES) {
    counted[command] = (...args: unknown[]) => {
      inFlight++;
      const reply = (api[command] as (...a: unknown[]) => Promise<unknown>)(...args);
      reply.then(settled, settled);
      return reply;
    };
  }
  return {
    api: counted as SysgateApi,
    count: () => inFlight,
    whenQuiet(listener) {
      if (inFlight === 0) {
        listener();
        return () => undefined;
      }
      waiting.push(listener);
      return () => {
        waiting = waiting.filter((l) => l !== listener);
      };
    },
  };
}
