import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { PendingQuestion, SessionInfo } from '../../app/common/contract.js';
import { createWireClient, NotConnectedError, type OpenSocket } from './wire-client.js';

/** A socket under the test's control: it records what the client sends and plays the server. */
class ScriptedServer {
  sockets: { url: string; sent: string[]; handlers: Parameters<OpenSocket>[1]; closed: boolean }[] =
    [];
  timers: { callback: () => void; ms: number; cancelled: boolean }[] = [];

  readonly openSocket: OpenSocket = (url, handlers) => {
    const socket = { url, sent: [] as string[], handlers, closed: false };
    this.sockets.push(socket);
    return {
      send: (text) => {
        if (socket.closed) throw new Error('closed');
        socket.sent.push(text);
      },
      close: () => {
        socket.closed = true;
      },
    };
  };

  readonly setTimer = (callback: () => void, ms: number) => {
    const timer = { callback, ms, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };

  get socket() {
    return this.sockets[this.sockets.length - 1]!;
  }

  calls(): { id: number; command: string; args: unknown[] }[] {
    return this.socket.sent.map((text) => JSON.parse(text));
  }

  reply(message: unknown): void {
    this.socket.handlers.message(JSON.stringify(message));
  }

  runTimers(): void {
    const due = this.timers.filter((t) => !t.cancelled);
    this.timers = [];
    for (const timer of due) timer.callback();
  }
}

function connected() {
  const server = new ScriptedServer();
  const client = createWireClient({
    url: 'ws://127.0.0.1:1/api?token=t',
    openSocket: server.openSocket,
    setTimer: server.setTimer,
    retryDelays: [10, 20],
  });
  server.socket.handlers.open();
  return { server, client };
}

const session: SessionInfo = {
  id: 's1',
  command: 'ls',
  cwd: '/tmp',
  mode: 'ask',
  kernel: false,
  state: 'running',
  status: null,
  startedAt: 0,
  processes: [],
  counts: { permitted: 0, denied: 0, asked: 0 },
};

test('a call is sent as {id, command, args} and resolves with the reply of the same id', async () => {
  const { server, client } = connected();
  const first = client.api.startSession({
    command: 'ls',
    cwd: '/tmp',
    mode: 'ask',
    cols: 80,
    rows: 24,
  });
  const second = client.api.stopSession('s9');
  const [a, b] = server.calls();
  assert.equal(a!.command, 'startSession');
  assert.deepEqual(a!.args, [{ command: 'ls', cwd: '/tmp', mode: 'ask', cols: 80, rows: 24 }]);
  assert.deepEqual(b, { id: b!.id, command: 'stopSession', args: ['s9'] });
  assert.notEqual(a!.id, b!.id);
  // Replies may come in any order.
  server.reply({ id: b!.id, result: null });
  server.reply({ id: a!.id, result: session });
  assert.deepEqual(await first, session);
  assert.equal(await second, null);
});

test('an error reply rejects the call with the host message', async () => {
  const { server, client } = connected();
  const pending = client.api.closeSession('s1');
  server.reply({ id: server.calls()[0]!.id, error: 'the session is still running' });
  await assert.rejects(pending, { message: 'the session is still running' });
});

test('replies to unknown ids and messages that are not JSON are ignored', async () => {
  const { server, client } = connected();
  const pending = client.api.snapshot();
  server.socket.handlers.message('{not json');
  server.reply({ id: 999, result: 'stray' });
  server.reply({ id: server.calls()[0]!.id, result: { sessions: [] } });
  assert.deepEqual(await pending, { sessions: [] });
});

test('events reach their listeners until they unsubscribe', () => {
  const { server, client } = connected();
  const seen: string[] = [];
  const question = { id: 'q1' } as PendingQuestion;
  const off = client.api.on('questionAdded', (q) => seen.push(q.id));
  client.api.on('sessionClosed', (e) => seen.push(`closed ${e.sessionId}`));
  server.reply({ event: 'questionAdded', payload: question });
  server.reply({ event: 'sessionClosed', payload: { sessionId: 's1' } });
  server.reply({ event: 'noSuchEvent', payload: {} });
  off();
  server.reply({ event: 'questionAdded', payload: question });
  assert.deepEqual(seen, ['q1', 'closed s1']);
});

test('when the socket closes every waiting call is rejected and the client connects again', async () => {
  const { server, client } = connected();
  const statuses: string[] = [];
  client.onStatus((s) => statuses.push(s));
  const waiting = client.api.snapshot();
  server.socket.handlers.close();
  await assert.rejects(waiting, NotConnectedError);
  assert.equal(client.status(), 'disconnected');
  // Calls made while disconnected fail at once instead of waiting forever.
  await assert.rejects(client.api.writeTerminal('s1', 'x'), NotConnectedError);

  assert.equal(server.timers[0]!.ms, 10);
  server.runTimers();
  assert.equal(server.sockets.length, 2);
  assert.equal(server.socket.url, 'ws://127.0.0.1:1/api?token=t');
  // A failed attempt waits longer before the next.
  server.socket.handlers.close();
  assert.equal(server.timers[0]!.ms, 20);
  server.runTimers();
  server.socket.handlers.open();
  assert.equal(client.status(), 'connected');
  assert.deepEqual(statuses, ['disconnected', 'connected']);

  const again = client.api.policy('/usr/bin/ls');
  server.reply({ id: server.calls()[0]!.id, result: { program: '/usr/bin/ls' } });
  assert.deepEqual(await again, { program: '/usr/bin/ls' });
});

test('a replaced socket that reports late cannot disturb the new one', () => {
  const { server, client } = connected();
  const old = server.socket;
  old.handlers.close();
  server.runTimers();
  server.socket.handlers.open();
  old.handlers.close();
  old.handlers.message(JSON.stringify({ event: 'sessionClosed', payload: { sessionId: 'x' } }));
  assert.equal(client.status(), 'connected');
  assert.equal(server.timers.length, 0);
});

test('close() ends the connection for good', async () => {
  const { server, client } = connected();
  const waiting = client.api.snapshot();
  client.close();
  await assert.rejects(waiting, NotConnectedError);
  assert.equal(server.socket.closed, true);
  server.socket.handlers.close();
  assert.equal(server.timers.length, 0);
  assert.equal(client.status(), 'disconnected');
});

test('a refused token is told once and not tried again: another try would be refused the same way', () => {
  const server = new ScriptedServer();
  const client = createWireClient({
    url: 'ws://127.0.0.1:1/api?token=stale',
    openSocket: server.openSocket,
    setTimer: server.setTimer,
    retryDelays: [10, 20],
  });
  const seen: string[] = [];
  client.onStatus((status) => seen.push(`${status} ${client.refusal() ?? ''}`.trim()));
  server.socket.handlers.close(4401);
  server.runTimers();
  server.runTimers();
  assert.equal(server.sockets.length, 1, 'no second try');
  assert.deepEqual(seen, [
    "disconnected This address's token is not valid: open the address `sysgate gui` printed.",
  ]);
  // A connection merely lost is tried again, as before.
  const other = new ScriptedServer();
  createWireClient({ url: 'ws://x/api', openSocket: other.openSocket, setTimer: other.setTimer });
  other.socket.handlers.close(1006);
  other.runTimers();
  assert.equal(other.sockets.length, 2);
});

test('a frame of many messages is handled in its order: events and replies, none lost', async () => {
  const { server, client } = connected();
  const seen: string[] = [];
  client.api.on('questionAdded', (q) => seen.push(q.id));
  client.api.on('questionRemoved', ({ id }) => seen.push(`-${id}`));
  const pending = client.api.snapshot().then(() => seen.push('snapshot'));
  const id = server.calls()[0]!.id;
  const burst: unknown[] = [];
  for (let i = 0; i < 1000; i++)
    burst.push({ event: 'questionAdded', payload: { id: `q${i}` } as PendingQuestion });
  burst.push({ event: 'questionRemoved', payload: { id: 'q5' } });
  burst.push({ id, result: { sessions: [] } });
  server.reply(burst);
  await pending;
  assert.equal(seen.length, 1002);
  assert.deepEqual(seen.slice(0, 3), ['q0', 'q1', 'q2']);
  assert.deepEqual(seen.slice(998), ['q998', 'q999', '-q5', 'snapshot']);
});
