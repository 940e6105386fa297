import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseFilter } from '../../common/policy/parser.js';
import { printFilter } from '../../common/policy/printer.js';
import { policyFileName } from '../policy/naming.js';
import { PolicyStore } from '../policy/store.js';
import { PolicySource, type SessionPolicy } from '../runs/policy-source.js';
import { RuleWriter, type RuleTarget } from './rule-writer.js';

const LS = '/usr/bin/ls';
const CAT = '/usr/bin/cat';
const MACROS = { HOME: '/home/u', USER: 'u', CWD: '/' };

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sysgate-rule-writer-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const rule = (text: string) => parseFilter(text).filter!;

/** Every rule a pushed policy holds: its file's, then its run's own. */
const rulesOf = (policy: SessionPolicy): string =>
  policy.text + policy.sessionRules.map((f) => `\n${printFilter(f)}`).join('');

let count = 0;
/** A store over a fresh user directory holding ls's policy, and runs over it. */
async function world(options: { files?: string[] } = {}) {
  const user = join(root, `user${++count}`);
  const store = new PolicyStore({ userDir: user, uid: process.getuid!(), ...options });
  await store.save(
    LS,
    `Policy: ${LS}, Emulation: native\n\tnative-fsread: filename eq "/a" then permit\n`,
  );
  const run = async (loads: string[]) => {
    const pushed: SessionPolicy[] = [];
    const target: RuleTarget & { pushed: SessionPolicy[] } = {
      policies: new PolicySource(store, MACROS),
      push: (policy) => pushed.push(policy),
      pushed,
    };
    for (const program of loads) await target.policies.policyFor(program);
    return target;
  };
  return { user, store, run };
}

test('an "always" rule is saved in the file and reaches every running run that uses the policy', async () => {
  const { user, store, run } = await world();
  const origin = await run([LS]);
  const other = await run([LS]);
  const unrelated = await run([CAT]);
  // The other run's rule for itself alone stays after the file's.
  await other.policies.addSessionRule(LS, rule('native-fsread: filename eq "/mine" then permit'));
  const writer = new RuleWriter(store, () => [origin, other, unrelated]);

  const written = await writer.add(
    origin,
    LS,
    rule('native-fsread: filename eq "/b" then permit'),
    'policy',
  );

  assert.equal(written.path, join(user, policyFileName(LS)));
  assert.equal(written.line, 3);
  assert.equal(written.unsaved, null);
  assert.deepEqual(written.reached, [origin, other]);
  assert.match(await readFile(written.path!, 'utf8'), /filename eq "\/b" then permit/);
  for (const target of [origin, other])
    assert.match(rulesOf(target.pushed.at(-1)!), /"\/b"/, 'the rule reached the supervisor');
  assert.match(rulesOf(other.pushed.at(-1)!), /"\/mine"/, "the other run's own rule is kept");
  assert.deepEqual(unrelated.pushed, []);
});

test('a rule for this run only reaches that run, and no file', async () => {
  const { user, store, run } = await world();
  const origin = await run([LS]);
  const other = await run([LS]);
  const writer = new RuleWriter(store, () => [origin, other]);
  const written = await writer.add(
    origin,
    LS,
    rule('native-fsread: filename eq "/b" then permit'),
    'session',
  );
  assert.deepEqual(written, {
    program: LS,
    reached: [origin],
    path: null,
    line: null,
    unsaved: null,
  });
  assert.match(rulesOf(origin.pushed.at(-1)!), /"\/b"/);
  assert.deepEqual(other.pushed, []);
  assert.doesNotMatch(await readFile(join(user, policyFileName(LS)), 'utf8'), /"\/b"/);
});

test('a rule that cannot be saved applies to the run it answers alone, and says why', async () => {
  const { user, store, run } = await world();
  const origin = await run([CAT]);
  const other = await run([CAT]);
  // Where the file would go is taken by a directory.
  await rm(user, { recursive: true });
  await writeFile(user, 'not a directory');
  const writer = new RuleWriter(store, () => [origin, other]);
  const written = await writer.add(
    origin,
    CAT,
    rule('native-fsread: filename eq "/b" then permit'),
    'policy',
  );
  assert.equal(written.path, null);
  assert.match(written.unsaved!, /cannot save/);
  assert.deepEqual(written.reached, [origin]);
  assert.match(rulesOf(origin.pushed.at(-1)!), /"\/b"/);
  assert.deepEqual(other.pushed, []);
});

test('where a -f file comes before the saved one, the run keeps the rule it added', async () => {
  const file = join(root, 'given');
  await writeFile(
    file,
    `Policy: ${CAT}, Emulation: native\n\tnative-fsread: filename eq "/a" then permit\n`,
  );
  const { store, run } = await world({ files: [file] });
  const origin = await run([CAT]);
  const writer = new RuleWriter(store, () => [origin]);
  const written = await writer.add(
    origin,
    CAT,
    rule('native-fsread: filename eq "/b" then permit'),
    'policy',
  );
  assert.notEqual(written.path, null);
  const pushed = rulesOf(origin.pushed.at(-1)!);
  assert.match(pushed, /"\/b"/);
  assert.match(pushed, /"\/a"/);
});

test('a rule until sysgate quits reaches every run of the program, and runs started later', async () => {
  const { user, store } = await world();
  let writer: RuleWriter | null = null;
  const runs: (RuleTarget & { pushed: SessionPolicy[] })[] = [];
  const run = async (loads: string[]) => {
    const pushed: SessionPolicy[] = [];
    const target = {
      policies: new PolicySource(store, MACROS, {
        appRules: (program) => writer?.rulesOfApp(program) ?? [],
      }),
      push: (policy: SessionPolicy) => pushed.push(policy),
      pushed,
    };
    for (const program of loads) await target.policies.policyFor(program);
    runs.push(target);
    return target;
  };
  const origin = await run([LS]);
  const other = await run([LS]);
  const unrelated = await run([CAT]);
  writer = new RuleWriter(store, () => runs);
  const written = await writer.add(
    origin,
    LS,
    rule('native-fsread: filename eq "/b" then permit'),
    'app',
  );
  assert.equal(written.path, null);
  assert.deepEqual(written.reached, [origin, other]);
  for (const target of [origin, other]) {
    const pushed = target.pushed.at(-1)!;
    assert.match(rulesOf(pushed), /"\/b"/);
    assert.equal(pushed.temporaryRules?.[0]?.lasts, 'app');
  }
  assert.deepEqual(unrelated.pushed, []);
  assert.doesNotMatch(await readFile(join(user, policyFileName(LS)), 'utf8'), /"\/b"/);
  // A run started afterwards loads the policy with it.
  const later = await run([LS]);
  assert.match(rulesOf(await later.policies.policyFor(LS)), /"\/b"/);
});

test('a rule with a time is dropped from the policy when it expires', async () => {
  const { store, run } = await world();
  const origin = await run([LS]);
  const writer = new RuleWriter(store, () => [origin]);
  const written = await writer.add(
    origin,
    LS,
    rule('native-fsread: filename eq "/b" then permit'),
    { until: Date.now() + 50 },
  );
  assert.ok(written.expires !== undefined && written.expires !== null);
  assert.match(rulesOf(origin.pushed.at(-1)!), /"\/b"/);
  assert.equal(origin.pushed.at(-1)!.temporaryRules?.[0]?.lasts, 'timed');
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.doesNotMatch(rulesOf(origin.pushed.at(-1)!), /"\/b"/, 'the expired rule was withdrawn');
  writer.close();
});

test('a run whose policies do not read the app rules (relayed from a terminal) keeps the rule as its own', async () => {
  const { store, run } = await world();
  const relayed = await run([LS]);
  const writer = new RuleWriter(store, () => [relayed]);
  const written = await writer.add(
    relayed,
    LS,
    rule('native-fsread: filename eq "/b" then permit'),
    'app',
  );
  assert.deepEqual(written.reached, [relayed]);
  assert.match(rulesOf(relayed.pushed.at(-1)!), /"\/b"/);
});
