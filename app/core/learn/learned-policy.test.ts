import { test } from 'node:test';
import assert from 'node:assert/strict';

import { randomNames } from '../../common/policy/random-names.js';
import type { DecisionRecord } from '../../common/session/events.js';
import { emptyPolicy } from '../runs/policy-source.js';
import { askedNote, learnedRule, rulesLearned, withRules } from './learned-policy.js';

const CAT = 'Policy: /usr/bin/cat, Emulation: native\n\tnative-read: permit\n# the end\n';

test('reviewed rules go after the policy’s own, comments kept where they were', () => {
  assert.equal(
    withRules('/usr/bin/cat', CAT, ['native-fsread: filename match "$HOME/data/*" then permit']),
    'Policy: /usr/bin/cat, Emulation: native\n\tnative-read: permit\n' +
      '\tnative-fsread: filename match "$HOME/data/*" then permit\n# the end\n',
  );
});

test('a program without a section gets one; a rule that does not parse is refused', () => {
  assert.equal(
    withRules('/usr/bin/wc', '', ['native-read: permit']),
    '\nPolicy: /usr/bin/wc, Emulation: native\n\tnative-read: permit\n',
  );
  assert.throws(
    () => withRules('/usr/bin/cat', CAT, ['native-read: fd eq then permit']),
    /not a rule/,
  );
});

test('names made at random are learned as their shape, once, and the generalisation is said', () => {
  const record = (call: string, alias: string, filename: string, oflags?: string) => ({
    time: 0,
    pid: 1,
    ppid: 0,
    uid: 0,
    gid: 0,
    exe: '/usr/bin/sort',
    argv: ['sort'],
    policy: '/usr/bin/sort',
    call,
    nr: 0,
    alias,
    args: { filename: [filename], ...(oflags ? { oflags: [oflags] } : {}) },
    action: 'permit' as const,
    errno: 0,
    by: 'learn' as const,
    line: null,
    col: null,
    log: false,
  });
  const learned = [
    record('openat', 'fswrite', '/tmp/sortgFr7nu', 'rwcx'),
    record('openat', 'fsread', '/etc/hosts', 'ro'),
    record('openat', 'fswrite', '/tmp/sorthYt77l', 'rwcx'),
    record('unlink', 'fswrite', '/tmp/sortgFr7nu'),
  ];
  const found = rulesLearned('/usr/bin/sort', '', learned, {
    macros: { HOME: '/root', USER: 'root', CWD: '/root' },
    noAliases: false,
    names: randomNames(learned),
  });
  const shaped =
    'native-fswrite: filename match "/tmp/sort??????" and (not filename match "/tmp/sort??????/*") then permit';
  assert.deepEqual(found.rules, [shaped, 'native-fsread: filename eq "/etc/hosts" then permit']);
  assert.deepEqual(found.generalised, [
    {
      rule: shaped,
      replaces: [
        'native-fswrite: filename eq "/tmp/sortgFr7nu" then permit',
        'native-fswrite: filename eq "/tmp/sorthYt77l" then permit',
      ],
      reason:
        '"/tmp/sortgFr7nu" is a name made at random, another in every run: learned as its shape "/tmp/sort??????"',
    },
  ]);
  assert.deepEqual(found.shaped, [
    { name: '/tmp/sortgFr7nu', pattern: '/tmp/sort??????', alike: 1 },
  ]);
});

const MACROS = { HOME: '/root', USER: 'root', CWD: '/tmp' };
const PYTHON = '/usr/bin/python3';

/** A call the supervisor recorded in learning mode. */
function learned(call: string, args: Record<string, string[]>, alias: string | null = null) {
  const record: DecisionRecord = {
    time: 0,
    pid: 10,
    ppid: 1,
    uid: 0,
    gid: 0,
    exe: PYTHON,
    argv: ['python3'],
    policy: PYTHON,
    call,
    nr: 0,
    alias,
    args,
    action: 'permit',
    errno: 0,
    by: 'learn',
    line: null,
    col: null,
    log: false,
  };
  return record;
}

function learn(records: DecisionRecord[], existing = emptyPolicy(PYTHON)): string[] {
  return rulesLearned(PYTHON, existing, records, { macros: MACROS, noAliases: false }).rules;
}

test('an ioctl is learned by its command, never as every ioctl', () => {
  assert.equal(
    learnedRule(learned('ioctl', { fd: ['3'], cmd: ['0x5451'] }), false),
    'native-ioctl: cmd eq "0x5451" then permit',
  );
});

test('an ioctl the policy already permits does not hide the next, other one', () => {
  // The base template permits TCGETS (0x5401); FIOCLEX (0x5451) comes after it.
  const base =
    'Policy: /usr/bin/python3, Emulation: native\n\tnative-ioctl: cmd eq "0x5401" then permit\n';
  assert.deepEqual(
    learn(
      [
        learned('ioctl', { fd: ['0'], cmd: ['0x5401'] }),
        learned('ioctl', { fd: ['3'], cmd: ['0x5451'] }),
        learned('ioctl', { fd: ['4'], cmd: ['0x5451'] }),
      ],
      base,
    ),
    ['native-ioctl: cmd eq "0x5451" then permit'],
  );
});

test('a rule the policy decided is not taken for one that was added', () => {
  // Two calls print alike when nothing they differ in is kept: only the first is decided here.
  const denies =
    'Policy: /usr/bin/python3, Emulation: native\n\tnative-getcwd: uid eq "5" then deny\n';
  const getcwd = (uid: string) => learned('getcwd', { uid: [uid] });
  assert.deepEqual(learn([getcwd('5'), getcwd('0')], denies), ['native-getcwd: permit']);
});

test('each call keeps what its decision depends on, and not what changes every run', () => {
  const rule = (call: string, args: Record<string, string[]>, alias: string | null = null) =>
    learnedRule(learned(call, args, alias), false);
  assert.equal(
    rule('kill', { pidname: ['/usr/bin/sleep'], signame: ['SIGTERM'] }),
    'native-kill: signame eq "SIGTERM" then permit',
  );
  assert.equal(
    rule('socket', { sockdom: ['AF_INET'], socktype: ['SOCK_DGRAM'] }),
    'native-socket: sockdom eq "AF_INET" and socktype eq "SOCK_DGRAM" then permit',
  );
  assert.equal(
    rule('fchownat', { filename: ['/tmp/a'], uid: ['0'], uname: ['root'], gid: ['0'] }, 'fswrite'),
    'native-fswrite: filename eq "/tmp/a" and uid eq "0" and gid eq "0" then permit',
  );
  assert.equal(
    rule('chmod', { filename: ['/tmp/a'], mode: ['4755'] }, 'fswrite'),
    'native-fswrite: filename eq "/tmp/a" and mode eq "4755" then permit',
  );
  assert.equal(
    rule('openat', { filename: ['/tmp/a'], oflags: ['wotc'], mode: ['644'] }, 'fswrite'),
    'native-fswrite: filename eq "/tmp/a" then permit',
  );
  assert.equal(
    rule('setxattr', { filename: ['/tmp/a'], string: ['user.x'] }, 'fswrite'),
    'native-fswrite: filename eq "/tmp/a" and string eq "user.x" then permit',
  );
  assert.equal(
    rule('execve', { filename: ['/usr/bin/ls'], argv: ['ls -l'] }),
    'native-execve: filename eq "/usr/bin/ls" then permit',
  );
});

test('a call whose deciding argument could not be read is learned as ask, and said so', () => {
  const rules = learn([
    learned('connect', { fd: ['3'], sockaddr: ['<unreadable>'] }),
    learned('connect', { fd: ['3'], sockaddr: ['inet-[192.0.2.1]:53'] }),
  ]);
  assert.deepEqual(rules, [
    'native-connect: sockaddr eq "<unreadable>" then ask',
    'native-connect: sockaddr eq "inet-[192.0.2.1]:53" then permit',
  ]);
  assert.equal(askedNote(0), '');
  assert.equal(askedNote(1), ' (1 asks: an argument it depends on could not be read)');
});

test('sendmmsg is learned as one rule per distinct address of its messages', () => {
  assert.deepEqual(
    learn([
      learned('sendmmsg', {
        fd: ['3'],
        sockaddr: ['inet-[192.0.2.53]:53', 'inet-[192.0.2.54]:53', 'inet-[192.0.2.53]:53'],
      }),
      learned('sendmmsg', { fd: ['4'], sockaddr: ['<none>', '<none>'] }),
    ]),
    [
      'native-sendmmsg: sockaddr eq "inet-[192.0.2.53]:53" then permit',
      'native-sendmmsg: sockaddr eq "inet-[192.0.2.54]:53" then permit',
      'native-sendmmsg: sockaddr eq "<none>" then permit',
    ],
  );
});

test('a rename is learned as one rule per name, even when the policy permits its first', () => {
  const cache = '/srv/cache';
  const existing = withRules(PYTHON, emptyPolicy(PYTHON), [
    `native-fswrite: filename eq "${cache}/x.tmp" then permit`,
  ]);
  const rename = learned('rename', { filename: [`${cache}/x.tmp`, `${cache}/x`] }, 'fswrite');
  assert.deepEqual(learn([rename], existing), [
    `native-fswrite: filename eq "${cache}/x" then permit`,
  ]);
  assert.deepEqual(learn([rename]), [
    `native-fswrite: filename eq "${cache}/x.tmp" then permit`,
    `native-fswrite: filename eq "${cache}/x" then permit`,
  ]);
});

test('a descriptor that names nothing is learned as ask', () => {
  assert.equal(
    learnedRule(learned('fchmod', { filename: ['<unreadable>'], mode: ['600'] }), false),
    'native-fchmod: filename eq "<unreadable>" and mode eq "600" then ask',
  );
});

test('with aliases off (-u), an open keeps its flags, which no alias carries then', () => {
  const open = learned('openat', { filename: ['/tmp/a'], oflags: ['ro'] }, 'fsread');
  assert.equal(learnedRule(open, false), 'native-fsread: filename eq "/tmp/a" then permit');
  assert.equal(
    learnedRule({ ...open, alias: null }, true),
    'native-openat: filename eq "/tmp/a" and oflags eq "ro" then permit',
  );
});
