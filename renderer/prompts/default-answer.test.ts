import { test } from 'node:test';
import assert from 'node:assert/strict';

import { countdownText, loadDefaultDeny, saveDefaultDeny } from './default-answer.js';

function memory() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

test('the default answer is off until a time is chosen, and the choice is kept', () => {
  const storage = memory();
  assert.equal(loadDefaultDeny(storage), 0);
  assert.equal(loadDefaultDeny(undefined), 0);
  saveDefaultDeny(storage, 30);
  assert.equal(loadDefaultDeny(storage), 30);
  // A time not offered (an old or edited value) is off.
  storage.setItem('sysgate.defaultDenySeconds', '1');
  assert.equal(loadDefaultDeny(storage), 0);
});

test('the countdown says what happens and that no rule is written', () => {
  assert.equal(countdownText(7), 'Denied once in 7 s unless you answer (no rule is written)');
});
