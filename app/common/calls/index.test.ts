import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  ARCHES,
  ERRNO_NAMES,
  callName,
  callNumber,
  callTable,
  errnoName,
  errnoNumber,
  isArch,
  isKnownCall,
} from './index.js';

test('openat is 257 on x86_64 and 56 on aarch64', () => {
  assert.equal(callNumber('openat', 'x86_64'), 257);
  assert.equal(callNumber('openat', 'aarch64'), 56);
  assert.equal(callName(257, 'x86_64'), 'openat');
  assert.equal(callName(56, 'aarch64'), 'openat');
});

test('aarch64 has only openat and newfstatat where x86_64 also has open and stat', () => {
  assert.equal(isKnownCall('open', 'x86_64'), true);
  assert.equal(isKnownCall('open', 'aarch64'), false);
  assert.equal(isKnownCall('stat', 'aarch64'), false);
  assert.equal(isKnownCall('lstat', 'aarch64'), false);
  assert.equal(callNumber('newfstatat', 'aarch64'), 79);
  assert.equal(callNumber('newfstatat', 'x86_64'), 262);
});

test('aarch64 gets the 64-bit names of the calls the generic table numbers twice', () => {
  const expected: ReadonlyArray<readonly [string, number]> = [
    ['fcntl', 25],
    ['statfs', 43],
    ['truncate', 45],
    ['lseek', 62],
    ['sendfile', 71],
    ['fstat', 80],
    ['mmap', 222],
    ['fadvise64', 223],
  ];
  for (const [name, nr] of expected) assert.equal(callNumber(name, 'aarch64'), nr, name);
  for (const name of ['fcntl64', 'statfs64', 'llseek', 'fstatat64', 'mmap2', 'fadvise64_64']) {
    assert.equal(isKnownCall(name, 'aarch64'), false, name);
  }
});

test("aarch64 has the calls arm64's own header asks for, and no 32-bit time calls", () => {
  assert.equal(callNumber('renameat', 'aarch64'), 38);
  assert.equal(callNumber('getrlimit', 'aarch64'), 163);
  assert.equal(callNumber('clone3', 'aarch64'), 435);
  assert.equal(callNumber('memfd_secret', 'aarch64'), 447);
  assert.equal(callNumber('sync_file_range', 'aarch64'), 84);
  assert.equal(isKnownCall('sync_file_range2', 'aarch64'), false);
  assert.equal(isKnownCall('clock_gettime64', 'aarch64'), false);
  assert.equal(callNumber('clock_gettime', 'aarch64'), 113);
});

test('calls newer than the build headers have their common number on both architectures', () => {
  for (const arch of ARCHES) {
    assert.equal(callNumber('fchmodat2', arch), 452);
    assert.equal(callNumber('setxattrat', arch), 463);
  }
});

test('a call table looks up names and numbers both ways without loss', () => {
  for (const arch of ARCHES) {
    const table = callTable(arch);
    assert.equal(table.byName.size, table.byNumber.size, arch);
    for (const [name, nr] of table.byName) assert.equal(table.byNumber.get(nr), name);
  }
  assert.equal(callName(100000, 'x86_64'), undefined);
  assert.equal(isKnownCall('getdirentries', 'x86_64'), false);
});

test('only x86_64 and aarch64 are architectures', () => {
  assert.equal(isArch('x86_64'), true);
  assert.equal(isArch('aarch64'), true);
  assert.equal(isArch('arm64'), false);
  assert.equal(isArch('i386'), false);
});

test('error names are looked up in any case and numbers give the main name', () => {
  assert.equal(errnoNumber('enoent'), 2);
  assert.equal(errnoNumber('ENOENT'), 2);
  assert.equal(errnoNumber('eperm'), 1);
  assert.equal(errnoNumber('eacces'), 13);
  assert.equal(errnoName(2), 'enoent');
  assert.equal(errnoNumber('nosuchthing'), undefined);
});

test('error aliases share their number and never replace the main name', () => {
  assert.equal(errnoNumber('ewouldblock'), 11);
  assert.equal(errnoName(11), 'eagain');
  assert.equal(errnoNumber('edeadlock'), 35);
  assert.equal(errnoName(35), 'edeadlk');
  assert.ok(ERRNO_NAMES.includes('ewouldblock'));
  assert.ok(ERRNO_NAMES.every((name) => name === name.toLowerCase()));
});
