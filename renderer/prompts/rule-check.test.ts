import { test } from 'node:test';
import assert from 'node:assert/strict';

import { checkRule } from './rule-check.js';

test('a suggested rule parses', () => {
  assert.deepEqual(checkRule('filename match "$HOME/*" and oflags sub "ro"'), {
    ok: true,
    warnings: [],
  });
  assert.equal(checkRule('true').ok, true);
});

test('a broken rule is refused with the column of the problem', () => {
  const result = checkRule('filename eq /etc/passwd');
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.col, 13);
  assert.match(result.message, /string|quote|"/i);
});

test('an unknown operator is pointed at', () => {
  const result = checkRule('filename is "/etc"');
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.col, 10);
});

test('an empty rule is refused', () => {
  assert.equal(checkRule('   ').ok, false);
});

test('a mixed and/or without parentheses parses with a warning', () => {
  const result = checkRule('filename eq "/a" or filename eq "/b" and oflags sub "ro"');
  assert.equal(result.ok, true);
  if (result.ok) assert.equal(result.warnings.length, 1);
});
