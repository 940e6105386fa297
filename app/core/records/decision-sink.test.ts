import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { DecisionRecord } from '../../common/session/events.js';
import { Accounts } from '../accounts.js';
import type { SessionPolicy } from '../runs/policy-source.js';
import { DecisionSink, hitsReader, logReader } from './decision-sink.js';
import type { LineSink } from './denial-log.js';
import { RuleHits } from './rule-hits.js';

const CAT = '/usr/bin/cat';
const POLICY = {
  program: CAT,
  text: `Policy: ${CAT}, Emulation: native\n\tnative-fsread: filename eq "/a" then permit\n\tnative-fsread: filename eq "/b" then deny\n`,
} as SessionPolicy;

const record = (over: Partial<DecisionRecord>): DecisionRecord => ({
  time: 1,
  pid: 10,
  ppid: 1,
  uid: 0,
  gid: 0,
  exe: CAT,
  argv: [CAT],
  policy: CAT,
  call: 'openat',
  nr: 257,
  alias: 'fsread',
  args: { filename: ['/a'] },
  action: 'permit',
  errno: 0,
  by: 'rule',
  line: 2,
  col: 2,
  log: false,
  ...over,
});

test("every reader reads each record once, in order, with the run's policies as they are then", () => {
  let policies: SessionPolicy[] = [];
  const sink = new DecisionSink(() => policies);
  const seen: string[] = [];
  sink
    .read((r, p) => seen.push(`first ${r.pid} ${p.length}`))
    .read((r) => seen.push(`second ${r.pid}`));
  sink.add(record({ pid: 1 }));
  policies = [POLICY];
  sink.add(record({ pid: 2 }));
  assert.deepEqual(seen, ['first 1 0', 'second 1', 'first 2 1', 'second 2']);
});

test('rule hits are counted by the text of the line a record names', () => {
  const hits = new RuleHits();
  const sink = new DecisionSink(() => [POLICY]).read(hitsReader(hits));
  sink.add(record({ line: 2 }));
  sink.add(record({ line: 2 }));
  sink.add(record({ line: 3, action: 'deny', errno: 1 }));
  // Not decided by a rule, or by a policy the run does not have: not counted.
  sink.add(record({ line: null, by: 'default' }));
  sink.add(record({ policy: '/usr/bin/ls', line: 2 }));
  assert.deepEqual(
    hits.of(CAT).map((h) => [h.rule, h.hits]),
    [
      ['native-fsread: filename eq "/a" then permit', 2],
      ['native-fsread: filename eq "/b" then deny', 1],
    ],
  );
});

test('the log has a line for each denial and each logged permit, none for what learning permitted', () => {
  const lines: string[] = [];
  const sink: LineSink = { write: (line) => void lines.push(line), close: async () => undefined };
  const decisions = new DecisionSink(() => [POLICY]).read(logReader(sink, new Accounts()));
  decisions.add(record({}));
  decisions.add(record({ action: 'deny', errno: 1, args: { filename: ['/b'] }, line: 3 }));
  decisions.add(record({ log: true, args: { filename: ['/c'] } }));
  decisions.add(record({ by: 'learn', log: true, args: { filename: ['/d'] } }));
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0]!, /deny .*filename: \/b/);
  assert.match(lines[1]!, /permit .*filename: \/c/);
});
