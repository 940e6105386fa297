import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { PendingQuestion } from '../../app/common/contract.js';
import {
  baseName,
  mainArgument,
  orderByArrival,
  rowForKey,
  rowsInView,
  shownQuestionId,
} from './queue.js';

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

test('rowsInView: the rows in view and a few around them, never outside the list', () => {
  const rows = (scrollTop: number, count = 1000) =>
    rowsInView({ scrollTop, height: 220, rowHeight: 44, count }, 4);
  assert.deepEqual(rows(0), [0, 9]);
  // 440 px down: rows 10 to 14 are in view, 6 to 18 drawn.
  assert.deepEqual(rows(440), [6, 19]);
  assert.deepEqual(rows(44 * 998), [994, 1000]);
  assert.deepEqual(rows(0, 3), [0, 3]);
  assert.deepEqual(rows(0, 0), [0, 0]);
  // Scrolled past the end (the list just shrank): nothing beyond it, nothing inverted.
  assert.deepEqual(rows(44 * 2000, 10), [10, 10]);
});

test('rowForKey: the arrows, Page Up/Down, Home and End reach every row, and stop at the ends', () => {
  assert.equal(rowForKey('ArrowDown', 0, 3), 1);
  assert.equal(rowForKey('ArrowDown', 2, 3), 2);
  assert.equal(rowForKey('ArrowUp', 0, 3), 0);
  assert.equal(rowForKey('PageDown', 1, 100, 10), 11);
  assert.equal(rowForKey('PageUp', 5, 100, 10), 0);
  assert.equal(rowForKey('Home', 50, 100), 0);
  assert.equal(rowForKey('End', 0, 100), 99);
  assert.equal(rowForKey('a', 0, 100), null);
  assert.equal(rowForKey('ArrowDown', 0, 0), null);
  // From the first row, ArrowDown visits each row once.
  const seen = [0];
  for (let i = 0; i < 999; i++) seen.push(rowForKey('ArrowDown', seen[seen.length - 1]!, 1000)!);
  assert.deepEqual(
    seen,
    Array.from({ length: 1000 }, (_, i) => i),
  );
});
