import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DrawnCounter } from './drawn-counter.js';

function counter(batch = 100) {
  const reports: number[] = [];
  const timers: { callback: () => void; cancelled: boolean }[] = [];
  const drawn = new DrawnCounter(
    (chars) => reports.push(chars),
    (callback) => {
      const timer = { callback, cancelled: false };
      timers.push(timer);
      return () => (timer.cancelled = true);
    },
    batch,
  );
  const idle = () => timers.filter((t) => !t.cancelled).forEach((t) => t.callback());
  return { drawn, reports, idle };
}

test('drawn characters are reported in batches, not per write', () => {
  const { drawn, reports } = counter(100);
  for (let i = 0; i < 25; i++) drawn.drawn(10);
  assert.deepEqual(reports, [100, 100]);
});

test('what is left is reported once the output pauses', () => {
  const { drawn, reports, idle } = counter(100);
  drawn.drawn(60);
  drawn.drawn(30);
  assert.deepEqual(reports, []);
  idle();
  assert.deepEqual(reports, [90]);
  idle();
  assert.deepEqual(reports, [90]);
});

test('a batch report cancels the pending idle report', () => {
  const { drawn, reports, idle } = counter(100);
  drawn.drawn(50);
  drawn.drawn(70);
  idle();
  assert.deepEqual(reports, [120]);
});

test('every drawn character is reported exactly once', () => {
  const { drawn, reports, idle } = counter(1000);
  let total = 0;
  for (let i = 1; i <= 200; i++) {
    drawn.drawn(i);
    total += i;
    if (i % 37 === 0) idle();
  }
  drawn.flush();
  assert.equal(
    reports.reduce((a, b) => a + b, 0),
    total,
  );
});
