// The History view's first page, asked for as soon as the window can ask when the window opens on
// that view: beside the snapshot, while React draws the window for the first time, instead of
// after that first render has been committed and its effects run. A trace of the view opening on
// a million records had its request go out 15-40 ms after the socket opened, all of it spent
// drawing the window the rows then waited for; the host answers in 2-3 ms.

import type { HistoryPageRequest, SysgateApi } from '../../app/common/contract.js';
import type { HistoryPage } from '../../app/common/history/entry.js';
import type { ConnectionStatus } from '../api/wire-client.js';
import { hashParameter, routeFromHash } from '../window/route.js';
import { PAGE_SIZE } from './virtual-rows.js';

/** The request of a query's first page, with the count of its matches when that is quick. */
export function firstPageRequest(query: string, system: boolean): HistoryPageRequest {
  return { query, offset: 0, limit: PAGE_SIZE, system, count: true };
}

/** The filter in the address (`hash`) when it is the main window's, else the empty filter. */
export function queryInAddress(hash: string): string {
  return routeFromHash(hash)?.page === 'main' ? (hashParameter(hash, 'q') ?? '') : '';
}

interface Early {
  query: string;
  reply: Promise<HistoryPage>;
}

let early: Early | null = null;

/**
 * When the address (`hash`) names the History view, asks for its first page (the user's history)
 * now if the window is connected, else the moment it is.
 */
export function askFirstPage(
  hash: string,
  api: SysgateApi,
  connection: {
    status(): ConnectionStatus;
    onStatus(listener: (status: ConnectionStatus) => void): () => void;
  },
): void {
  const route = routeFromHash(hash);
  if (route?.page !== 'main' || route.view !== 'history') return;
  const query = queryInAddress(hash);
  const ask = () => {
    const reply = api.historyPage(firstPageRequest(query, false));
    // Taken or not, a failure is the view's to show when it asks (takeFirstPage), not the page's.
    reply.catch(() => undefined);
    early = { query, reply };
  };
  if (connection.status() === 'connected') return ask();
  const stop = connection.onStatus((status) => {
    if (status !== 'connected') return;
    stop();
    ask();
  });
}

/**
 * The first page asked for by askFirstPage, if it is the one the view wants now; given once, and
 * never after the view asked for another (it would be stale by then).
 */
export function takeFirstPage(query: string, system: boolean): Promise<HistoryPage> | null {
  const taken = early;
  early = null;
  return taken !== null && !system && taken.query === query ? taken.reply : null;
}
