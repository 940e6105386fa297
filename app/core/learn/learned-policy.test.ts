import { test } from 'node:test';
import assert from 'node:assert/strict';

import { withRules } from './learned-policy.js';

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
