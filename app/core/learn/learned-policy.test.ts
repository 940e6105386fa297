import { test } from 'node:test';
import assert from 'node:assert/strict';

import { randomNames } from '../../common/policy/random-names.js';
import { rulesLearned, withRules } from './learned-policy.js';

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
