import { test } from 'node:test';
import assert from 'node:assert/strict';

import { lineDiff, withContext } from './line-diff.js';
import { historyOf, pushed, redone, undone } from './undo.js';

test('the diff shows the lines removed and added, with their line numbers', () => {
  const before = ['a', 'b', 'c', 'd', 'e'];
  const after = ['a', 'b', 'x', 'd', 'e', 'f'];
  assert.deepEqual(
    lineDiff(before, after).filter((d) => d.kind !== 'same'),
    [
      { kind: 'removed', text: 'c', line: 3 },
      { kind: 'added', text: 'x', line: 3 },
      { kind: 'added', text: 'f', line: 6 },
    ],
  );
  assert.deepEqual(
    lineDiff(before, before).every((d) => d.kind === 'same'),
    true,
  );
});

test('a moved line is one removal and one addition', () => {
  const diff = lineDiff(['h', 'a', 'b', 'c'], ['h', 'b', 'c', 'a']);
  assert.deepEqual(
    diff.filter((d) => d.kind !== 'same').map((d) => `${d.kind} ${d.text}`),
    ['removed a', 'added a'],
  );
});

test('unchanged stretches far from a change are left out', () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i}`);
  const after = [...before];
  after[10] = 'changed';
  const shown = withContext(lineDiff(before, after), 1);
  assert.deepEqual(
    shown.map((d) => (d === null ? '…' : `${d.kind[0]}${d.text}`)),
    ['sline 9', 'rline 10', 'achanged', 'sline 11'],
  );
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
