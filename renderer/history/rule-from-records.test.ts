import { test } from 'node:test';
import assert from 'node:assert/strict';

import { rulesForRecords } from './rule-from-records.js';

const macros = { HOME: '/home/jose', USER: 'jose', CWD: '' };
const record = (filename: string, overrides: object = {}) => ({
  policy: '/usr/bin/cc',
  call: 'openat',
  alias: 'fsread',
  args: { filename: [filename], oflags: ['ro'] },
  uid: 1000,
  ...overrides,
});

test('one record: its own value first, then wider, as the prompt suggests', () => {
  const result = rulesForRecords([record('/home/jose/src/a.c')], macros);
  assert.ok('rules' in result);
  assert.equal(result.policy, '/usr/bin/cc');
  assert.equal(
    result.rules[0]!.rule,
    'native-fsread: filename eq "/home/jose/src/a.c" then permit',
  );
  assert.ok(
    result.rules.some(
      (r) => r.rule === 'native-fsread: filename match "$HOME/src/*.c" then permit',
    ),
  );
  assert.equal(result.rules.at(-1)!.rule, 'native-fsread: true then permit');
});

test('several records: the most specific rule that covers them all', () => {
  const result = rulesForRecords(
    [record('/home/jose/src/a.c'), record('/home/jose/src/lib/b.c'), record('/home/jose/src/c.c')],
    macros,
  );
  assert.ok('rules' in result);
  assert.equal(
    result.rules[0]!.rule,
    'native-fsread: filename match "$HOME/src/*" and oflags sub "ro" then permit',
  );
});

test('different calls of one alias share the alias; of none, no rule', () => {
  const mixed = rulesForRecords(
    [record('/etc/a'), record('/etc/b', { call: 'newfstatat', args: { filename: ['/etc/b'] } })],
    macros,
  );
  assert.ok('rules' in mixed);
  assert.equal(mixed.rules[0]!.rule, 'native-fsread: filename match "/etc/*" then permit');
  const unrelated = rulesForRecords(
    [
      record('/etc/a'),
      record('', { call: 'connect', alias: null, args: { sockaddr: ['inet-[1.2.3.4]:80'] } }),
    ],
    macros,
  );
  assert.deepEqual(unrelated, {
    problem: 'The records are of different calls, with no alias in common.',
  });
});

test('records of two policies cannot make one rule; nothing selected, nothing to make', () => {
  assert.deepEqual(rulesForRecords([record('/a'), record('/a', { policy: '/bin/ls' })], macros), {
    problem: 'The records belong to 2 policies: a rule belongs to one.',
  });
  assert.deepEqual(rulesForRecords([], macros), { problem: 'Select a record first.' });
});
