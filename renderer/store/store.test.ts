import { test } from 'node:test';
import assert from 'node:assert/strict';

import type {
  PendingQuestion,
  PolicyView,
  SessionInfo,
  Snapshot,
  SysgateApi,
} from '../../app/common/contract.js';
import { newestQuestionId, shownQuestionId } from '../prompts/queue.js';
import { createSysgateStore } from './store.js';

// Only the commands a test uses are given; any other one fails the test.
function api(commands: Partial<SysgateApi>): SysgateApi {
  return new Proxy(commands as SysgateApi, {
    get: (target, name: string) => {
      const command = (target as Record<string, unknown>)[name];
      if (command !== undefined) return command;
      throw new Error(`unexpected command ${name}`);
    },
  });
}

const session = (id: string, startedAt = 0): SessionInfo => ({
  id,
  command: `prog-${id}`,
  cwd: '/tmp',
  mode: 'ask',
  kernel: false,
  state: 'running',
  status: null,
  startedAt,
  processes: [],
  counts: { permitted: 0, denied: 0, asked: 0 },
});

const question = (id: string, arrivedAt = 0, count = 1): PendingQuestion =>
  ({ id, sessionId: 's1', count, arrivedAt, question: { call: 'openat' } }) as PendingQuestion;

test('questions are listed as they arrive, merged counts update in place, answered ones go', () => {
  const store = createSysgateStore(api({}));
  const s = store.getState;
  s().questionAdded(question('q1'));
  s().questionAdded(question('q2'));
  s().questionChanged(question('q1', 0, 3));
  assert.deepEqual(s().queue.ids, ['q1', 'q2']);
  assert.equal(s().questions['q1']!.count, 3);
  s().selectQuestion('q2');
  s().questionRemoved('q2');
  assert.deepEqual(s().queue, { ids: ['q1'], selectedId: 'q1' });
  assert.equal(s().questions['q2'], undefined);
});

test('a new question goes to the end and does not replace the one shown', () => {
  const store = createSysgateStore(api({}));
  const s = store.getState;
  s().questionAdded(question('q1'));
  s().questionAdded(question('q2'));
  s().questionAdded(question('q3'));
  assert.deepEqual(s().queue.ids, ['q1', 'q2', 'q3']);
  assert.equal(shownQuestionId(s().queue), 'q1');
  assert.equal(newestQuestionId(s().queue), 'q3');
  // The same question again (a snapshot after an event) is listed once.
  s().questionAdded(question('q2'));
  assert.deepEqual(s().queue.ids, ['q1', 'q2', 'q3']);
});

test('when the chosen question goes, the prompt moves to the one after it, else before it', () => {
  const store = createSysgateStore(api({}));
  const s = store.getState;
  for (const id of ['q1', 'q2', 'q3', 'q4']) s().questionAdded(question(id));
  s().selectQuestion('q2');
  s().questionRemoved('q2');
  assert.deepEqual(s().queue, { ids: ['q1', 'q3', 'q4'], selectedId: 'q3' });
  s().selectQuestion('q4');
  s().questionRemoved('q4');
  assert.deepEqual(s().queue, { ids: ['q1', 'q3'], selectedId: 'q3' });
  // Removing another question keeps the choice.
  s().questionRemoved('q1');
  assert.deepEqual(s().queue, { ids: ['q3'], selectedId: 'q3' });
});

test('with no choice made, the prompt follows the oldest question', () => {
  const store = createSysgateStore(api({}));
  const s = store.getState;
  s().questionAdded(question('q1'));
  s().questionAdded(question('q2'));
  s().questionRemoved('q1');
  assert.equal(s().queue.selectedId, null);
  assert.equal(shownQuestionId(s().queue), 'q2');
  s().questionRemoved('q9');
  assert.deepEqual(s().queue.ids, ['q2']);
});

test('an answer is sent once, and a refusal by the host is kept to show', async () => {
  const sent: unknown[] = [];
  const store = createSysgateStore(
    api({
      answerQuestion: async (id, answer) => {
        sent.push([id, answer]);
        throw new Error('that question was already answered or withdrawn');
      },
    }),
  );
  store.getState().questionAdded(question('q1'));
  const first = store.getState().answerQuestion('q1', { action: 'permit' });
  assert.deepEqual(store.getState().answering, { q1: true });
  await store.getState().answerQuestion('q1', { action: 'permit' });
  await first;
  assert.equal(sent.length, 1);
  assert.deepEqual(store.getState().answering, {});
  assert.deepEqual(store.getState().answerError, {
    questionId: 'q1',
    message: 'that question was already answered or withdrawn',
  });
  // The question going does not take the refusal away: the dock says it until the next answer.
  store.getState().questionRemoved('q1');
  assert.equal(store.getState().answerError?.questionId, 'q1');
});

test('a started session is listed at once; a closed one is forgotten with its maximised view', async () => {
  const store = createSysgateStore(
    api({ startSession: async () => session('s1'), closeSession: async () => undefined }),
  );
  const s = store.getState;
  await s().startSession({ command: 'ls', cwd: '', mode: 'ask', cols: 80, rows: 24 });
  s().sessionChanged({ ...session('s1'), state: 'exited', status: 0 });
  assert.deepEqual(s().sessionIds, ['s1']);
  assert.equal(s().sessions['s1']!.state, 'exited');
  s().maximiseSession('s1');
  await s().closeSession('s1');
  assert.deepEqual(s().sessionIds, []);
  assert.equal(s().maximisedSessionId, null);
});

test('a closed session takes its waiting questions with it', () => {
  const store = createSysgateStore(api({}));
  const s = store.getState;
  s().sessionChanged(session('s1'));
  s().sessionChanged(session('s2'));
  s().questionAdded(question('q1'));
  s().questionAdded({ ...question('q2'), sessionId: 's2' });
  s().selectQuestion('q1');
  s().sessionClosed('s1');
  assert.deepEqual(Object.keys(s().questions), ['q2']);
  assert.deepEqual(s().queue, { ids: ['q2'], selectedId: 'q2' });
});

test('a new session is shown even when another one was maximised', async () => {
  const store = createSysgateStore(api({ startSession: async () => session('s2') }));
  const s = store.getState;
  s().sessionChanged(session('s1'));
  s().maximiseSession('s1');
  await s().startSession({ command: 'ls', cwd: '', mode: 'ask', cols: 80, rows: 24 });
  assert.equal(s().maximisedSessionId, null);
});

test('a snapshot replaces everything and keeps the choices that still make sense', () => {
  const store = createSysgateStore(api({}));
  const s = store.getState;
  s().questionAdded(question('q1'));
  s().questionAdded(question('old'));
  s().selectQuestion('q1');
  s().sessionChanged(session('gone'));
  s().maximiseSession('gone');
  const policy: PolicyView = { program: '/bin/cat', path: null, text: '', addedLines: [] };
  const snapshot: Snapshot = {
    sessions: [session('s2', 20), session('s1', 10)],
    questions: [question('q3', 30), question('q1', 10)],
    policies: [policy],
    terminals: {},
    user: { name: 'jose', home: '/home/jose' },
  };
  s().loadSnapshot(snapshot);
  assert.deepEqual(s().sessionIds, ['s1', 's2']);
  assert.equal(s().maximisedSessionId, null);
  assert.deepEqual(s().queue, { ids: ['q1', 'q3'], selectedId: 'q1' });
  assert.equal(shownQuestionId(s().queue), 'q1');
  assert.deepEqual(s().policies, { '/bin/cat': policy });
  assert.deepEqual(s().user, { name: 'jose', home: '/home/jose' });
  // Not a system administrator unless the host says so.
  assert.equal(s().systemAdmin, false);
  s().loadSnapshot({ ...snapshot, systemAdmin: true });
  assert.equal(s().systemAdmin, true);
});

test('a changed policy replaces the old text and becomes the last changed', () => {
  const store = createSysgateStore(api({}));
  const view = (text: string): PolicyView => ({
    program: '/bin/ls',
    path: '/p/bin_ls',
    text,
    addedLines: [],
  });
  store.getState().policyChanged(view('a'));
  store.getState().policyChanged(view('b'));
  assert.equal(store.getState().policies['/bin/ls']!.text, 'b');
  assert.equal(store.getState().lastChangedPolicy, '/bin/ls');
});
