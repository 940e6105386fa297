import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ERRNO_NAMES } from '../../app/common/calls/index.js';
import { validArguments } from '../../app/common/contract.js';
import { buildAnswer, errnoChoices, SCOPES, type PromptChoice, type PromptForm } from './answer.js';

const form: PromptForm = {
  rule: '  filename match "/etc/*"  ',
  errno: 'enoent',
  scope: 'policy',
  applyToSimilar: false,
};

test('Permit and Deny answer this call only; a denial carries its error', () => {
  assert.deepEqual(buildAnswer('permit', form), { action: 'permit' });
  assert.deepEqual(buildAnswer('deny', form), { action: 'deny', errno: 'enoent' });
});

test('the "always" answers carry the rule as typed (trimmed) and its scope', () => {
  assert.deepEqual(buildAnswer('permit-always', form), {
    action: 'permit',
    always: { expression: 'filename match "/etc/*"', scope: 'policy' },
  });
  assert.deepEqual(buildAnswer('deny-always', { ...form, scope: 'session', errno: 'eperm' }), {
    action: 'deny',
    errno: 'eperm',
    always: { expression: 'filename match "/etc/*"', scope: 'session' },
  });
});

test('a rule for some minutes carries them; until sysgate quits is the scope app', () => {
  assert.deepEqual(buildAnswer('permit-always', { ...form, scope: 'minutes:15' }).always, {
    expression: 'filename match "/etc/*"',
    scope: 'minutes',
    minutes: 15,
  });
  assert.deepEqual(buildAnswer('deny-always', { ...form, scope: 'app' }).always, {
    expression: 'filename match "/etc/*"',
    scope: 'app',
  });
});

test('"Apply to all similar" goes with permits and denials, never with Kill or Detach', () => {
  const similar = { ...form, applyToSimilar: true };
  assert.deepEqual(buildAnswer('permit', similar), { action: 'permit', applyToSimilar: true });
  assert.equal(buildAnswer('deny-always', similar).applyToSimilar, true);
  assert.deepEqual(buildAnswer('kill', similar), { action: 'kill' });
  assert.deepEqual(buildAnswer('detach', similar), { action: 'detach' });
});

test('every answer the prompt builds is one the host accepts', () => {
  const choices: PromptChoice[] = [
    'permit',
    'deny',
    'permit-always',
    'deny-always',
    'kill',
    'detach',
  ];
  for (const choice of choices) {
    for (const applyToSimilar of [false, true]) {
      for (const { value: scope } of SCOPES) {
        const answer = buildAnswer(choice, { ...form, applyToSimilar, scope });
        assert.ok(
          validArguments('answerQuestion', ['q1', answer]),
          `${choice}: ${JSON.stringify(answer)}`,
        );
      }
    }
  }
});

test('the error list starts with eperm and the usual ones and offers every other once', () => {
  const { common, others } = errnoChoices(ERRNO_NAMES);
  assert.deepEqual(common.slice(0, 4), ['eperm', 'eacces', 'enoent', 'erofs']);
  assert.equal(common.length + others.length, new Set(ERRNO_NAMES).size);
  assert.ok(!others.includes('eperm'));
  assert.ok(others.includes('ewouldblock'));
});
