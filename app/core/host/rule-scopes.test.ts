// Rules that last a while (DESIGN §4, scopes), against the real supervisor: a rule for some
// time decides the calls it covers until its time is up, and from then on the supervisor asks
// again; the editor shows it as temporary with its expiry meanwhile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type {
  EventName,
  Events,
  PendingQuestion,
  PolicyView,
  SessionInfo,
} from '../../common/contract.js';
import { parseFilter } from '../../common/policy/parser.js';
import type { PromptBroker } from '../prompts/broker.js';
import { PolicyStore } from '../policy/store.js';
import type { TracedSession } from '../runs/traced-session.js';
import { Host } from './host.js';

let root: string;
before(async () => {
  root = realpathSync(await mkdtemp(join(tmpdir(), 'sysgate-scopes-')));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a rule for a time decides its calls until then, and the supervisor asks again after', async (t) => {
  const user = join(root, 'policies');
  await mkdir(user);
  const file = join(root, 'asked');
  await writeFile(file, 'x\n');
  const store = new PolicyStore({ userDir: user, uid: process.getuid!() });
  const host = new Host(store, { HOME: root, USER: 'u', CWD: root });
  t.after(() => host.shutdown());
  // The window's "for N minutes" is a rule until a time; the test's time is a second away.
  const broker = (host as unknown as { broker: PromptBroker<TracedSession> }).broker;
  const sh = realpathSync('/bin/sh');
  const filter = parseFilter(`native-fsread: filename eq "${file}" then permit`).filter!;
  const asked: number[] = [];
  const views: PolicyView[] = [];
  let started = 0;
  const exited = new Promise<void>((resolve) =>
    host.subscribe(<E extends EventName>(event: E, payload: Events[E]) => {
      if (event === 'policyChanged') views.push(payload as PolicyView);
      if (event === 'sessionChanged' && (payload as SessionInfo).state === 'exited') resolve();
      if (event !== 'questionAdded') return;
      const pending = payload as PendingQuestion;
      if (pending.question.args['filename']?.[0] !== file) {
        void host.call('answerQuestion', [pending.id, { action: 'permit' }]);
        return;
      }
      asked.push(Date.now() - started);
      if (asked.length === 1)
        void broker.answerWithRule(pending.id, filter, { until: Date.now() + 1000 });
      else void host.call('answerQuestion', [pending.id, { action: 'permit' }]);
    }),
  );
  started = Date.now();
  // Three reads of the file by the shell itself: at once, a moment later, two seconds later.
  await host.call('startSession', [
    {
      command: `${sh} -c 'read x < ${file}; read x < ${file}; sleep 2; read x < ${file}'`,
      cwd: root,
      mode: 'ask',
      cols: 80,
      rows: 24,
    },
  ]);
  await exited;
  // The second read was decided by the rule; the third came after it expired.
  assert.equal(asked.length, 2, `asked at ${asked.join(', ')} ms`);
  assert.ok(asked[1]! - asked[0]! >= 1000, `asked again after ${asked[1]! - asked[0]!} ms`);
  const marked = views.find((v) => v.program === sh && v.text.includes(file));
  assert.match(marked?.text ?? '', /# temporary: expires at \d\d:\d\d:\d\d\n/);
  // When it expired the editor was told: the last view of the policy no longer holds it.
  const last = views.filter((v) => v.program === sh).at(-1);
  assert.doesNotMatch(last!.text, /temporary/);
});
