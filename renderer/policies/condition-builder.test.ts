import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseExpression } from '../../app/common/policy/parser.js';
import { builtOf, parseCondition, textOfBuilt } from './condition-builder.js';

const built = (text: string) => builtOf(parseExpression(text).expr);

test('a list of comparisons joined by and, or by or, opens in the builder and reads back the same', () => {
  for (const text of [
    'true',
    'filename eq "/etc/hosts"',
    'filename match "$HOME/*" and oflags sub "ro"',
    'not filename eq "/etc/shadow" and filename match "/etc/*"',
    'sockaddr match "inet-*:53" or sockaddr match "inet-*:443" or sockaddr eq "/run/x"',
    'filename[1] match "/tmp/*"',
  ])
    assert.equal(textOfBuilt(built(text)!), text);
});

test('the builder writes what the parser reads: quotes and escapes in values, negation', () => {
  const text = textOfBuilt({
    join: 'or',
    clauses: [
      { not: true, arg: 'filename', index: null, op: 'eq', value: 'a "quoted" \\ name' },
      { not: false, arg: 'filename', index: 1, op: 'match', value: '$HOME/*' },
    ],
  });
  assert.equal(text, 'not filename eq "a \\"quoted\\" \\ name" or filename[1] match "$HOME/*"');
  assert.deepEqual(built(text)?.clauses[0]?.value, 'a "quoted" \\ name');
});

test('a condition the builder cannot show as a list is left to the text mode', () => {
  assert.equal(built('filename eq "/a" and (oflags sub "ro" or oflags sub "rw")'), null);
  assert.equal(built('not (filename eq "/a" and filename eq "/b")'), null);
});

test('a broken condition says what is wrong and where', () => {
  const broken = parseCondition('filename eq "/a" and');
  assert.equal(broken.ok, false);
  if (!broken.ok) {
    assert.deepEqual([broken.line, broken.col], [1, 21]);
    assert.match(broken.message, /expected/);
  }
  assert.equal(parseCondition('filename eq "/a"').ok, true);
});
