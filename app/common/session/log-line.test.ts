import { test } from 'node:test';
import assert from 'node:assert/strict';

import { printable } from './log-line.js';

test('control characters, DEL, C1 and bidi overrides are escaped; other text is left as it is', () => {
  assert.equal(printable('/tmp/é ü 名前'), '/tmp/é ü 名前');
  assert.equal(
    printable('a\x1b[2Jb\r\n\t\x00\x7f\x9b\u202e\u2028'),
    'a\\x1b[2Jb\\r\\n\\t\\x00\\x7f\\x9b\\u202e\\u2028',
  );
});

test('a backslash is escaped, so a name holding the text \\x1b is never shown as one holding ESC', () => {
  assert.notEqual(printable('\\x1b'), printable('\x1b'));
  assert.equal(printable('\\x1b'), '\\\\x1b');
  assert.equal(printable('a\\b'), 'a\\\\b');
});

test('half of a broken UTF-16 pair is escaped; a whole pair is kept', () => {
  assert.equal(printable('\ud83d\ude00'), '\ud83d\ude00');
  assert.equal(printable('a\ud83db'), 'a\\ud83db');
  assert.equal(printable('a\ude00b'), 'a\\ude00b');
});
