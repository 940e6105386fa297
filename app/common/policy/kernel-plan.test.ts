import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sectionsOf } from './ast.js';
import { planKernel } from './kernel-plan.js';
import { parsePolicy } from './parser.js';

const macros = { HOME: '/home/jose', USER: 'jose', CWD: '/work' };

function plan(rules: string, options: { noAliases?: boolean } = {}) {
  const { file, diagnostics } = parsePolicy(`Policy: /usr/bin/x, Emulation: native\n${rules}`);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return planKernel(sectionsOf(file)[0]!, { macros, ...options });
}

test('file rules that name files or trees become grants, macros expanded', () => {
  const p = plan(
    [
      '\tnative-fsread: filename eq "/etc/hostname" then permit',
      '\tnative-fsread: filename match "$HOME/*" then permit',
      '\tnative-fswrite: filename match "/tmp/*" then permit',
      '\tnative-openat: filename eq "$CWD/out" then permit',
    ].join('\n'),
  );
  assert.deepEqual(p.refusals, []);
  assert.deepEqual(
    p.grants.map(({ path, match, access, line }) => ({ path, match, access, line })),
    [
      { path: '/etc/hostname', match: false, access: 'read', line: 2 },
      { path: '/home/jose/*', match: true, access: 'read', line: 3 },
      { path: '/tmp/*', match: true, access: 'write', line: 4 },
      // An open rule permits reading (the kernel's) and writing (the supervisor's).
      { path: '/work/out', match: false, access: 'read', line: 5 },
      { path: '/work/out', match: false, access: 'write', line: 5 },
    ],
  );
});

test("rules that change names are the supervisor's, whatever they say; bind makes sockets", () => {
  const p = plan(
    [
      '\tnative-fswrite: filename eq "/etc/passwd" then deny[eacces]',
      '\tnative-fswrite: filename sub ".o" then permit',
      '\tnative-unlink: permit',
      '\tnative-mkdir: filename eq "$CWD/d" then ask',
      '\tnative-bind: permit',
    ].join('\n'),
  );
  assert.deepEqual(p.refusals, []);
  assert.deepEqual(
    p.grants.map(({ path, match, access }) => [path, match, access]),
    [
      ['/', true, 'write'],
      ['/', true, 'write'],
      ['/work/d', false, 'write'],
      ['/', true, 'socket'],
    ],
  );
  // A rename's two names, as learning writes them.
  assert.deepEqual(
    plan(
      '\tnative-fswrite: filename eq "/a/x.lock" and filename[1] eq "/a/x" then permit',
    ).grants.map((g) => g.path),
    ['/a/x.lock', '/a/x'],
  );
  // A rule about one name: the rename's other name is decided as a `filename` of its own, by
  // the rules whose grants are noted for it, so this one notes its own name alone.
  assert.deepEqual(
    plan('\tnative-fswrite: filename eq "/a/x.lock" then permit').grants.map((g) => g.path),
    ['/a/x.lock'],
  );
  for (const call of ['unlink', 'mkdir', 'rename', 'creat', 'openat2'])
    assert.ok(!p.inKernel.includes(call), call);
  assert.ok(p.inKernel.includes('bind'));
  // An fswrite rule the supervisor must apply keeps every call it stands for from the filter,
  // even one another rule permits without a condition; reading opens stay in the kernel.
  const chmod = plan(
    ['\tnative-fswrite: filename eq "/etc/passwd" then deny', '\tnative-chmod: permit'].join('\n'),
  );
  assert.ok(!chmod.inKernel.includes('chmod'));
  assert.ok(chmod.inKernel.includes('openat'));
  assert.ok(plan('\tnative-fswrite: permit\n\tnative-chmod: permit').inKernel.includes('chmod'));
});

test('a rule the kernel cannot hold is refused at its line and column', () => {
  const p = plan(
    [
      '\tnative-fsread: filename eq "/etc/shadow" then deny[eacces]',
      '\tnative-fsread: filename re "\\.so$" then permit',
      '\tnative-fsread: filename match "/tmp/*" and oflags sub "wr" then permit',
      '\tnative-fsread: filename match "/srv/*" then permit, if user = 0',
      '\tnative-stat: filename eq "/secret" then deny',
    ].join('\n'),
  );
  assert.deepEqual(
    p.refusals.map((r) => [r.line, r.col]),
    [
      [2, 2],
      [3, 2],
      [4, 2],
      [5, 2],
      [6, 2],
    ],
  );
  assert.match(p.refusals[0]!.message, /cannot deny inside what it grants/);
  assert.match(p.refusals[1]!.message, /only `filename eq` and `filename match`/);
  assert.match(p.refusals[3]!.message, /users apart/);
  assert.match(p.refusals[4]!.message, /stat runs in the kernel in this mode, unrestricted/);
});

test('the open and stat families run in the kernel, with calls whose rules compare nothing', () => {
  const p = plan(
    [
      '\tnative-getpid: permit',
      '\tnative-ioctl: cmd eq "0x5401" then permit',
      '\tnative-ioctl: permit',
      '\tnative-execve: filename eq "/usr/bin/x" then permit',
      '\tnative-ptrace: permit',
    ].join('\n'),
  );
  for (const call of ['openat', 'open', 'newfstatat', 'statx', 'readlink', 'getpid'])
    assert.ok(p.inKernel.includes(call), call);
  // A call with any rule that compares an argument stays with the supervisor, and so do the
  // calls that decide which program runs or lead around the filter.
  for (const call of ['ioctl', 'execve', 'ptrace', 'creat', 'openat2'])
    assert.ok(!p.inKernel.includes(call), call);
  // The kernel runs only the program the execve rule names.
  assert.deepEqual(
    p.grants.map((g) => [g.path, g.access]),
    [['/usr/bin/x', 'execute']],
  );
  assert.deepEqual(p.programs, ['/usr/bin/x']);
  assert.equal(p.runsUnnamed, false);
  // A program an execve rule does not name one by one has a policy no one can read first.
  assert.equal(plan('\tnative-execve: filename match "/usr/bin/*" then permit').runsUnnamed, true);
  assert.equal(plan('\tnative-execve: permit').runsUnnamed, true);
});

test('what the kernel does differently is noted; -u leaves alias rules out', () => {
  const p = plan(
    [
      '\tnative-fsread: filename eq "<non-existent filename>" then permit',
      '\tnative-fsread: filename sub "<non-existent filename>" then deny[enoent]',
      '\tnative-fsread: filename eq "/etc/motd" then permit log',
    ].join('\n'),
  );
  assert.deepEqual(p.refusals, []);
  assert.equal(p.notes.length, 2);
  assert.match(p.notes[0]!.message, /EACCES or ENOENT/);
  assert.match(p.notes[1]!.message, /does not log/);
  assert.deepEqual(
    plan('\tnative-fsread: filename eq "/x" then deny', { noAliases: true }).refusals,
    [],
  );
});

test('a learned shape of names made at random is a write grant of its pattern', () => {
  // Write rules are the supervisor's under -K: their grants only say which names the run may
  // change (a rename's second name is decided as a `filename` of its own).
  const p = plan(
    '\tnative-fswrite: filename match "/tmp/sort??????" and (not filename match "/tmp/sort??????/*") then permit\n',
  );
  assert.deepEqual(
    p.grants.map(({ path, match, access }) => ({ path, match, access })),
    [{ path: '/tmp/sort??????', match: true, access: 'write' }],
  );
  assert.equal(p.refusals.length, 0);
});

test('"permit as" is the supervisor\'s: no grant, no refusal, and the calls it names are notified', () => {
  const p = plan(
    [
      '\tnative-openat: filename eq "/etc/shadow" and oflags eq "ro" then permit as root',
      '\tnative-bind: sockaddr eq "inet-[0.0.0.0]:80" then permit as root',
      '\tnative-fsread: filename match "/usr/*" then permit',
    ].join('\n'),
  );
  assert.deepEqual(p.refusals, []);
  assert.deepEqual(
    p.grants.map((g) => g.path),
    ['/usr/*'],
  );
  assert.ok(!p.inKernel.includes('openat'), 'a read-only openat would bypass the rule');
  assert.ok(!p.inKernel.includes('bind'));
  assert.ok(p.inKernel.includes('open'), 'the calls it does not name stay in the kernel');
});
