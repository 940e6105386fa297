import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sectionsOf } from './ast.js';
import { decideCall } from './evaluate.js';
import { proposeGeneralisations, reviewedRules, rulesByKind } from './generalise.js';
import { parsePolicy } from './parser.js';

const HOME = '/home/ana';
const macros = { HOME, USER: 'ana', CWD: HOME };
const data = (name: string) => `native-fsread: filename eq "${HOME}/work/data/${name}" then permit`;
const LEARNED = [
  'native-execve: filename eq "/usr/bin/wc" then permit',
  data('a.csv'),
  'native-fsread: filename eq "/etc/ld.so.cache" then permit',
  data('b.csv'),
  data('c.csv'),
  'native-fswrite: filename eq "/home/ana/work/out.txt" then permit',
  data('d.csv'),
  data('e.csv'),
  'native-fsread: filename eq "/etc/hosts" then permit',
  'native-connect: sockaddr eq "inet-[127.0.0.1]:53" then permit',
];

test('five paths under one directory become one match rule, with $HOME put back', () => {
  const proposals = proposeGeneralisations(LEARNED, macros);
  assert.deepEqual(proposals, [
    {
      rule: 'native-fsread: filename match "$HOME/work/data/*" then permit',
      replaces: ['a', 'b', 'c', 'd', 'e'].map((n) => data(`${n}.csv`)),
      reason: '5 files in /home/ana/work/data: any file there',
    },
    {
      rule: 'native-fswrite: filename eq "$HOME/work/out.txt" then permit',
      replaces: ['native-fswrite: filename eq "/home/ana/work/out.txt" then permit'],
      reason: '$HOME put back: the rule holds in any user’s home',
    },
  ]);
});

test('two files are not a directory, nor are paths of different calls or actions', () => {
  const rules = [
    'native-fsread: filename eq "/etc/a" then permit',
    'native-fsread: filename eq "/etc/b" then permit',
    'native-fswrite: filename eq "/etc/c" then permit',
    'native-fsread: filename eq "/etc/d" then permit log',
    'native-fsread: filename eq "/x" then permit',
    'native-fsread: filename eq "/y" then permit',
    'native-fsread: filename eq "/z" then permit',
    'native-fsread: filename eq "/s[1]/a" then permit',
    'native-fsread: filename eq "/s[1]/b" then permit',
    'native-fsread: filename eq "/s[1]/c" then permit',
  ];
  assert.deepEqual(proposeGeneralisations(rules, macros), []);
});

test('the reviewed rules: accepted proposals in place, rejected rules left out', () => {
  const proposals = proposeGeneralisations(LEARNED, macros);
  const saved = reviewedRules(LEARNED, proposals, new Set([0]), new Set([LEARNED[8]!]));
  assert.deepEqual(saved, [
    LEARNED[0],
    'native-fsread: filename match "$HOME/work/data/*" then permit',
    LEARNED[2],
    LEARNED[5],
    LEARNED[9],
  ]);
  assert.deepEqual(reviewedRules(LEARNED, proposals, new Set(), new Set()), LEARNED);
});

test('the accepted rule permits what the learned ones did, and the next file of the directory', () => {
  const proposals = proposeGeneralisations(LEARNED, macros);
  const rules = reviewedRules(LEARNED, proposals, new Set([0, 1]), new Set());
  const section = sectionsOf(
    parsePolicy(`Policy: /usr/bin/wc, Emulation: native\n${rules.map((r) => `\t${r}\n`).join('')}`)
      .file,
  )[0]!;
  for (const name of ['a.csv', 'e.csv', 'f.csv']) {
    const request = {
      call: 'openat',
      alias: 'fsread',
      args: { filename: [`${HOME}/work/data/${name}`] },
      uid: 1000,
      gid: 1000,
    };
    assert.equal(decideCall(section, request, { macros }).action, 'permit', name);
  }
  const elsewhere = {
    call: 'openat',
    alias: 'fsread',
    args: { filename: [`${HOME}/.ssh/id_ed25519`] },
    uid: 1000,
    gid: 1000,
  };
  assert.equal(decideCall(section, elsewhere, { macros }).action, 'ask');
});

test('learned rules are grouped by the call they are for', () => {
  const kinds = rulesByKind(LEARNED);
  assert.deepEqual([...kinds.keys()], ['execve', 'fsread', 'fswrite', 'connect']);
  assert.equal(kinds.get('fsread')?.length, 7);
});
