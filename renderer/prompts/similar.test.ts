import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { PendingQuestion } from '../../app/common/contract.js';
import type { Question } from '../../app/common/session/events.js';
import { similarCount, similarQuestions } from './similar.js';

function pending(
  id: string,
  sessionId: string,
  question: Partial<Question>,
  count = 1,
): PendingQuestion {
  return {
    id,
    sessionId,
    count,
    arrivedAt: 0,
    question: {
      id: `sup-${id}`,
      pid: 100,
      tid: 100,
      ppid: 1,
      uid: 1000,
      gid: 1000,
      exe: '/usr/bin/cat',
      cwd: '/home/jose',
      argv: ['cat'],
      policy: '/usr/bin/cat',
      call: 'openat',
      nr: 257,
      alias: 'fsread',
      args: { filename: ['/etc/a'] },
      ...question,
    },
  };
}

test('questions of the same session, policy and call are similar, whatever their arguments', () => {
  const target = pending('q1', 's1', {});
  const waiting = [
    target,
    pending('q2', 's1', { args: { filename: ['/etc/b'] } }),
    pending('q3', 's1', { pid: 200, args: { filename: ['/usr/lib/c'] } }),
    pending('q4', 's2', {}),
    pending('q5', 's1', { policy: '/usr/bin/ls' }),
    pending('q6', 's1', { call: 'connect', alias: null, nr: 42 }),
  ];
  assert.deepEqual(
    similarQuestions(target, waiting).map((q) => q.id),
    ['q2', 'q3'],
  );
});

test('calls of one alias group are similar, as the host groups them', () => {
  const target = pending('q1', 's1', { call: 'openat', alias: 'fsread' });
  const stat = pending('q2', 's1', { call: 'newfstatat', alias: 'fsread', nr: 262 });
  const write = pending('q3', 's1', { call: 'openat', alias: 'fswrite' });
  assert.deepEqual(
    similarQuestions(target, [stat, write]).map((q) => q.id),
    ['q2'],
  );
});

test('a question alone has nothing similar', () => {
  const target = pending('q1', 's1', {}, 4);
  assert.deepEqual(similarQuestions(target, [target]), []);
});

test('the count of similar questions is that of similarQuestions, counted once per state of the questions', () => {
  const target = pending('q1', 's1', {});
  const waiting = [
    target,
    pending('q2', 's1', { args: { filename: ['/etc/b'] } }),
    pending('q3', 's1', { call: 'openat', alias: 'fswrite' }),
    pending('q4', 's2', {}),
    pending('q5', 's1', { policy: '/usr/bin/ls' }),
  ];
  const questions = Object.fromEntries(waiting.map((q) => [q.id, q]));
  for (const q of waiting) {
    assert.equal(similarCount(q, questions), similarQuestions(q, waiting).length, q.id);
  }
  // Not waiting (any more): every similar one counts.
  assert.equal(similarCount(pending('q9', 's1', {}), questions), 2);
  assert.equal(similarCount(target, { q1: target }), 0);
});
