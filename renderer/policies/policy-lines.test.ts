import { test } from 'node:test';
import assert from 'node:assert/strict';

import { policyLines } from './policy-lines.js';

test('lines are numbered from 1 and the added ones are marked, the newest most', () => {
  const lines = policyLines({
    text: 'Policy: /bin/cat, Emulation: native\n\tnative-openat: permit\n\tnative-read: permit\n',
    addedLines: [3, 2],
  });
  assert.deepEqual(
    lines.map((l) => [l.number, l.added, l.newest]),
    [
      [1, false, false],
      [2, true, true],
      [3, true, false],
    ],
  );
  assert.equal(lines[1]!.text, '\tnative-openat: permit');
});

test('a policy without a final newline keeps its last line', () => {
  assert.equal(policyLines({ text: 'a\nb', addedLines: [] }).length, 2);
});
