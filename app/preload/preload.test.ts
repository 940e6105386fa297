// The preload as Electron's sandbox runs it: the compiled preload.cjs, with a `require` that knows
// only 'electron' (here a stand-in that records what the bridge does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

import { COMMAND_NAMES, type CommandName, type SysgateApi } from '../common/contract.js';

const SOURCE = readFileSync(new URL('./preload.cjs', import.meta.url), 'utf8');

interface Loaded {
  api: SysgateApi;
  invoked: { channel: string; args: unknown[] }[];
  /** Sends an event as the main process would. */
  emit(name: unknown, payload: unknown): void;
  reply: { value: unknown };
}

function load(): Loaded {
  const exposed = new Map<string, unknown>();
  const invoked: Loaded['invoked'] = [];
  const reply = { value: { result: null } as unknown };
  let onEvent: ((event: unknown, ...args: unknown[]) => void) | null = null;
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push({ channel, args });
        return reply.value;
      },
      on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
        assert.equal(channel, 'sysgate:event');
        onEvent = listener;
      },
    },
  };
  const require = (name: string) => {
    if (name !== 'electron') throw new Error(`module not found: ${name}`);
    return electron;
  };
  const exports = {};
  runInNewContext(`(function (require, exports, module) {${SOURCE}\n})`, {})(require, exports, {
    exports,
  });
  assert.deepEqual([...exposed.keys()], ['sysgate']);
  return {
    api: exposed.get('sysgate') as SysgateApi,
    invoked,
    reply,
    emit: (name, payload) =>
      onEvent?.({ sender: 'the IPC event, never given to the page' }, name, payload),
  };
}

const SAMPLE: { [K in CommandName]: Parameters<SysgateApi[K]> } = {
  snapshot: [],
  startSession: [{ command: 'cat /etc/hostname', cwd: '/tmp', mode: 'ask', cols: 80, rows: 24 }],
  stopSession: ['s1'],
  killSession: ['s1'],
  closeSession: ['s1'],
  writeTerminal: ['s1', 'ls\r'],
  resizeTerminal: ['s1', 100, 30],
  terminalDrawn: ['s1', 4096],
  answerQuestion: ['q1', { action: 'deny', errno: 'eacces' }],
  policy: ['/usr/bin/cat'],
  historyPage: [{ query: 'prog:cat action:deny', offset: 0, limit: 200 }],
  historyCount: ['prog:cat', { after: 0, upTo: 42 }],
  historyDetail: [42],
  historyGroups: ['run:s1@1000'],
  statistics: [null],
  systemHistoryDetail: [42],
  addSystemRule: ['/usr/sbin/lighttpd', 'native-fsread: filename eq "/srv/a" then permit'],
  exportHistory: ['prog:cat', 'csv'],
  clearHistory: [],
  historySettings: [],
  setHistorySettings: [{ record: 'answers', keepDays: 30, keepRows: 1_000_000 }],
  policyFiles: [],
  readPolicy: ['/etc/sysgate/policies/usr_bin_cat'],
  savePolicy: ['/etc/sysgate/policies/usr_bin_cat', 'Policy: /usr/bin/cat\n', 'v1'],
  ruleHits: ['/usr/bin/cat'],
  learnedRules: ['s1'],
  saveLearned: ['s1', '/usr/bin/cat', ['native-read: permit']],
  discardLearned: ['s1'],
};

test('the page gets one function per command and `on`, nothing else', () => {
  const { api } = load();
  assert.deepEqual(Object.keys(api).sort(), [...COMMAND_NAMES, 'on'].sort());
  for (const value of Object.values(api)) assert.equal(typeof value, 'function');
});

test('each command goes on its own channel with exactly its arguments', async () => {
  const { api, invoked } = load();
  for (const command of COMMAND_NAMES) {
    const call = api[command] as (...args: unknown[]) => Promise<unknown>;
    await call(...SAMPLE[command], 'an extra argument the page added');
    assert.deepEqual(invoked.at(-1), { channel: `sysgate:${command}`, args: SAMPLE[command] });
  }
});

test('a result resolves the call; a refusal or an error rejects it with the host message', async () => {
  const { api, reply } = load();
  reply.value = { result: { sessions: [] } };
  assert.deepEqual(await api.snapshot(), { sessions: [] });
  reply.value = { error: 'no session s9' };
  await assert.rejects(api.stopSession('s9'), { message: 'no session s9' });
});

test('`on` takes only the contract events, hands over the payload alone, and unsubscribes', () => {
  const { api, emit } = load();
  assert.throws(() => api.on('nonsense' as 'record', () => undefined), /no event nonsense/);
  assert.throws(() => api.on('record', 'not a function' as never), /must be a function/);
  const seen: unknown[][] = [];
  const stop = api.on('sessionClosed', (...args: unknown[]) => seen.push(args));
  emit('sessionClosed', { sessionId: 's1' });
  emit('nonsense', { sessionId: 's2' });
  emit('record', { sessionId: 's3' });
  stop();
  emit('sessionClosed', { sessionId: 's4' });
  assert.deepEqual(seen, [[{ sessionId: 's1' }]]);
});
