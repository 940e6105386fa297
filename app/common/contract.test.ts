import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  argumentsProblem,
  COMMAND_NAMES,
  isWireCall,
  validArguments,
  type CommandName,
} from './contract.js';

const START = { command: 'ls -l', cwd: '/tmp', mode: 'ask', cols: 80, rows: 24 };

/** One call of each command as a window sends it. */
const GOOD: { [K in CommandName]: unknown[] } = {
  snapshot: [],
  startSession: [{ ...START, mode: 'enforce', kernel: true }],
  stopSession: ['s1'],
  killSession: ['s1'],
  closeSession: ['s1'],
  writeTerminal: ['s1', 'ls\r'],
  resizeTerminal: ['s1', 1000, 1],
  terminalDrawn: ['s1', 0],
  answerQuestion: [
    'q-1_a',
    { action: 'deny', errno: 'eacces', always: { expression: 'true', scope: 'session' } },
  ],
  policy: ['/usr/bin/ls'],
  historyPage: [{ query: 'action:deny', offset: 0, limit: 1000, ceiling: 12, count: true }],
  historyCount: ['', { after: 0 }],
  historyDetail: [7],
  historyGroups: ['action:deny'],
  statistics: [null],
  systemHistoryDetail: [7],
  addSystemRule: ['/usr/sbin/lighttpd', 'native-fsread: filename eq "/srv/a" then permit'],
  exportHistory: ['prog:ls', 'csv'],
  clearHistory: [],
  historySettings: [],
  setHistorySettings: [{ record: 'all', keepDays: 36_500, keepRows: 1 }],
  policyFiles: [],
  readPolicy: ['/etc/sysgate/policies/usr_bin_ls'],
  savePolicy: ['/root/.config/sysgate/policies/usr_bin_ls', 'Policy: /usr/bin/ls\n', 'v1'],
  ruleHits: ['/usr/bin/ls'],
  learnedRules: ['s1'],
  saveLearned: ['s1', '/usr/bin/ls', ['native-getpid: permit']],
  discardLearned: ['s1'],
};

test('a call of each command, as a window sends it, is taken', () => {
  for (const command of COMMAND_NAMES) {
    assert.equal(argumentsProblem(command, GOOD[command]), null, command);
    assert.equal(validArguments(command, GOOD[command]), true, command);
  }
});

test('malformed arguments are refused, and the problem says where', () => {
  const refused: Array<[CommandName, unknown, string]> = [
    ['snapshot', {}, 'Invalid type: Expected Array but received Object'],
    ['snapshot', [1], '0: '],
    ['stopSession', ['../s1'], '0: Invalid format'],
    ['stopSession', ['x'.repeat(65)], '0: Invalid format'],
    ['stopSession', [], '0: '],
    ['resizeTerminal', ['s1', 80], '2: '],
    ['resizeTerminal', ['s1', 80, 24, 1], '3: '],
    ['resizeTerminal', ['s1', 80, 1001], '2: Invalid value: Expected <=1000'],
    ['resizeTerminal', ['s1', 0, 24], '1: Invalid value: Expected >=1'],
    ['resizeTerminal', ['s1', 80.5, 24], '1: Invalid integer'],
    ['terminalDrawn', ['s1', -1], '1: Invalid value'],
    ['writeTerminal', ['s1', 'x'.repeat((1 << 20) + 1)], '1: Invalid length'],
    ['startSession', [{ ...START, shell: '/bin/sh' }], '0.shell: Invalid key'],
    ['startSession', [{ ...START, command: '   ' }], '0.command: an empty command'],
    ['startSession', [{ ...START, command: 'x'.repeat(8193) }], '0.command: Invalid length'],
    ['startSession', [{ ...START, mode: 'trust' }], '0.mode: Invalid type'],
    ['startSession', [{ ...START, kernel: 'yes' }], '0.kernel: Invalid type'],
    ['startSession', [{ ...START, rows: undefined }], '0.rows: Invalid type'],
    ['startSession', [[]], '0.command: Invalid key'],
    ['answerQuestion', ['q1', { action: 'allow' }], '1.action: Invalid type'],
    ['answerQuestion', ['q1', { action: 'deny', errno: 'EPERM' }], '1.errno: Invalid format'],
    [
      'answerQuestion',
      ['q1', { action: 'permit', always: { expression: 'true', scope: 'forever' } }],
      '1.always.scope: Invalid type',
    ],
    [
      'answerQuestion',
      ['q1', { action: 'permit', always: { expression: 'x'.repeat(4097), scope: 'policy' } }],
      '1.always.expression: Invalid length',
    ],
    [
      'answerQuestion',
      ['q1', { action: 'permit', always: { expression: 'true', scope: 'policy', line: 3 } }],
      '1.always.line: Invalid key',
    ],
    ['answerQuestion', ['q1', { action: 'permit', applyToSimilar: 1 }], '1.applyToSimilar: '],
    ['historyPage', [{ query: '', offset: 0, limit: 1001 }], '0.limit: Invalid value'],
    ['historyPage', [{ query: '', offset: 0, limit: 10, ceiling: -1 }], '0.ceiling: '],
    ['historyCount', ['', { upTo: 3 }], '1.after: Invalid key'],
    ['historyDetail', [1_000_000_001], '0: Invalid value'],
    ['exportHistory', ['', 'xml'], '1: Invalid type'],
    ['setHistorySettings', [{ record: 'none', keepDays: 1, keepRows: 1 }], '0.record: '],
    ['setHistorySettings', [{ record: 'all', keepDays: 36_501, keepRows: 1 }], '0.keepDays: '],
    ['savePolicy', ['/p', 'text', 'v'.repeat(129)], '2: Invalid length'],
    ['policy', ['x'.repeat(4097)], '0: Invalid length'],
    ['saveLearned', ['s1', '/usr/bin/ls', ['native-getpid: permit', 7]], '2.1: Invalid type'],
  ];
  for (const [command, args, problem] of refused) {
    assert.equal(validArguments(command, args), false, `${command} ${JSON.stringify(args)}`);
    const said = argumentsProblem(command, args);
    assert.ok(said?.startsWith(problem), `${command}: ${said} (expected ${problem}...)`);
  }
});

test('a call on the wire has an integer id, a known command, arguments, and nothing else', () => {
  assert.equal(isWireCall({ id: 1, command: 'snapshot', args: [] }), true);
  assert.equal(isWireCall({ id: 1, command: 'snapshot', args: [], extra: 1 }), false);
  assert.equal(isWireCall({ id: 1.5, command: 'snapshot', args: [] }), false);
  assert.equal(isWireCall({ id: 1, command: 'toString', args: [] }), false);
  assert.equal(isWireCall({ id: 1, command: 'snapshot', args: {} }), false);
  assert.equal(isWireCall({ id: 1, command: 'snapshot' }), false);
  assert.equal(isWireCall([1, 'snapshot', []]), false);
  assert.equal(isWireCall(null), false);
});
