import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { BASELINE_CALLS } from './baseline.js';

test('the baseline the linter knows is the one the supervisor’s filter allows (generated from it)', () => {
  const header = readFileSync(
    fileURLToPath(new URL('../../../../native/baseline.generated.h', import.meta.url)),
    'utf8',
  );
  const inC = [...header.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/"([a-z0-9_]+)"/g)].map(
    (m) => m[1],
  );
  assert.ok(inC.length > 50, 'the C list was found');
  assert.deepEqual([...BASELINE_CALLS].sort(), inC.sort());
  assert.match(
    readFileSync(fileURLToPath(new URL('../../../../native/filter.c', import.meta.url)), 'utf8'),
    /sg_baseline\[\] = \{\s*SG_BASELINE_CALLS\s*NULL/,
  );
});
