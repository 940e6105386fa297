import { test } from 'node:test';
import assert from 'node:assert/strict';

import { lineDiff, shownLine, withContext } from './line-diff.js';
import { historyOf, pushed, redone, undone } from './undo.js';

/** The lines the save review shows for this change, as the user reads them. */
function shown(before: readonly string[], after: readonly string[], context = 2): string[] {
  return withContext(lineDiff(before, after), context).map(shownLine);
}

/** A long policy: one rule a line. */
function policy(lines: number): string[] {
  return Array.from(
    { length: lines },
    (_, i) => `\tnative-open: filename eq "/usr/lib/f${i}" then permit`,
  );
}

test('the review shows the lines removed and added, with their line numbers', () => {
  const before = ['a', 'b', 'c', 'd', 'e'];
  const after = ['a', 'b', 'x', 'd', 'e', 'f'];
  assert.deepEqual(shown(before, after, 1), [
    '     2  b',
    '-    3  c',
    '+    3  x',
    '     4  d',
    '     5  e',
    '+    6  f',
  ]);
  assert.deepEqual(shown(before, before), [], 'no change, no line');
});

test('a moved line is one removal and one addition', () => {
  assert.deepEqual(shown(['h', 'a', 'b', 'c'], ['h', 'b', 'c', 'a'], 0), [
    '-    2  a',
    '…',
    '+    4  a',
  ]);
});

test('unchanged stretches far from a change are left out', () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i}`);
  const after = [...before];
  after[10] = 'changed';
  assert.deepEqual(shown(before, after, 1), [
    '    10  line 9',
    '-   11  line 10',
    '+   11  changed',
    '    12  line 11',
  ]);
});

test('one line changed in a 5,000-line policy is shown alone, at once', () => {
  const before = policy(5000);
  const after = [...before];
  after[2500] = '\tnative-open: filename eq "/etc/passwd" then deny[eperm]';
  const started = performance.now();
  const lines = shown(before, after, 0);
  const took = performance.now() - started;
  assert.deepEqual(lines, [`- 2501  ${before[2500]}`, `+ 2501  ${after[2500]}`]);
  assert.ok(took < 200, `took ${took.toFixed(0)} ms`);
});

test('two changes far apart in a long policy are two small changes, not the whole middle', () => {
  const before = policy(5000);
  const after = [...before];
  after.splice(4990, 1);
  after.splice(10, 0, '\tnative-getpid: permit');
  assert.deepEqual(shown(before, after, 0), [
    '+   11  \tnative-getpid: permit',
    '…',
    `- 4991  ${before[4990]}`,
  ]);
});

test('a policy pasted over another is shown whole: the old removed, the new added', () => {
  const before = policy(3000);
  const after = before.map((line) => line.replace('permit', 'deny'));
  after[0] = before[0]!;
  const started = performance.now();
  const lines = withContext(lineDiff(before, after), 0);
  const took = performance.now() - started;
  assert.equal(lines.filter((d) => d?.kind === 'removed').length, 2999);
  assert.equal(lines.filter((d) => d?.kind === 'added').length, 2999);
  assert.equal(shownLine(lines[0]!), `-    2  ${before[1]}`);
  assert.equal(shownLine(lines[2999]!), `+    2  ${after[1]}`);
  assert.ok(took < 2000, `took ${took.toFixed(0)} ms`);
});

test('undo and redo walk the edits; a new edit forgets what was undone', () => {
  let h = historyOf('a');
  h = pushed(h, 'b');
  h = pushed(h, 'c');
  h = undone(h);
  assert.equal(h.present, 'b');
  h = redone(h);
  assert.equal(h.present, 'c');
  h = undone(undone(h));
  assert.equal(h.present, 'a');
  assert.equal(undone(h), h, 'nothing before the first');
  h = pushed(redone(h), 'd');
  assert.equal(h.present, 'd');
  assert.equal(redone(h), h, 'what was undone is gone');
});
