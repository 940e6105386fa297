import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { PendingQuestion } from '../../app/common/contract.js';
import {
  baseName,
  mainArgument,
  newestQuestionId,
  orderByArrival,
  shownQuestionId,
  withQuestion,
  withoutQuestion,
} from './queue.js';

const order = (ids: string[], selectedId: string | null = null) => ({ ids, selectedId });

test('the prompt shows the oldest question until the user chooses another', () => {
  assert.equal(shownQuestionId(order(['q1', 'q2', 'q3'])), 'q1');
  assert.equal(shownQuestionId(order(['q1', 'q2', 'q3'], 'q2')), 'q2');
  assert.equal(shownQuestionId(order([])), null);
});

test('a new question goes to the end and does not replace the one shown', () => {
  const next = withQuestion(order(['q1', 'q2'], null), 'q3');
  assert.deepEqual(next, order(['q1', 'q2', 'q3']));
  assert.equal(shownQuestionId(next), 'q1');
  assert.equal(newestQuestionId(next), 'q3');
  // The same question twice (a snapshot after an event) is listed once.
  assert.deepEqual(withQuestion(next, 'q2'), next);
});

test('when the chosen question goes, the prompt moves to the one after it, else before it', () => {
  assert.deepEqual(
    withoutQuestion(order(['q1', 'q2', 'q3'], 'q2'), 'q2'),
    order(['q1', 'q3'], 'q3'),
  );
  assert.deepEqual(
    withoutQuestion(order(['q1', 'q2', 'q3'], 'q3'), 'q3'),
    order(['q1', 'q2'], 'q2'),
  );
  assert.deepEqual(withoutQuestion(order(['q1'], 'q1'), 'q1'), order([], null));
});

test('removing another question keeps the choice; following the oldest goes on', () => {
  assert.deepEqual(
    withoutQuestion(order(['q1', 'q2', 'q3'], 'q3'), 'q1'),
    order(['q2', 'q3'], 'q3'),
  );
  const following = withoutQuestion(order(['q1', 'q2']), 'q1');
  assert.equal(shownQuestionId(following), 'q2');
  assert.deepEqual(withoutQuestion(order(['q1']), 'q9'), order(['q1']));
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
