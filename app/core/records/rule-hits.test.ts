import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { DecisionRecord } from '../../common/session/events.js';
import { RuleHits } from './rule-hits.js';

function record(over: Partial<DecisionRecord>): DecisionRecord {
  return {
    time: 1000,
    pid: 1,
    ppid: 0,
    uid: 0,
    gid: 0,
    exe: '/usr/bin/cat',
    argv: ['cat', '/etc/shadow'],
    policy: '/usr/bin/cat',
    call: 'openat',
    nr: 257,
    alias: 'fsread',
    args: { filename: ['/etc/shadow'] },
    action: 'deny',
    errno: 13,
    by: 'rule',
    line: 2,
    col: 2,
    log: false,
    ...over,
  };
}

const RULE = 'native-fsread: filename eq "/etc/shadow" then deny[eacces]';

test('each rule counts the calls it decided and when it last did, by its printed text', () => {
  const hits = new RuleHits();
  hits.add(record({ time: 1000 }), `\t${RULE}`);
  // The same rule after it moved to another line, written with other spacing.
  hits.add(
    record({ time: 3000, line: 7 }),
    '    native-fsread:  filename eq "/etc/shadow"  then deny[eacces]',
  );
  hits.add(record({ time: 2000 }), `\t${RULE}`);
  assert.deepEqual(hits.of('/usr/bin/cat'), [
    { rule: RULE, hits: 3, permitted: 0, denied: 3, lastHit: 3000 },
  ]);
  assert.deepEqual(hits.of('/usr/bin/ls'), []);
});

test('records no rule decided, and lines that are no rule, count nothing', () => {
  const hits = new RuleHits();
  hits.add(record({ by: 'user', line: null }), undefined);
  hits.add(record({ by: 'default', line: null }), `\t${RULE}`);
  hits.add(record({ line: 1 }), 'Policy: /usr/bin/cat, Emulation: native');
  hits.add(record({ line: 9 }), undefined);
  assert.deepEqual(hits.of('/usr/bin/cat'), []);
});

test("the supervisor's counts add permitted and denied calls to a rule's hits, by their number", () => {
  const hits = new RuleHits();
  const count = { policy: '/usr/bin/cat', by: 'rule' as const, line: 2, time: 5000 };
  hits.addCount({ ...count, action: 'permit', n: 500 }, '\tnative-fsread: permit');
  hits.addCount({ ...count, action: 'permit', n: 34, time: 6000 }, '\tnative-fsread: permit');
  hits.addCount({ ...count, action: 'deny', n: 2 }, `\t${RULE}`);
  hits.addCount({ ...count, by: 'default', line: null, action: 'deny', n: 9 }, undefined);
  assert.deepEqual(hits.of('/usr/bin/cat'), [
    { rule: 'native-fsread: permit', hits: 534, permitted: 534, denied: 0, lastHit: 6000 },
    { rule: RULE, hits: 2, permitted: 0, denied: 2, lastHit: 5000 },
  ]);
});
