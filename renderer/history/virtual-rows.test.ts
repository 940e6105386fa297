import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  MAX_SCROLL_HEIGHT,
  pagesOf,
  scrollScale,
  scrollTopFor,
  virtualScrollTop,
  visibleRows,
} from './virtual-rows.js';

test('only the rows in view are drawn, with a few either side, whatever the total', () => {
  assert.deepEqual(visibleRows(0, 600, 30, 3_000_000, 5), { first: 0, end: 25 });
  assert.deepEqual(visibleRows(30 * 1_000_000, 600, 30, 3_000_000, 5), {
    first: 999_995,
    end: 1_000_025,
  });
  assert.deepEqual(visibleRows(0, 600, 30, 7, 5), { first: 0, end: 7 });
  assert.deepEqual(visibleRows(0, 600, 30, 0, 5), { first: 0, end: 0 });
});

test('the pages that hold those rows are the ones asked for', () => {
  assert.deepEqual(pagesOf(0, 25, 200), [0]);
  assert.deepEqual(pagesOf(190, 215, 200), [0, 1]);
  assert.deepEqual(pagesOf(5, 5, 200), []);
});

test('millions of rows are drawn in a scaled space that browsers can hold', () => {
  assert.equal(scrollScale(1000, 28), 1);
  const scale = scrollScale(5_000_000, 28);
  assert.ok(5_000_000 * 28 * scale <= MAX_SCROLL_HEIGHT);
  assert.ok(scale > 0.1);
});

test('scrolled to the bottom of a scaled space, the last rows are in view; at the top, the first', () => {
  const total = 1_000_000;
  const viewport = 700;
  const scrollHeight = total * 28 * scrollScale(total, 28);
  const bottom = virtualScrollTop(scrollHeight - viewport, total, 28, viewport);
  assert.equal(visibleRows(bottom, viewport, 28, total, 0).end, total);
  assert.equal(virtualScrollTop(0, total, 28, viewport), 0);
  const middle = virtualScrollTop((scrollHeight - viewport) / 2, total, 28, viewport);
  assert.ok(Math.abs(middle / 28 - total / 2) < 20);
  assert.equal(virtualScrollTop(123, 1000, 28, viewport), 123, 'unscaled, unchanged');
  const back = scrollTopFor(middle, total, 28, viewport);
  assert.ok(Math.abs(back - (scrollHeight - viewport) / 2) < 1e-6, 'the two are inverses');
});
