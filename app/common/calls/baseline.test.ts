import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { BASELINE_CALLS } from './baseline.js';

test('the baseline the linter knows is the one the supervisor’s filter allows', () => {
  const source = readFileSync(
    fileURLToPath(new URL('../../../../native/filter.c', import.meta.url)),
    'utf8',
  );
  const list = /sg_baseline\[\] = \{([\s\S]*?)NULL/.exec(source)?.[1] ?? '';
  const inC = [...list.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/"([a-z0-9_]+)"/g)].map(
    (m) => m[1],
  );
  assert.ok(inC.length > 50, 'the C list was found');
  assert.deepEqual([...BASELINE_CALLS].sort(), inC.sort());
});
