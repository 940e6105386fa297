import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseQuery, parseTime, QueryError, quoteValue, termValue, withTerm } from './query.js';

function errorOf(text: string): { message: string; column: number } {
  try {
    parseQuery(text);
  } catch (e) {
    assert.ok(e instanceof QueryError, String(e));
    return { message: e.message, column: e.column };
  }
  assert.fail(`"${text}" parsed`);
}

test('the example of the issue: program, call, action, since', () => {
  const q = parseQuery('prog:ls call:openat action:deny since:1h');
  assert.deepEqual(q.programs, ['ls']);
  assert.deepEqual(q.calls, ['openat']);
  assert.deepEqual(q.actions, ['deny']);
  assert.deepEqual(q.since, { ago: 3_600_000 });
  assert.deepEqual(q.text, []);
});

test('words and quoted strings are free text; quotes keep spaces and colons', () => {
  const q = parseQuery('passwd "my file" prog:"/opt/a b/x" "inet-[::1]:53"');
  assert.deepEqual(q.text, ['passwd', 'my file', 'inet-[::1]:53']);
  assert.deepEqual(q.programs, ['/opt/a b/x']);
});

test('the same key twice is an alternative; keys are case-insensitive', () => {
  const q = parseQuery('Action:deny action:ask pid:42 by:rule policy:/usr/bin/ls');
  assert.deepEqual(q.actions, ['deny', 'ask']);
  assert.deepEqual(q.pids, [42]);
  assert.deepEqual(q.by, ['rule']);
  assert.deepEqual(q.policies, ['/usr/bin/ls']);
});

test('an empty query filters nothing', () => {
  assert.deepEqual(parseQuery('   ').text, []);
});

test('bad input names its column', () => {
  assert.deepEqual(errorOf('prog:ls action:allow'), {
    message: 'unknown action "allow": expected permit, deny or ask',
    column: 16,
  });
  assert.equal(errorOf('call:openat file:/etc').column, 13);
  assert.match(errorOf('call:openat file:/etc').message, /unknown filter "file:": expected prog:/);
  assert.equal(errorOf('since:yesterday').column, 7);
  assert.match(errorOf('since:yesterday').message, /not a time/);
  assert.deepEqual(errorOf('prog: ls'), { message: '"prog:" needs a value', column: 6 });
  assert.deepEqual(errorOf('x "abc'), { message: 'unterminated quoted string', column: 3 });
  assert.equal(errorOf('pid:12a').column, 5);
  assert.equal(errorOf('since:1h since:2h').column, 16);
  assert.equal(errorOf('ab"c').column, 3);
});

test('times: durations before now and local dates; impossible dates are refused', () => {
  assert.deepEqual(parseTime('30s'), { ago: 30_000 });
  assert.deepEqual(parseTime('2d'), { ago: 172_800_000 });
  assert.deepEqual(parseTime('2026-11-27'), { at: new Date(2026, 10, 27).getTime() });
  assert.deepEqual(parseTime('2026-11-27T06:30'), { at: new Date(2026, 10, 27, 6, 30).getTime() });
  assert.equal(parseTime('2026-02-31'), null);
  assert.equal(parseTime('2026-11-27T24:00'), null);
  assert.equal(parseTime('1y'), null);
});

test('the drop-downs rewrite one key of the text and keep the rest', () => {
  assert.equal(
    withTerm('prog:ls action:deny passwd', 'action', 'permit'),
    'prog:ls passwd action:permit',
  );
  assert.equal(withTerm('prog:ls action:deny', 'action', null), 'prog:ls');
  assert.equal(withTerm('', 'prog', '/opt/a b'), 'prog:"/opt/a b"');
  assert.equal(termValue('prog:ls since:1h', 'since'), '1h');
  assert.equal(termValue('prog:ls', 'since'), null);
});

test('quoted values read back as themselves', () => {
  for (const value of ['/a b', 'say "hi"', 'back\\slash', 'http://x']) {
    assert.deepEqual(parseQuery(`prog:${quoteValue(value)}`).programs, [value]);
    assert.deepEqual(parseQuery(quoteValue(value)).text, [value]);
  }
});
