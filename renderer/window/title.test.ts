import { test } from 'node:test';
import assert from 'node:assert/strict';

import { TITLE_SPACING_MS, titleTiming } from './title.js';

test('the title changes at once after a quiet spell, and at most every TITLE_SPACING_MS in a burst', () => {
  assert.deepEqual(titleTiming(-Infinity, 1000), { wait: 0 });
  assert.deepEqual(titleTiming(1000, 1000 + TITLE_SPACING_MS), { wait: 0 });
  assert.deepEqual(titleTiming(1000, 1016), { wait: TITLE_SPACING_MS - 16 });
  // A clock that went back never makes it wait longer than the spacing.
  assert.ok(titleTiming(1000, 900).wait <= TITLE_SPACING_MS + 100);
});
