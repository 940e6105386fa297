import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { EventName, Events, Snapshot, SysgateApi } from '../../app/common/contract.js';
import type { ConnectionStatus } from '../api/wire-client.js';
import { limitCommands, PROMPT_PAGE_COMMANDS } from '../api/limit-commands.js';
import { bindEvents, NO_NOTICES, NO_TERMINALS, type TerminalSink } from './bind-events.js';
import { createSysgateStore } from './store.js';

/** The host's side as the window sees it: events it pushes and a snapshot the test releases. */
function host() {
  const listeners = new Map<string, ((payload: unknown) => void)[]>();
  const statusListeners: ((s: ConnectionStatus) => void)[] = [];
  const snapshots: ((s: Snapshot) => void)[] = [];
  let status: ConnectionStatus = 'connected';
  const api = {
    on: (event: string, listener: (payload: unknown) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return () =>
        listeners.set(
          event,
          listeners.get(event)!.filter((l) => l !== listener),
        );
    },
    snapshot: () => new Promise<Snapshot>((resolve) => snapshots.push(resolve)),
  } as unknown as SysgateApi;
  return {
    connection: {
      api,
      status: () => status,
      onStatus: (l: (s: ConnectionStatus) => void) => {
        statusListeners.push(l);
        return () => undefined;
      },
      problem: null,
    },
    emit<E extends EventName>(event: E, payload: Events[E]) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    setStatus(next: ConnectionStatus) {
      status = next;
      statusListeners.forEach((l) => l(next));
    },
    async releaseSnapshot(snapshot: Snapshot) {
      snapshots.shift()!(snapshot);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function recordingTerminals() {
  const log: string[] = [];
  const sink: TerminalSink = {
    write: (id, data) => log.push(`write ${id} ${data}`),
    restore: (terminals) => log.push(`restore ${JSON.stringify(terminals)}`),
    acknowledge: (id, chars) => log.push(`ack ${id} ${chars}`),
    dispose: (id) => log.push(`dispose ${id}`),
  };
  return { log, sink };
}

const noNotices = { questionAdded: () => undefined, questionRemoved: () => undefined };
const empty: Snapshot = { sessions: [], questions: [], policies: [], terminals: {} };

test('output that arrives while the snapshot is on its way is acknowledged, not drawn twice', async () => {
  const h = host();
  const { log, sink } = recordingTerminals();
  const store = createSysgateStore(h.connection.api);
  bindEvents(h.connection, store, sink, noNotices);
  h.emit('terminalData', { sessionId: 's1', data: 'abc' });
  await h.releaseSnapshot({ ...empty, terminals: { s1: 'xyzabc' } });
  h.emit('terminalData', { sessionId: 's1', data: 'def' });
  assert.deepEqual(log, ['ack s1 3', 'restore {"s1":"xyzabc"}', 'write s1 def']);
});

test('a reconnection starts over from a new snapshot', async () => {
  const h = host();
  const { log, sink } = recordingTerminals();
  const store = createSysgateStore(h.connection.api);
  bindEvents(h.connection, store, sink, noNotices);
  await h.releaseSnapshot(empty);
  h.setStatus('disconnected');
  assert.equal(store.getState().connection, 'disconnected');
  h.setStatus('connected');
  await h.releaseSnapshot({ ...empty, terminals: { s1: 'again' } });
  assert.equal(store.getState().connection, 'connected');
  assert.deepEqual(log, ['restore {}', 'restore {"s1":"again"}']);
});

test('events reach the store; a closed session takes its terminal with it', async () => {
  const h = host();
  const { log, sink } = recordingTerminals();
  const notified: string[] = [];
  const store = createSysgateStore(h.connection.api);
  bindEvents(h.connection, store, sink, {
    questionAdded: (q) => notified.push(`+${q.id}`),
    questionRemoved: (id) => notified.push(`-${id}`),
  });
  await h.releaseSnapshot(empty);
  h.emit('questionAdded', { id: 'q1', sessionId: 's1', count: 1, arrivedAt: 0 } as never);
  h.emit('questionRemoved', { id: 'q1', reason: 'answered' });
  h.emit('policyChanged', { program: '/bin/ls', path: null, text: 'x', addedLines: [1] });
  h.emit('sessionClosed', { sessionId: 's1' });
  assert.deepEqual(notified, ['+q1', '-q1']);
  assert.deepEqual(Object.keys(store.getState().policies), ['/bin/ls']);
  assert.deepEqual(log, ['restore {}', 'dispose s1']);
});

test('the prompt window: the questions come, the terminals’ output goes nowhere, and only the snapshot is asked for', async () => {
  const h = host();
  const refused: string[] = [];
  const api = limitCommands(h.connection.api, PROMPT_PAGE_COMMANDS, (c) => refused.push(c));
  const store = createSysgateStore(api);
  bindEvents({ ...h.connection, api }, store, NO_TERMINALS, NO_NOTICES);
  // Before the snapshot (the main window would acknowledge it) and after (it would draw it).
  h.emit('terminalData', { sessionId: 's1', data: 'abc' });
  await h.releaseSnapshot({ ...empty, terminals: { s1: 'abc' } });
  h.emit('terminalData', { sessionId: 's1', data: 'def' });
  h.emit('questionAdded', { id: 'q1', sessionId: 's1', count: 1, arrivedAt: 0 } as never);
  assert.deepEqual(store.getState().queue.ids, ['q1']);
  assert.deepEqual(refused, []);
});
