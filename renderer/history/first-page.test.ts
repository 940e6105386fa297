import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { HistoryPageRequest, SysgateApi } from '../../app/common/contract.js';
import type { ConnectionStatus } from '../api/wire-client.js';
import { askFirstPage, firstPageRequest, takeFirstPage } from './first-page.js';

/** A window at `hash` whose connection is `status`; gives what it asked the host. */
function windowAt(hash: string, status: ConnectionStatus) {
  const asked: HistoryPageRequest[] = [];
  const api = {
    historyPage: (request: HistoryPageRequest) => {
      asked.push(request);
      return Promise.resolve({ entries: [], ceiling: asked.length, total: 0 });
    },
  } as unknown as SysgateApi;
  const listeners = new Set<(status: ConnectionStatus) => void>();
  const connection = {
    status: () => status,
    onStatus(listener: (status: ConnectionStatus) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const become = (next: ConnectionStatus) => {
    status = next;
    for (const listener of [...listeners]) listener(next);
  };
  return { hash, api, connection, asked, become, listeners };
}

test('opened on the History view, its first page is asked for at once, and given to it once', async () => {
  const w = windowAt('#history&q=prog%3Als', 'connected');
  askFirstPage(w.hash, w.api, w.connection);
  assert.deepEqual(w.asked, [firstPageRequest('prog:ls', false)]);
  const reply = takeFirstPage('prog:ls', false);
  assert.ok(reply !== null);
  assert.equal((await reply).ceiling, 1);
  // Asked again (a reload, another filter): the view asks the host itself.
  assert.equal(takeFirstPage('prog:ls', false), null);
});

test('not yet connected, the first page is asked for the moment the window is', () => {
  const w = windowAt('#history', 'connecting');
  askFirstPage(w.hash, w.api, w.connection);
  assert.deepEqual(w.asked, []);
  w.become('disconnected');
  assert.deepEqual(w.asked, []);
  w.become('connected');
  w.become('disconnected');
  w.become('connected');
  assert.deepEqual(w.asked, [firstPageRequest('', false)]);
  assert.equal(w.listeners.size, 0);
  assert.ok(takeFirstPage('', false) !== null);
});

test('a first page of another filter, or of the system history, is not given', () => {
  for (const [query, system] of [
    ['prog:cat', false],
    ['', true],
  ] as const) {
    const w = windowAt('#history', 'connected');
    askFirstPage(w.hash, w.api, w.connection);
    assert.equal(takeFirstPage(query, system), null);
    // Nor later, for the filter it was asked for: it went stale when the view asked for another.
    assert.equal(takeFirstPage('', false), null);
  }
});

test('opened on another view, nothing is asked', () => {
  for (const hash of ['#sessions', '#policies&policy=%2Fbin%2Fls', '#prompt', '']) {
    const w = windowAt(hash, 'connected');
    askFirstPage(w.hash, w.api, w.connection);
    assert.deepEqual(w.asked, [], hash);
    assert.equal(takeFirstPage('', false), null);
  }
});
