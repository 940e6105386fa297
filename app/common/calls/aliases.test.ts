import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ALIASES, aliasOf, callsOfAlias, isAlias } from './aliases.js';
import { argumentsOf, openFlags } from './arguments.js';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC } = openFlags('x86_64');

test('opening to read is fsread; opening to write or create is fswrite', () => {
  assert.equal(aliasOf('openat', O_RDONLY), 'fsread');
  assert.equal(aliasOf('openat', O_WRONLY | O_CREAT), 'fswrite');
  assert.equal(aliasOf('open', O_RDWR), 'fswrite');
  assert.equal(aliasOf('openat2', O_RDONLY | O_CREAT), 'fswrite');
  assert.equal(aliasOf('openat', O_RDONLY | O_TRUNC), 'fswrite');
});

test('an open whose flags are not known is fswrite, since it may write', () => {
  assert.equal(aliasOf('openat'), 'fswrite');
});

test('the open flags that decide the alias mean the same on x86_64 and aarch64', () => {
  const x86 = openFlags('x86_64');
  const arm = openFlags('aarch64');
  for (const flag of [
    'O_ACCMODE',
    'O_RDONLY',
    'O_WRONLY',
    'O_RDWR',
    'O_CREAT',
    'O_TRUNC',
  ] as const) {
    assert.equal(x86[flag], arm[flag], flag);
  }
});

test('looking at a file is fsread; changing one is fswrite', () => {
  for (const call of ['stat', 'lstat', 'newfstatat', 'statx', 'access', 'readlink']) {
    assert.equal(aliasOf(call), 'fsread', call);
  }
  for (const call of ['creat', 'unlink', 'mkdir', 'rmdir', 'mknod', 'truncate', 'rename']) {
    assert.equal(aliasOf(call), 'fswrite', call);
  }
  for (const call of ['link', 'symlink', 'chmod', 'chown', 'utimes', 'setxattr', 'fchmodat2']) {
    assert.equal(aliasOf(call), 'fswrite', call);
  }
});

test('calls that are not about files by name, or that administer the system, have no alias', () => {
  for (const call of ['fstat', 'execve', 'chdir', 'chroot', 'mount', 'connect', 'read', 'nope']) {
    assert.equal(aliasOf(call), null, call);
  }
});

test('every call an alias stands for names a file sysgate can translate', () => {
  for (const alias of ALIASES) {
    for (const call of callsOfAlias(alias)) {
      const args = argumentsOf(call);
      assert.ok(args !== null, `${alias} stands for ${call}, which has no argument table`);
      assert.ok(
        args.some((arg) => arg.kind === 'path'),
        `${alias} stands for ${call}, which takes no file name`,
      );
    }
  }
});

test('no call but the open family is in both aliases', () => {
  const both = callsOfAlias('fsread').filter((call) => callsOfAlias('fswrite').includes(call));
  assert.deepEqual(both.sort(), ['open', 'openat', 'openat2']);
});

test('fsread and fswrite are aliases; call names are not', () => {
  assert.equal(isAlias('fsread'), true);
  assert.equal(isAlias('fswrite'), true);
  assert.equal(isAlias('openat'), false);
});
