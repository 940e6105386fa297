import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { PendingQuestion } from '../../app/common/contract.js';
import { baseName, mainArgument, orderByArrival, shownQuestionId } from './queue.js';

const order = (ids: string[], selectedId: string | null = null) => ({ ids, selectedId });

test('the prompt shows the oldest question until the user chooses another', () => {
  assert.equal(shownQuestionId(order(['q1', 'q2', 'q3'])), 'q1');
  assert.equal(shownQuestionId(order(['q1', 'q2', 'q3'], 'q2')), 'q2');
  assert.equal(shownQuestionId(order([])), null);
});

test('a snapshot is ordered by arrival, equal times by the id number', () => {
  const at = (id: string, arrivedAt: number) => ({ id, arrivedAt }) as PendingQuestion;
  assert.deepEqual(orderByArrival([at('q10', 5), at('q9', 5), at('q1', 7), at('q3', 1)]), [
    'q3',
    'q9',
    'q10',
    'q1',
  ]);
});

test('a question is mostly about its file, else its address, else its first argument', () => {
  const q = (args: Record<string, string[]>) => ({ args }) as PendingQuestion['question'];
  assert.deepEqual(mainArgument(q({ oflags: ['ro'], filename: ['/etc/passwd'] })), {
    name: 'filename',
    value: '/etc/passwd',
  });
  assert.deepEqual(mainArgument(q({ sockaddr: ['inet-[1.1.1.1]:53'] }))?.name, 'sockaddr');
  assert.deepEqual(mainArgument(q({ signame: ['SIGTERM'] })), {
    name: 'signame',
    value: 'SIGTERM',
  });
  assert.equal(mainArgument(q({})), null);
});

test('programs are named by the last part of their path', () => {
  assert.equal(baseName('/usr/bin/cat'), 'cat');
  assert.equal(baseName('cat'), 'cat');
  assert.equal(baseName('/'), '/');
});
