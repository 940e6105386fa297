import { test } from 'node:test';
import assert from 'node:assert/strict';

import { actionText, baseName, deciderText, recordTime } from './history-text.js';

test('a denial names its error; a permit is a permit', () => {
  assert.equal(actionText({ action: 'deny', errno: 13 }), 'deny (eacces)');
  assert.equal(actionText({ action: 'deny', errno: 1 }), 'deny (eperm)');
  assert.equal(actionText({ action: 'permit', errno: 0 }), 'permit');
  assert.equal(
    actionText({ action: 'permit', errno: 0, runAs: 'root:root' }),
    'permit as root:root',
  );
});

test('who decided, in the words of the table', () => {
  assert.equal(
    deciderText({ by: 'rule', rule: { file: '/p/ls', line: 7, col: 2 } }),
    'rule, line 7',
  );
  assert.equal(deciderText({ by: 'user', rule: null }), 'you');
  assert.equal(deciderText({ by: 'default', rule: null }), 'no rule');
  assert.equal(deciderText({ by: 'host-gone', rule: null }), 'app gone');
});

test('today shows the time alone; another day shows the date too', () => {
  const now = new Date(2026, 10, 27, 12, 0, 0).getTime();
  assert.equal(recordTime(new Date(2026, 10, 27, 6, 1, 2).getTime(), now), '06:01:02');
  assert.equal(recordTime(new Date(2026, 10, 26, 6, 1, 2).getTime(), now), '26 Nov 06:01:02');
  assert.equal(baseName('/home/j/.config/sysgate/policies/usr_bin_ls'), 'usr_bin_ls');
});

test("a record's time is written without making a formatter for it", () => {
  // The table writes the time of every row it draws as it scrolls: toLocaleTimeString with
  // options made a formatter each time, half the long frames of a scroll through a million.
  const { toLocaleTimeString, toLocaleDateString } = Date.prototype;
  const Format = Intl.DateTimeFormat;
  let made = 0;
  Date.prototype.toLocaleTimeString = () => assert.fail('toLocaleTimeString was called');
  Date.prototype.toLocaleDateString = () => assert.fail('toLocaleDateString was called');
  Intl.DateTimeFormat = function (...args: ConstructorParameters<typeof Format>) {
    made++;
    return new Format(...args);
  } as unknown as typeof Format;
  try {
    const now = new Date(2026, 10, 27, 12, 0, 0).getTime();
    for (let i = 0; i < 100; i++) recordTime(now - i * 3_600_000, now);
    assert.equal(made, 0);
  } finally {
    Object.assign(Date.prototype, { toLocaleTimeString, toLocaleDateString });
    Intl.DateTimeFormat = Format;
  }
  assert.equal(
    recordTime(new Date(2026, 10, 26, 23, 59, 59).getTime(), new Date(2026, 10, 27).getTime()),
    '26 Nov 23:59:59',
  );
});
