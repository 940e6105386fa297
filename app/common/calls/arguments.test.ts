import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  AT_FLAGS,
  SYMLINK_FLAGS,
  TRANSLATED_CALLS,
  argumentsOf,
  flagsArgument,
  followsFinalSymlink,
  openFlags,
  translationsOf,
  type CallArgument,
  type PathArgument,
} from './arguments.js';
import { ARCHES, isKnownCall } from './index.js';

function pathsOf(call: string): PathArgument[] {
  const args = argumentsOf(call);
  assert.ok(args !== null, `${call} has no argument table`);
  return args.filter((arg): arg is PathArgument => arg.kind === 'path');
}

function translationsOfCall(call: string): string[] {
  return (argumentsOf(call) ?? []).flatMap((arg) => translationsOf(arg));
}

test('every translated call exists on x86_64 or aarch64', () => {
  const unknown = TRANSLATED_CALLS.filter(
    (call) => !ARCHES.some((arch) => isKnownCall(call, arch)),
  );
  assert.deepEqual(unknown, []);
});

test('the calls the brief lists are all translated', () => {
  const required = `open openat openat2 creat stat lstat newfstatat statx fstat access faccessat
    faccessat2 readlink readlinkat unlink unlinkat rmdir mkdir mkdirat mknod mknodat rename renameat
    renameat2 link linkat symlink symlinkat chmod fchmodat fchmodat2 chown lchown fchownat truncate
    utimensat utimes utime futimesat getxattr lgetxattr setxattr lsetxattr listxattr llistxattr
    removexattr lremovexattr chdir fchdir chroot execve execveat connect bind sendto sendmsg socket
    kill tkill tgkill setuid setgid setreuid setregid setresuid setresgid setfsuid setfsgid mmap
    mprotect ioctl fcntl statfs mount umount2 pivot_root swapon swapoff acct inotify_add_watch
    fanotify_mark name_to_handle_at quotactl`.split(/\s+/);
  assert.deepEqual(
    required.filter((call) => argumentsOf(call) === null),
    [],
  );
});

test('every dirfd is followed by the path it is the directory of', () => {
  for (const call of TRANSLATED_CALLS) {
    const args = argumentsOf(call) ?? [];
    args.forEach((arg, index) => {
      if (arg.kind === 'dirfd') assert.equal(args[index + 1]?.kind, 'path', `${call} arg ${index}`);
    });
  }
});

test('a symlink rule reads flags from an argument that holds such flags', () => {
  const expectedKind = (arg: PathArgument): readonly CallArgument['kind'][] => {
    const rule = arg.followsFinalSymlink;
    if (typeof rule === 'string') return [];
    if ('openFlagsIn' in rule) return ['oflags', 'openhow'];
    const flag = 'unless' in rule ? rule.unless : rule.onlyWith;
    return flag.startsWith('AT_') ? ['atflags'] : ['int'];
  };
  for (const call of TRANSLATED_CALLS) {
    const args = argumentsOf(call) ?? [];
    for (const path of pathsOf(call)) {
      const index = flagsArgument(path.followsFinalSymlink);
      if (index === null) continue;
      const kind = args[index]?.kind;
      assert.ok(kind !== undefined && expectedKind(path).includes(kind), `${call} arg ${index}`);
    }
  }
});

test('a socket address names the argument that holds its length', () => {
  for (const call of TRANSLATED_CALLS) {
    const args = argumentsOf(call) ?? [];
    for (const arg of args) {
      if (arg.kind === 'sockaddr') assert.equal(args[arg.lengthArg]?.kind, 'socklen', call);
    }
  }
});

test('calls that act on a name itself never follow a final symlink', () => {
  const calls = ['lstat', 'readlink', 'readlinkat', 'unlink', 'unlinkat', 'rmdir', 'mkdir'];
  calls.push('rename', 'renameat2', 'link', 'lchown', 'lgetxattr', 'lsetxattr', 'mknod');
  for (const call of calls) {
    for (const path of pathsOf(call))
      assert.equal(path.followsFinalSymlink, 'does-not-follow', call);
  }
  assert.equal(pathsOf('symlink')[0]?.followsFinalSymlink, 'does-not-follow');
});

test('calls that look through a name follow a final symlink', () => {
  for (const call of ['stat', 'chmod', 'chown', 'truncate', 'chdir', 'execve', 'creat', 'access']) {
    for (const path of pathsOf(call)) assert.equal(path.followsFinalSymlink, 'follows', call);
  }
});

test('AT_SYMLINK_NOFOLLOW stops the *at calls from following a final symlink', () => {
  const [path] = pathsOf('newfstatat');
  assert.ok(path !== undefined);
  const rule = path.followsFinalSymlink;
  assert.equal(followsFinalSymlink(rule, 0, 'x86_64'), true);
  assert.equal(followsFinalSymlink(rule, SYMLINK_FLAGS.AT_SYMLINK_NOFOLLOW, 'x86_64'), false);
  assert.equal(followsFinalSymlink(rule, AT_FLAGS.AT_EMPTY_PATH, 'x86_64'), true);
});

test('linkat follows the old name only with AT_SYMLINK_FOLLOW, and never the new one', () => {
  const [oldName, newName] = pathsOf('linkat');
  assert.ok(oldName !== undefined && newName !== undefined);
  assert.equal(followsFinalSymlink(oldName.followsFinalSymlink, 0, 'aarch64'), false);
  const follow = SYMLINK_FLAGS.AT_SYMLINK_FOLLOW;
  assert.equal(followsFinalSymlink(oldName.followsFinalSymlink, follow, 'aarch64'), true);
  assert.equal(followsFinalSymlink(newName.followsFinalSymlink, follow, 'aarch64'), false);
});

test('opening follows a final symlink except with O_NOFOLLOW or O_CREAT|O_EXCL', () => {
  for (const arch of ARCHES) {
    const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = openFlags(arch);
    const [path] = pathsOf('openat');
    assert.ok(path !== undefined);
    const rule = path.followsFinalSymlink;
    assert.equal(followsFinalSymlink(rule, O_RDONLY, arch), true, arch);
    assert.equal(followsFinalSymlink(rule, O_WRONLY | O_CREAT, arch), true, arch);
    assert.equal(followsFinalSymlink(rule, O_RDONLY | O_NOFOLLOW, arch), false, arch);
    assert.equal(followsFinalSymlink(rule, O_WRONLY | O_CREAT | O_EXCL, arch), false, arch);
  }
});

test('O_NOFOLLOW differs between x86_64 and aarch64', () => {
  assert.equal(openFlags('x86_64').O_NOFOLLOW, 0o400000);
  assert.equal(openFlags('aarch64').O_NOFOLLOW, 0o100000);
  const [path] = pathsOf('open');
  assert.ok(path !== undefined);
  // x86_64's O_NOFOLLOW is O_LARGEFILE on aarch64, which must not stop the link being followed.
  assert.equal(followsFinalSymlink(path.followsFinalSymlink, 0o400000, 'aarch64'), true);
});

test('policies see two file names for rename, in argument order', () => {
  assert.deepEqual(translationsOfCall('rename'), ['filename', 'filename']);
  assert.deepEqual(translationsOfCall('renameat2'), ['filename', 'filename']);
});

test("symlink's target is a plain string and its link a file name", () => {
  assert.deepEqual(translationsOfCall('symlink'), ['string', 'filename']);
});

test('a uid is also translated into the user name', () => {
  assert.deepEqual(translationsOfCall('setuid'), ['uid', 'uname']);
  assert.deepEqual(translationsOfCall('chown'), ['filename', 'uid', 'uname', 'gid']);
});

test('sockets, signals and memory get their own translations', () => {
  assert.deepEqual(translationsOfCall('connect'), ['fd', 'sockaddr']);
  assert.deepEqual(translationsOfCall('sendmsg'), ['fd', 'sockaddr']);
  assert.deepEqual(translationsOfCall('socket'), ['sockdom', 'socktype']);
  assert.deepEqual(translationsOfCall('kill'), ['pidname', 'signame']);
  assert.deepEqual(translationsOfCall('mprotect'), ['prot']);
  assert.deepEqual(translationsOfCall('execve'), ['filename', 'argv']);
  assert.deepEqual(translationsOfCall('openat'), ['filename', 'oflags', 'mode']);
  assert.deepEqual(translationsOfCall('openat2'), ['filename', 'oflags', 'mode']);
});

// The flag values are typed by hand; where the installed headers define them, they must agree.
const FLAG_HEADERS: ReadonlyArray<readonly [string, Readonly<Record<string, number>>]> = [
  [
    '/usr/include/linux/fcntl.h',
    { ...AT_FLAGS, AT_SYMLINK_NOFOLLOW: 0x100, AT_SYMLINK_FOLLOW: 0x400 },
  ],
  ['/usr/include/asm-generic/fcntl.h', { ...openFlags('x86_64') }],
  ['/usr/include/linux/inotify.h', { IN_DONT_FOLLOW: SYMLINK_FLAGS.IN_DONT_FOLLOW }],
  ['/usr/include/linux/fanotify.h', { FAN_MARK_DONT_FOLLOW: SYMLINK_FLAGS.FAN_MARK_DONT_FOLLOW }],
];

function headerValue(text: string, name: string): number | undefined {
  const literal = new RegExp(`#define\\s+${name}\\s+(-?(?:0x[0-9a-fA-F]+|\\d+))\\b`).exec(
    text,
  )?.[1];
  if (literal === undefined) return undefined;
  if (/^0x/i.test(literal)) return Number.parseInt(literal, 16);
  if (/^0\d/.test(literal)) return Number.parseInt(literal, 8);
  return Number.parseInt(literal, 10);
}

test('the flag values agree with the installed headers', (t) => {
  const missing = FLAG_HEADERS.map(([file]) => file).filter((file) => !existsSync(file));
  if (missing.length > 0) {
    t.skip(`the Linux UAPI headers are not installed (${missing.join(', ')})`);
    return;
  }
  assert.equal(SYMLINK_FLAGS.AT_SYMLINK_NOFOLLOW, 0x100);
  for (const [file, flags] of FLAG_HEADERS) {
    const text = readFileSync(file, 'utf8');
    for (const [name, value] of Object.entries(flags)) {
      assert.equal(headerValue(text, name), value, `${name} in ${file}`);
    }
  }
});
