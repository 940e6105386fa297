import { test } from 'node:test';
import assert from 'node:assert/strict';

import type {
  EventName,
  Events,
  PendingQuestion,
  Snapshot,
  SysgateApi,
} from '../../app/common/contract.js';
import type { ConnectionStatus } from '../api/wire-client.js';
import { limitCommands, PROMPT_PAGE_COMMANDS } from '../api/limit-commands.js';
import {
  bindEvents,
  NO_NOTICES,
  NO_TERMINALS,
  type FrameScheduler,
  type TerminalSink,
} from './bind-events.js';
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

/** Animation frames the test runs by hand. */
function frames() {
  const waiting: (() => void)[] = [];
  const schedule: FrameScheduler = (flush) => {
    let live = true;
    waiting.push(() => live && flush());
    return () => {
      live = false;
    };
  };
  return {
    schedule,
    /** How many flushes are waiting for a frame (cancelled ones included). */
    get pending() {
      return waiting.length;
    },
    run() {
      waiting.splice(0).forEach((flush) => flush());
    },
  };
}

const noNotices = { questionAdded: () => undefined, questionRemoved: () => undefined };
const session = (id: string, startedAt = 0) =>
  ({ id, command: id, cwd: '/', state: 'running', startedAt, processes: [] }) as never;
const question = (id: string, sessionId = 's1', count = 1): PendingQuestion =>
  ({ id, sessionId, count, arrivedAt: 0, question: { call: 'openat' } }) as PendingQuestion;

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

test('a token refused before the window bound itself to the socket is still said', () => {
  const h = host();
  const store = createSysgateStore(h.connection.api);
  h.setStatus('disconnected');
  const refused = { ...h.connection, refusal: () => 'the token is not valid' };
  bindEvents(refused, store, NO_TERMINALS, noNotices);
  assert.equal(store.getState().connection, 'disconnected');
  assert.equal(store.getState().connectionProblem, 'the token is not valid');
});

test('events reach the store; a closed session takes its terminal with it', async () => {
  const h = host();
  const { log, sink } = recordingTerminals();
  const notified: string[] = [];
  const store = createSysgateStore(h.connection.api);
  const f = frames();
  bindEvents(
    h.connection,
    store,
    sink,
    {
      questionAdded: (q) => notified.push(`+${q.id}`),
      questionRemoved: (id) => notified.push(`-${id}`),
    },
    f.schedule,
  );
  await h.releaseSnapshot(empty);
  h.emit('sessionChanged', session('s1'));
  h.emit('questionAdded', { id: 'q1', sessionId: 's1', count: 1, arrivedAt: 0 } as never);
  h.emit('questionRemoved', { id: 'q1', reason: 'answered' });
  h.emit('policyChanged', { program: '/bin/ls', path: null, text: 'x', addedLines: [1] });
  h.emit('sessionClosed', { sessionId: 's1' });
  f.run();
  assert.deepEqual(notified, ['+q1', '-q1']);
  assert.deepEqual(Object.keys(store.getState().policies), ['/bin/ls']);
  assert.deepEqual(log, ['restore {}', 'dispose s1']);
});

test('the prompt window: the questions come, the terminals’ output goes nowhere, and only the snapshot is asked for', async () => {
  const h = host();
  const refused: string[] = [];
  const api = limitCommands(h.connection.api, PROMPT_PAGE_COMMANDS, (c) => refused.push(c));
  const store = createSysgateStore(api);
  const f = frames();
  bindEvents({ ...h.connection, api }, store, NO_TERMINALS, NO_NOTICES, f.schedule);
  // Before the snapshot (the main window would acknowledge it) and after (it would draw it).
  h.emit('terminalData', { sessionId: 's1', data: 'abc' });
  await h.releaseSnapshot({ ...empty, terminals: { s1: 'abc' } });
  h.emit('terminalData', { sessionId: 's1', data: 'def' });
  h.emit('questionAdded', { id: 'q1', sessionId: 's1', count: 1, arrivedAt: 0 } as never);
  f.run();
  assert.deepEqual(store.getState().queue.ids, ['q1']);
  assert.deepEqual(refused, []);
});

test('the events of one frame are one store update, applied in arrival order', async () => {
  const h = host();
  const store = createSysgateStore(h.connection.api);
  const f = frames();
  const notified: string[] = [];
  bindEvents(
    h.connection,
    store,
    NO_TERMINALS,
    {
      questionAdded: (q) => notified.push(`+${q.id}`),
      questionRemoved: (id) => notified.push(`-${id}`),
    },
    f.schedule,
  );
  await h.releaseSnapshot(empty);
  let updates = 0;
  store.subscribe(() => updates++);
  h.emit('sessionChanged', session('s1'));
  for (let i = 1; i <= 100; i++) h.emit('questionAdded', question(`q${i}`));
  h.emit('questionChanged', question('q2', 's1', 5));
  h.emit('questionRemoved', { id: 'q1', reason: 'answered' });
  // Nothing is applied before the frame, and one frame is asked for, not one per event.
  assert.equal(updates, 0);
  assert.deepEqual(store.getState().queue.ids, []);
  assert.deepEqual(notified, []);
  assert.equal(f.pending, 1);
  f.run();
  assert.equal(updates, 1);
  const s = store.getState();
  assert.equal(s.queue.ids.length, 99);
  assert.deepEqual(s.queue.ids.slice(0, 2), ['q2', 'q3']);
  assert.equal(s.questions['q2']!.count, 5);
  assert.equal(s.callsWaiting, 98 + 5);
  assert.deepEqual(s.sessionIds, ['s1']);
  assert.deepEqual(notified.slice(-2), ['+q100', '-q1']);
  // The next event asks for the next frame.
  h.emit('questionRemoved', { id: 'q2', reason: 'answered' });
  assert.equal(f.pending, 1);
  f.run();
  assert.equal(updates, 2);
  assert.equal(store.getState().callsWaiting, 98);
});

test('an add then a remove of the same question in one frame leaves it gone; a remove then an add leaves it there', async () => {
  const h = host();
  const store = createSysgateStore(h.connection.api);
  const f = frames();
  bindEvents(h.connection, store, NO_TERMINALS, NO_NOTICES, f.schedule);
  await h.releaseSnapshot({ ...empty, questions: [question('q1')] });
  h.emit('questionAdded', question('q2'));
  h.emit('questionRemoved', { id: 'q2', reason: 'answered' });
  h.emit('questionRemoved', { id: 'q1', reason: 'answered' });
  h.emit('questionAdded', question('q1', 's1', 2));
  f.run();
  const s = store.getState();
  assert.deepEqual(s.queue.ids, ['q1']);
  assert.deepEqual(Object.keys(s.questions), ['q1']);
  assert.equal(s.callsWaiting, 2);
});

test('the chosen question goes within a batch: the choice moves on as it does one at a time', async () => {
  const h = host();
  const store = createSysgateStore(h.connection.api);
  const f = frames();
  bindEvents(h.connection, store, NO_TERMINALS, NO_NOTICES, f.schedule);
  await h.releaseSnapshot({ ...empty, questions: ['q1', 'q2', 'q3'].map((id) => question(id)) });
  store.getState().selectQuestion('q2');
  h.emit('questionRemoved', { id: 'q2', reason: 'answered' });
  h.emit('questionRemoved', { id: 'q3', reason: 'answered' });
  f.run();
  assert.deepEqual(store.getState().queue, { ids: ['q1'], selectedId: 'q1' });
});

test('a closed session takes its questions and, after the store let it go, its terminal', async () => {
  const h = host();
  const { log, sink } = recordingTerminals();
  const store = createSysgateStore(h.connection.api);
  const f = frames();
  bindEvents(h.connection, store, sink, noNotices, f.schedule);
  await h.releaseSnapshot(empty);
  h.emit('sessionChanged', session('s1'));
  h.emit('sessionChanged', session('s2'));
  h.emit('questionAdded', question('q1', 's1'));
  h.emit('questionAdded', question('q2', 's2'));
  h.emit('sessionClosed', { sessionId: 's1' });
  assert.deepEqual(log, ['restore {}']);
  f.run();
  const s = store.getState();
  assert.deepEqual(s.sessionIds, ['s2']);
  assert.deepEqual(s.queue.ids, ['q2']);
  assert.equal(s.callsWaiting, 1);
  assert.deepEqual(log, ['restore {}', 'dispose s1']);
});

test('terminal output is not held for the frame', async () => {
  const h = host();
  const { log, sink } = recordingTerminals();
  const store = createSysgateStore(h.connection.api);
  const f = frames();
  bindEvents(h.connection, store, sink, noNotices, f.schedule);
  await h.releaseSnapshot(empty);
  h.emit('sessionChanged', session('s1'));
  h.emit('terminalData', { sessionId: 's1', data: 'abc' });
  assert.deepEqual(log, ['restore {}', 'write s1 abc']);
  assert.equal(f.pending, 1);
});

test('events held when the snapshot comes are applied before it, and the snapshot wins', async () => {
  const h = host();
  const store = createSysgateStore(h.connection.api);
  const f = frames();
  const notified: string[] = [];
  bindEvents(
    h.connection,
    store,
    NO_TERMINALS,
    {
      questionAdded: (q) => notified.push(`+${q.id}`),
      questionRemoved: (id) => notified.push(`-${id}`),
    },
    f.schedule,
  );
  // They arrive while the snapshot is on its way: the snapshot already holds their effect
  // (q1 answered meanwhile, q2 still waiting with more calls).
  h.emit('questionAdded', question('q1'));
  h.emit('questionAdded', question('q2'));
  h.emit('questionRemoved', { id: 'q1', reason: 'answered' });
  await h.releaseSnapshot({ ...empty, questions: [question('q2', 's1', 3)] });
  assert.deepEqual(store.getState().queue.ids, ['q2']);
  assert.equal(store.getState().callsWaiting, 3);
  assert.deepEqual(notified, ['+q1', '+q2', '-q1']);
  // The frame that was asked for finds nothing left to do; what comes next applies on top.
  let updates = 0;
  store.subscribe(() => updates++);
  f.run();
  assert.equal(updates, 0);
  h.emit('questionAdded', question('q3'));
  f.run();
  assert.deepEqual(store.getState().queue.ids, ['q2', 'q3']);
  assert.equal(store.getState().callsWaiting, 4);
});

test('after a disconnection, the events held are still applied, and the reconnection starts over', async () => {
  const h = host();
  const store = createSysgateStore(h.connection.api);
  const f = frames();
  bindEvents(h.connection, store, NO_TERMINALS, NO_NOTICES, f.schedule);
  await h.releaseSnapshot(empty);
  h.emit('questionAdded', question('q1'));
  h.setStatus('disconnected');
  f.run();
  assert.deepEqual(store.getState().queue.ids, ['q1']);
  h.setStatus('connected');
  h.emit('questionAdded', question('q2'));
  await h.releaseSnapshot({ ...empty, questions: [question('q3')] });
  f.run();
  assert.deepEqual(store.getState().queue.ids, ['q3']);
});

test('unbinding drops what is held and cancels the frame', async () => {
  const h = host();
  const store = createSysgateStore(h.connection.api);
  const f = frames();
  const unbind = bindEvents(h.connection, store, NO_TERMINALS, NO_NOTICES, f.schedule);
  await h.releaseSnapshot(empty);
  h.emit('questionAdded', question('q1'));
  unbind();
  f.run();
  assert.deepEqual(store.getState().queue.ids, []);
});
