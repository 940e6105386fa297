import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MAX_SCROLL_HEIGHT, pagesOf, scrollScale, visibleRows } from './virtual-rows.js';

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
