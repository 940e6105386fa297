// The -t prompter's answers: once, always (the policy file), and the scopes that keep a rule
// out of the file (this run, some minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { printFilter } from '../common/policy/printer.js';
import type { Question } from '../common/session/events.js';
import { parseAnswer } from './text-prompt.js';

const MACROS = { HOME: '/home/u', USER: 'u', CWD: '/' };
const question: Question = {
  id: '1',
  pid: 10,
  tid: 10,
  ppid: 1,
  uid: 0,
  gid: 0,
  exe: '/usr/bin/ls',
  cwd: '/',
  argv: ['ls'],
  policy: '/usr/bin/ls',
  call: 'statx',
  nr: 332,
  alias: 'fsread',
  args: { filename: ['/etc/passwd'] },
};

test('"permit always" adds the exact rule to the policy file', () => {
  const answer = parseAnswer('permit always', question, MACROS);
  assert.ok(typeof answer !== 'string' && answer.kind === 'rule');
  assert.equal(answer.scope, 'policy');
  assert.equal(printFilter(answer.filter), 'native-fsread: filename eq "/etc/passwd" then permit');
});

test('"permit for run" keeps the exact rule for this run only', () => {
  const answer = parseAnswer('permit for run', question, MACROS);
  assert.ok(typeof answer !== 'string' && answer.kind === 'rule');
  assert.equal(answer.scope, 'session');
});

test('a typed rule "for 15m" lasts 15 minutes', () => {
  const before = Date.now();
  const answer = parseAnswer('filename match "/etc/*" then deny[enoent] for 15m', question, MACROS);
  assert.ok(typeof answer !== 'string' && answer.kind === 'rule');
  assert.equal(
    printFilter(answer.filter),
    'native-fsread: filename match "/etc/*" then deny[enoent]',
  );
  assert.ok(typeof answer.scope === 'object');
  const until = answer.scope.until - before;
  assert.ok(until >= 15 * 60_000 && until < 15 * 60_000 + 5000, String(until));
});

test('a rule for no time at all is refused with the reason', () => {
  const answer = parseAnswer('permit for 0m', question, MACROS);
  assert.equal(typeof answer, 'string');
  assert.match(answer as string, /from 1 to 1440 minutes/);
});

test('plain permit and deny still answer this call only', () => {
  assert.deepEqual(parseAnswer('permit', question, MACROS), {
    kind: 'once',
    answer: { action: 'permit' },
  });
  const denied = parseAnswer('deny[enoent]', question, MACROS);
  assert.ok(typeof denied !== 'string' && denied.kind === 'once');
  assert.equal(denied.answer.action, 'deny');
});
