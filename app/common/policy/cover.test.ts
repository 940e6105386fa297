import { test } from 'node:test';
import assert from 'node:assert/strict';

import { coverage, coveringSuggestion, suggestionsFor } from './cover.js';
import type { CallRequest } from './request.js';

const MACROS = { HOME: '/home/jose', USER: 'jose', CWD: '/home/jose/src' };
const stat = (path: string, call = 'statx'): CallRequest => ({
  call,
  alias: 'fsread',
  args: { filename: [path] },
  uid: 1000,
  gid: 1000,
});
const none = { waiting: [], recent: [] };

test('the first question of a program is offered exactly: nothing shared yet', () => {
  assert.equal(coveringSuggestion(stat('/etc/passwd'), none, MACROS), null);
  assert.equal(
    suggestionsFor(stat('/etc/passwd'), none, MACROS)[0]?.expression,
    'filename eq "/etc/passwd"',
  );
});

test('the directory the recent questions share comes first, with what it covers', () => {
  const recent = [stat('/etc/hosts'), stat('/usr/lib/os-release'), stat('/etc/group', 'lgetxattr')];
  const waiting = [stat('/etc/shadow', 'openat'), stat('/var/log/x')];
  const covering = coveringSuggestion(stat('/etc/passwd'), { waiting, recent }, MACROS)!;
  assert.equal(covering.expression, 'filename match "/etc/*"');
  assert.equal(covering.waiting, 1);
  assert.equal(covering.recent, 2);
  assert.equal(covering.label, 'anything in /etc: covers this, 1 waiting and 2 recent questions');
  assert.deepEqual(suggestionsFor(stat('/etc/passwd'), { waiting, recent }, MACROS)[0], covering);
});

test('never wider than what is shared: the nearest directory, and never /', () => {
  const recent = [stat('/home/jose/src/a/x.c'), stat('/home/jose/src/b/y.c')];
  const covering = coveringSuggestion(
    stat('/home/jose/src/a/z.c'),
    { waiting: [], recent },
    MACROS,
  )!;
  assert.equal(covering.expression, 'filename match "$CWD/a/*"');
  assert.equal(covering.recent, 1);
  // /etc and /usr share only /: nothing is offered.
  assert.equal(
    coveringSuggestion(stat('/etc/passwd'), { waiting: [], recent: [stat('/usr/x')] }, MACROS),
    null,
  );
});

test('a directory asked about itself is covered with what is in it (leading-directory match)', () => {
  const covering = coveringSuggestion(
    stat('/etc/nsswitch.conf'),
    { waiting: [], recent: [stat('/etc')] },
    MACROS,
  )!;
  assert.equal(covering.expression, 'filename match "/etc"');
  assert.equal(covering.recent, 1);
  assert.match(covering.label, /^\/etc and anything in it/);
});

test('other calls and names are not counted: a rule of fsread decides none of them', () => {
  const unlink: CallRequest = { ...stat('/etc/a', 'unlink'), alias: 'fswrite' };
  const rename: CallRequest = {
    ...stat('/etc/a', 'rename'),
    args: { filename: ['/etc/a', '/etc/b'] },
  };
  assert.equal(
    coveringSuggestion(stat('/etc/passwd'), { waiting: [unlink, rename], recent: [] }, MACROS),
    null,
  );
});

test('the label counts in words', () => {
  assert.equal(coverage({ waiting: 0, recent: 0 }), 'covers this question');
  assert.equal(coverage({ waiting: 0, recent: 3 }), 'covers this and 3 recent questions');
});

test('one other question is said in the singular', () => {
  assert.equal(coverage({ waiting: 0, recent: 1 }), 'covers this and 1 recent question');
});
