// SysgateApi for the web shell (`sysgate gui --web`): the wire client over a browser WebSocket to
// the server that served this page. The token comes once in the address's fragment; it is taken
// out of the address bar at once and kept in this tab's sessionStorage, so a reload of the tab
// still connects while the address bar, its history and bookmarks never show the secret.

import { apiAddress, tokenFromHash } from './hash-token.js';
import { createWireClient, type OpenSocket, type WireClient } from './wire-client.js';

const TOKEN_KEY = 'sysgate.token';

/** Connects to the web shell's API; `problem` is set when the page has no token to connect with. */
export function connectWebApi(): { client: WireClient | null; problem: string | null } {
  const { token, rest } = tokenFromHash(location.hash);
  if (token !== null) {
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Storage can be disabled; the token then lasts as long as the page.
    }
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest}`);
  }
  const saved = token ?? readSavedToken();
  if (saved === null) {
    return {
      client: null,
      problem:
        'This page has no access token. Open the address that `sysgate gui --web` printed, including its #token=… part.',
    };
  }
  const client = createWireClient({
    url: apiAddress(location, saved),
    openSocket: openWebSocket,
    setTimer: (callback, ms) => {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    },
  });
  return { client, problem: null };
}

function readSavedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

const openWebSocket: OpenSocket = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.addEventListener('open', () => handlers.open());
  socket.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data === 'string') handlers.message(event.data);
  });
  // A failed connection reports `error` and then `close`; `close` alone is enough.
  socket.addEventListener('close', (event: CloseEvent) => handlers.close(event.code));
  return {
    send: (text) => socket.send(text),
    close: () => socket.close(),
  };
};
