import { test } from 'node:test';
import assert from 'node:assert/strict';

import { callWithAlias, commandLine } from './question-text.js';

test('a command line is shown as a shell would read it back', () => {
  assert.equal(commandLine(['cat', '/etc/passwd']), 'cat /etc/passwd');
  assert.equal(commandLine(['sh', '-c', 'echo $HOME']), "sh -c 'echo $HOME'");
  assert.equal(commandLine(['printf', "it's", '']), `printf 'it'\\''s' ''`);
});

test('the alias follows the call it groups', () => {
  assert.equal(callWithAlias('openat', 'fsread'), 'openat (fsread)');
  assert.equal(callWithAlias('connect', null), 'connect');
});
