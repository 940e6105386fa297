// The one API object the renderer talks to (DESIGN §1, §6): in Electron the preload bridge puts
// it on `window.sysgate`; in a browser it is the web shell's WebSocket client.

import type { SysgateApi } from '../../app/common/contract.js';
import { connectWebApi } from './web-api.js';
import type { ConnectionStatus } from './wire-client.js';

declare global {
  interface Window {
    /** Set by the Electron preload bridge; absent in the web shell. */
    sysgate?: SysgateApi;
  }
}

export type { ConnectionStatus };

export interface Connection {
  api: SysgateApi;
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Why the window cannot connect at all (no token), or null. */
  problem: string | null;
  /** Why it stopped trying (its token was refused), or null: read on each change of status. */
  refusal?(): string | null;
}

export function connect(): Connection {
  const bridge = window.sysgate;
  if (bridge !== undefined) {
    // The bridge is in-process: it is connected for as long as the window lives.
    return { api: bridge, status: () => 'connected', onStatus: () => () => {}, problem: null };
  }
  const { client, problem } = connectWebApi();
  if (client === null) return unconnected(problem ?? 'not connected');
  return {
    api: client.api,
    status: client.status,
    onStatus: client.onStatus,
    problem: null,
    refusal: client.refusal,
  };
}

/** An API whose every command fails: the window shows why it cannot connect. */
function unconnected(problem: string): Connection {
  const api = new Proxy({} as SysgateApi, {
    get: (_target, name) =>
      name === 'on' ? () => () => {} : () => Promise.reject(new Error(problem)),
  });
  return { api, status: () => 'disconnected', onStatus: () => () => {}, problem };
}
