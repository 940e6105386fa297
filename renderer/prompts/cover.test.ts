import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { PendingQuestion } from '../../app/common/contract.js';
import { alongside, decidedBy } from './cover.js';

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
