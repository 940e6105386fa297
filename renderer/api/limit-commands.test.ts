import { test } from 'node:test';
import assert from 'node:assert/strict';

import { COMMAND_NAMES, type SysgateApi } from '../../app/common/contract.js';
import { limitCommands, PROMPT_PAGE_COMMANDS } from './limit-commands.js';

function recordingApi() {
  const calls: string[] = [];
  const api = { on: () => () => undefined } as Record<string, unknown>;
  for (const command of COMMAND_NAMES) {
    api[command] = (...args: unknown[]) => {
      calls.push(`${command} ${JSON.stringify(args)}`);
      return Promise.resolve(`${command} done`);
    };
  }
  return { api: api as unknown as SysgateApi, calls };
}

test('the prompt page may read and answer questions, and read a policy: nothing else', () => {
  assert.deepEqual([...PROMPT_PAGE_COMMANDS].sort(), ['answerQuestion', 'policy', 'snapshot']);
});

test('an allowed command reaches the host with its arguments and its result comes back', async () => {
  const { api, calls } = recordingApi();
  const limited = limitCommands(api, PROMPT_PAGE_COMMANDS);
  assert.equal(
    await limited.answerQuestion('q1', { action: 'deny', errno: 'eperm' }),
    'answerQuestion done',
  );
  assert.equal(await limited.snapshot(), 'snapshot done');
  assert.deepEqual(calls, [
    'answerQuestion ["q1",{"action":"deny","errno":"eperm"}]',
    'snapshot []',
  ]);
});

test('any other command is refused in the page, reported, and never reaches the host', async () => {
  const { api, calls } = recordingApi();
  const refused: string[] = [];
  const limited = limitCommands(api, PROMPT_PAGE_COMMANDS, (c) => refused.push(c));
  const others = COMMAND_NAMES.filter((c) => !PROMPT_PAGE_COMMANDS.has(c));
  assert.ok(others.includes('resizeTerminal') && others.includes('terminalDrawn'));
  await assert.rejects(
    limited.resizeTerminal('s1', 80, 24),
    /resizeTerminal is not for this window/,
  );
  await assert.rejects(limited.terminalDrawn('s1', 10), /terminalDrawn is not for this window/);
  await assert.rejects(
    limited.startSession({ command: 'ls', cwd: '', mode: 'ask', cols: 80, rows: 24 }),
    /not for this window/,
  );
  assert.deepEqual(calls, []);
  assert.deepEqual(refused, ['resizeTerminal', 'terminalDrawn', 'startSession']);
});

test('events still reach the page', () => {
  let subscribed = '';
  const api = { on: (event: string) => ((subscribed = event), () => undefined) };
  const limited = limitCommands(api as unknown as SysgateApi, PROMPT_PAGE_COMMANDS);
  limited.on('questionAdded', () => undefined);
  assert.equal(subscribed, 'questionAdded');
});
