import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { PendingQuestion } from '../../app/common/contract.js';
import { alongside, decidedBy, LOOKED_AT } from './cover.js';

const MACROS = { HOME: '/home/u', USER: 'u', CWD: '/' };
function pending(id: string, path: string, session = 's1', call = 'openat'): PendingQuestion {
  return {
    id,
    sessionId: session,
    count: 1,
    arrivedAt: 0,
    question: {
      id,
      pid: 1,
      tid: 1,
      ppid: 0,
      uid: 0,
      gid: 0,
      exe: '/usr/bin/cat',
      cwd: '/',
      argv: [],
      policy: '/usr/bin/cat',
      call,
      nr: 0,
      alias: call === 'kill' ? null : 'fsread',
      args: call === 'kill' ? { signame: ['SIGTERM'] } : { filename: [path] },
    },
  };
}

test('the waiting questions a rule would decide are those of its run and program it matches', () => {
  const target = pending('q1', '/etc/a');
  const questions = Object.fromEntries(
    [
      target,
      pending('q2', '/etc/b'),
      pending('q3', '/etc/c', 's1', 'statx'),
      pending('q4', '/usr/x'),
      pending('q5', '/etc/d', 's2'),
      pending('q6', '', 's1', 'kill'),
    ].map((p) => [p.id, p]),
  );
  const waiting = alongside(target, questions);
  assert.deepEqual(
    waiting.map((p) => p.id),
    ['q2', 'q3', 'q4', 'q6'],
  );
  assert.deepEqual(decidedBy(target.question, 'filename match "/etc/*"', waiting, MACROS), [
    'q2',
    'q3',
  ]);
  assert.deepEqual(decidedBy(target.question, 'filename eq "/etc/a"', waiting, MACROS), []);
  // A rule being typed that does not parse decides nothing.
  assert.deepEqual(decidedBy(target.question, 'filename match', waiting, MACROS), []);
});

test('the waiting questions alongside are the same list while they are the same questions', () => {
  const target = pending('q1', '/etc/a');
  const others = Array.from({ length: LOOKED_AT + 5 }, (_, i) => pending(`q${i + 2}`, `/etc/${i}`));
  const questions: Record<string, PendingQuestion> = Object.fromEntries(
    [target, ...others].map((p) => [p.id, p]),
  );
  const first = alongside(target, questions);
  assert.equal(first.length, LOOKED_AT);
  // A later batch (a new state of the questions) adds more, beyond the LOOKED_AT looked at: the
  // same list comes back, and what the prompt computed from it need not be computed again.
  const later: Record<string, PendingQuestion> = {
    ...questions,
    q900: pending('q900', '/etc/late'),
  };
  assert.equal(alongside(target, later, first), first);
  // One of them answered: a new list, without it.
  const fewer = { ...later };
  delete fewer['q2'];
  const next = alongside(target, fewer, first);
  assert.notEqual(next, first);
  assert.deepEqual(
    next.map((p) => p.id),
    [...others.slice(1, LOOKED_AT + 1).map((p) => p.id)],
  );
  // The same questions in another state of the store (a question changed): not the same list.
  const changed = { ...fewer, q3: { ...fewer['q3']!, count: 2 } };
  assert.notEqual(alongside(target, changed, next), next);
});
