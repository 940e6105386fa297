import { test } from 'node:test';
import assert from 'node:assert/strict';

import { lintPolicy } from '../../app/common/policy/lint.js';
import { parseExpression, parsePolicy } from '../../app/common/policy/parser.js';
import { textMarks } from './text-marks.js';

test('an error in the whole text is marked on its line, from its column', () => {
  const text = 'Policy: /bin/cat, Emulation: native\n\tnative-read: fd eq then permit\n';
  const { file, diagnostics } = parsePolicy(text);
  const marks = textMarks(
    [...diagnostics, ...lintPolicy(file, text, { arch: 'x86_64' })],
    text.length,
  );
  assert.equal(marks.length, 1);
  const [mark] = marks;
  // Line 2, column 21: the word after "eq" where a quoted string should be.
  assert.equal(
    text.slice(text.lastIndexOf('\n', mark!.from - 1) + 1, mark!.from),
    '\tnative-read: fd eq ',
  );
  assert.equal(mark!.severity, 'error');
  assert.match(mark!.message, /expected a quoted string after "eq"/);
});

test('warnings are marked too, and a mark at the very end stays inside the text', () => {
  const text = 'Policy: /bin/cat, Emulation: native\n\tnative-frobnicate: permit\n';
  const { file } = parsePolicy(text);
  const [warning] = textMarks(lintPolicy(file, text, { arch: 'x86_64' }), text.length);
  assert.equal(warning!.severity, 'warning');
  assert.equal(text.slice(warning!.from, warning!.to), 'native-frobnicate');
  const condition = 'filename eq "/a" and';
  const [end] = textMarks(parseExpression(condition).diagnostics, condition.length);
  assert.ok(end!.from <= condition.length && end!.to <= condition.length);
  assert.equal(end!.severity, 'error');
});
