import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Answer, Question } from '../../common/session/events.js';
import { policyFileName } from '../policy/naming.js';
import { PolicyStore } from '../policy/store.js';
import { PolicySource, type SessionPolicy } from '../runs/policy-source.js';
import { PromptBroker, type AskingRun } from './broker.js';
import { RuleWriter } from './rule-writer.js';

const CAT = '/usr/bin/cat';
const MACROS = { HOME: '/home/u', USER: 'u', CWD: '/' };

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sysgate-broker-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let count = 0;
/** Two runs of cat over one fresh store, a broker, and what each held call was answered. */
async function world() {
  const user = join(root, `user${++count}`);
  const store = new PolicyStore({ userDir: user, uid: process.getuid!() });
  const runs = new Map<string, AskingRun & { pushed: SessionPolicy[] }>();
  for (const id of ['s1', 's2']) {
    const pushed: SessionPolicy[] = [];
    const run = {
      id,
      policies: new PolicySource(store, MACROS),
      push: (p: SessionPolicy) => pushed.push(p),
      pushed,
    };
    await run.policies.policyFor(CAT);
    runs.set(id, run);
  }
  const broker = new PromptBroker(new RuleWriter(store, () => runs.values()), MACROS, (id) =>
    runs.get(id)!,
  );
  const answered = new Map<string, Answer>();
  let next = 0;
  /** `run` asks to open `file`; gives the question's id in the queue. */
  const ask = (run: string, file: string): string => {
    const question = {
      id: `c${++next}`,
      policy: CAT,
      call: 'openat',
      alias: 'fsread',
      args: { filename: [file] },
    } as unknown as Question;
    broker.ask(runs.get(run)!, question, (answer) => answered.set(`${run}:${file}`, answer));
    return broker.queue.list().find((p) => p.question === question)!.id;
  };
  return { user, broker, runs, ask, answered };
}

test('an always rule answers every waiting question it decides, in every run it reached', async () => {
  const { user, broker, ask, answered } = await world();
  const first = ask('s1', '/etc/a');
  ask('s1', '/etc/b');
  ask('s2', '/etc/c');
  ask('s2', '/home/x');
  const written = await broker.answer(first, {
    action: 'permit',
    always: { expression: 'filename match "/etc/*"', scope: 'policy' },
  });
  assert.equal(written?.path, join(user, policyFileName(CAT)));
  assert.match(await readFile(written!.path!, 'utf8'), /filename match "\/etc\/\*" then permit/);
  assert.deepEqual(Object.fromEntries(answered), {
    's1:/etc/a': { action: 'permit' },
    's1:/etc/b': { action: 'permit' },
    's2:/etc/c': { action: 'permit' },
  });
  assert.deepEqual(
    broker.queue.list().map((p) => p.question.args['filename']),
    [['/home/x']],
  );
});

test("a rule for this run only answers that run's questions alone", async () => {
  const { broker, ask, answered, runs } = await world();
  const first = ask('s1', '/etc/a');
  ask('s2', '/etc/b');
  await broker.answer(first, {
    action: 'deny',
    errno: 'enoent',
    always: { expression: 'filename match "/etc/*"', scope: 'session' },
  });
  assert.deepEqual(Object.fromEntries(answered), { 's1:/etc/a': { action: 'deny', errno: 2 } });
  assert.equal(runs.get('s2')!.pushed.length, 0);
});

test('an answer that cannot be a rule answers nothing, and says where it is wrong', async () => {
  const { broker, ask, answered } = await world();
  const first = ask('s1', '/etc/a');
  await assert.rejects(
    broker.answer(first, {
      action: 'permit',
      always: { expression: 'filename eq', scope: 'policy' },
    }),
    /<rule>:1:\d+: /,
  );
  await assert.rejects(
    broker.answer(first, { action: 'deny', errno: 'enosuch' }),
    /unknown error name "enosuch"/,
  );
  assert.equal(answered.size, 0);
  assert.equal(broker.queue.list().length, 1);
  await assert.rejects(
    broker.answer('q999', { action: 'permit' }),
    /already answered or withdrawn/,
  );
});

test('"apply to all similar" answers the same call of the same run, whatever its arguments', async () => {
  const { broker, ask, answered } = await world();
  const first = ask('s1', '/etc/a');
  ask('s1', '/home/b');
  ask('s2', '/etc/c');
  await broker.answer(first, { action: 'permit', applyToSimilar: true });
  assert.deepEqual([...answered.keys()].sort(), ['s1:/etc/a', 's1:/home/b']);
});

test('a window answering a question another window answered first is told how it was answered', async () => {
  const { broker, ask, answered } = await world();
  const id = ask('s1', '/etc/a');
  await broker.answer(id, { action: 'permit' });
  await assert.rejects(broker.answer(id, { action: 'deny', errno: 'eacces' }), {
    message: 'answered by another window: Permit',
  });
  assert.deepEqual(Object.fromEntries(answered), { 's1:/etc/a': { action: 'permit' } });
  const denied = ask('s1', '/etc/b');
  await broker.answer(denied, { action: 'deny', errno: 'eacces' });
  await assert.rejects(broker.answer(denied, { action: 'permit' }), {
    message: 'answered by another window: Deny (eacces)',
  });
});

test('"Permit always" for a question whose process died meanwhile still writes the rule, and says it came late', async () => {
  const { user, broker, runs, ask, answered } = await world();
  const id = ask('s1', '/etc/a');
  // The process exited while the question was on screen: its held call is void.
  const callId = broker.queue.get(id)!.question.id;
  broker.withdraw(runs.get('s1')!, callId);
  assert.equal(broker.queue.get(id), undefined);
  await assert.rejects(broker.answer(id, { action: 'permit' }), {
    message: 'the process had ended before the answer: there was nothing to answer',
  });
  const written = await broker.answer(id, {
    action: 'permit',
    always: { expression: 'filename eq "/etc/a"', scope: 'policy' },
  });
  assert.ok(written !== null && 'late' in written && written.late);
  assert.equal(written.path, join(user, policyFileName(CAT)));
  assert.match(await readFile(written.path!, 'utf8'), /filename eq "\/etc\/a" then permit/);
  assert.deepEqual(Object.fromEntries(answered), {}, 'no call was answered: none was held');
});

test('a window\'s "for 15 minutes" keeps the rule in the run until then, and out of the file', async () => {
  const { user, broker, runs, ask, answered } = await world();
  const id = ask('s1', '/etc/a');
  const before = Date.now();
  const written = await broker.answer(id, {
    action: 'permit',
    always: { expression: 'filename eq "/etc/a"', scope: 'minutes', minutes: 15 },
  });
  assert.equal(written?.path, null);
  const expires = written!.expires! - before;
  assert.ok(expires >= 15 * 60_000 && expires < 15 * 60_000 + 5000, String(expires));
  assert.deepEqual(answered.get('s1:/etc/a'), { action: 'permit' });
  const pushed = runs.get('s1')!.pushed.at(-1)!;
  assert.equal(pushed.temporaryRules?.[0]?.expires, written!.expires);
  assert.equal(runs.get('s2')!.pushed.length, 0);
  await assert.rejects(readFile(join(user, policyFileName(CAT)), 'utf8'));
});

test('a question its supervisor sent before a new rule reached it is answered by the rule at once', async () => {
  const { broker, runs, ask, answered } = await world();
  const first = ask('s1', '/etc/a');
  await broker.answer(first, {
    action: 'permit',
    always: { expression: 'filename match "/etc/*"', scope: 'session' },
  });
  const late = (file: string, run = 's1') =>
    broker.ask(
      runs.get(run)!,
      {
        id: `late-${file}`,
        policy: CAT,
        call: 'openat',
        alias: 'fsread',
        args: { filename: [file] },
      } as unknown as Question,
      (answer) => answered.set(`${run}:${file}`, answer),
    );
  assert.equal(late('/etc/b'), null);
  assert.deepEqual(answered.get('s1:/etc/b'), { action: 'permit' });
  // Not one the rule does not decide, nor one of a run it did not reach.
  assert.notEqual(late('/home/x'), null);
  assert.notEqual(late('/etc/c', 's2'), null);
  assert.equal(broker.queue.list().length, 2);
});

test('a rule added a while ago is not answered from memory: an edit may have removed it', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const { broker, runs, ask, answered } = await world();
  const first = ask('s1', '/etc/a');
  await broker.answer(first, {
    action: 'permit',
    always: { expression: 'filename match "/etc/*"', scope: 'session' },
  });
  t.mock.timers.tick(2500);
  const question = {
    id: 'later',
    policy: CAT,
    call: 'openat',
    alias: 'fsread',
    args: { filename: ['/etc/b'] },
  } as unknown as Question;
  assert.notEqual(
    broker.ask(runs.get('s1')!, question, (a) => answered.set('later', a)),
    null,
  );
  assert.equal(answered.has('later'), false);
});
