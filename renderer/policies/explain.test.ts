import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sectionsOf } from '../../app/common/policy/ast.js';
import { parsePolicy } from '../../app/common/policy/parser.js';
import { explainCall, requestOfText } from './explain.js';

const section = sectionsOf(
  parsePolicy(
    [
      'Policy: /usr/bin/cat, Emulation: native',
      '\tnative-fsread: filename eq "$HOME/.netrc" then deny[eacces]',
      '\tnative-read: permit',
      '\tnative-fsread: filename match "$HOME/*" then permit',
      '\tnative-fsread: filename match "/etc/*" then permit',
      '',
    ].join('\n'),
  ).file,
)[0]!;
const options = { macros: { HOME: '/home/u', USER: 'u', CWD: '/home/u' } };
const ids = { uid: 1000, gid: 1000 };

test('the rule that decides a typed call, and the rules of that call tried before it', () => {
  const typed = requestOfText('openat', 'fsread', 'filename=/home/u/notes\noflags=ro', ids);
  assert.ok(typed.ok);
  const explained = explainCall(section, typed.request, options);
  assert.equal(explained.decision.action, 'permit');
  assert.equal(explained.line, 4);
  assert.deepEqual(explained.tried, [
    {
      line: 2,
      rule: 'native-fsread: filename eq "$HOME/.netrc" then deny[eacces]',
      decides: false,
    },
    { line: 4, rule: 'native-fsread: filename match "$HOME/*" then permit', decides: true },
  ]);
});

test('a call no rule decides would be asked', () => {
  const typed = requestOfText('connect', '', 'sockaddr=inet-[10.0.0.1]:80', ids);
  assert.ok(typed.ok);
  const explained = explainCall(section, typed.request, options);
  assert.equal(explained.decision.action, 'ask');
  assert.equal(explained.line, null);
  assert.deepEqual(explained.tried, []);
});

test('typed arguments: an index for the second of a kind; a malformed line is refused', () => {
  const typed = requestOfText('rename', 'fswrite', 'filename[1]=/tmp/b\nfilename=/tmp/a', ids);
  assert.ok(typed.ok);
  assert.deepEqual(typed.request.args, { filename: ['/tmp/a', '/tmp/b'] });
  assert.deepEqual(requestOfText('openat', '', 'filename /etc', ids), {
    ok: false,
    message: 'line 1: write an argument as name=value',
  });
  assert.equal(requestOfText('', '', '', ids).ok, false);
});

test('a rule that runs its call as root decides it, its elevation with it (the editor knows no users)', () => {
  const elevated = sectionsOf(
    parsePolicy(
      'Policy: /usr/sbin/httpd, Emulation: native\n' +
        '\tnative-bind: sockaddr eq "inet-[0.0.0.0]:80" then permit as root:root\n',
    ).file,
  )[0]!;
  const typed = requestOfText('bind', '', 'sockaddr=inet-[0.0.0.0]:80', ids);
  assert.ok(typed.ok);
  const explained = explainCall(elevated, typed.request, options);
  assert.equal(explained.line, 2);
  assert.deepEqual(
    {
      user: explained.decision.filter?.elevation?.user,
      group: explained.decision.filter?.elevation?.group,
    },
    { user: 'root', group: 'root' },
  );
});
