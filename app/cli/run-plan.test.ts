// Run plans end to end (native/PROTOCOL.md, "Run plans"): the `sysgate` a user types
// (bin/sysgate, the native front door) against real programs. The first enforcing run goes
// through Node.js and leaves a plan; the next identical one starts from it without Node.js,
// still logs and keeps its denials, and a changed policy, environment or setting is never
// enforced from an old plan.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_HISTORY_SETTINGS } from '../common/history/entry.js';
import { HistoryStore, historyPath } from '../core/records/history-store.js';
import { policyFileName } from '../core/policy/naming.js';
import { runSysgate } from '../core/testing/sysgate-command.js';

const SYSGATE = fileURLToPath(new URL('../../../bin/sysgate', import.meta.url));
const FRONT_DOOR = fileURLToPath(new URL('../../../native/build/sysgate', import.meta.url));
const CAT = realpathSync('/bin/cat');
const FROM_PLAN = /^sysgate: start: from plan \S+$/m;
const NO_PLAN = /^sysgate: start: no plan: (.*)$/m;

let home: string;
let nodeRuns: string;
before(() => {
  assert.ok(existsSync(FRONT_DOOR), `the front door is built by npm install: ${FRONT_DOOR}`);
  home = realpathSync(mkdtempSync(join(tmpdir(), 'sysgate-plan-')));
  mkdirSync(join(home, 'allowed'));
  mkdirSync(join(home, 'forbidden'));
  writeFileSync(join(home, 'allowed/a'), 'allowed text\n');
  writeFileSync(join(home, 'forbidden/b'), 'forbidden text\n');
  // Every start of Node.js by the front door or the supervisor leaves a line here.
  nodeRuns = join(home, 'node-runs');
  writeFileSync(
    join(home, 'node'),
    `#!/bin/sh\necho "$*" >> ${nodeRuns}\nexec ${process.execPath} "$@"\n`,
    { mode: 0o755 },
  );
  const learn = sysgate(['-A', CAT, join(home, 'allowed/a')]);
  assert.equal(learn.status, 0, learn.stderr);
});
after(() => rmSync(home, { recursive: true, force: true }));

function sysgate(args: string[], env: NodeJS.ProcessEnv = {}, input = '') {
  rmSync(nodeRuns, { force: true });
  const run = runSysgate(args, {
    home,
    input,
    command: SYSGATE,
    env: { SYSGATE_EXPLAIN_START: '1', SYSGATE_NODE: join(home, 'node'), ...env },
  });
  return { ...run, nodeStarted: existsSync(nodeRuns) };
}

const policy = (): string => join(home, '.config/sysgate/policies', policyFileName(CAT));

function plans(): string[] {
  const dir = join(home, '.cache/sysgate/runs');
  return existsSync(dir) ? readdirSync(dir) : [];
}

test('the second identical run starts from the plan the first left, without Node.js', () => {
  const args = ['-a', '-e', CAT, join(home, 'allowed/a')];
  const first = sysgate(args);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, 'allowed text\n');
  assert.match(first.stderr, NO_PLAN);
  assert.ok(first.nodeStarted);

  const second = sysgate(args);
  assert.equal(second.stdout, 'allowed text\n');
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, FROM_PLAN);
  assert.equal(second.nodeStarted, false, 'Node.js started for a run that needed nothing of it');
});

test('a denial in a run from a plan is logged and kept in the history as ever', () => {
  const args = ['-a', '-e', CAT, join(home, 'forbidden/b')];
  const first = sysgate(args);
  assert.notEqual(first.status, 0);
  const second = sysgate(args);
  assert.match(second.stderr, FROM_PLAN);
  assert.match(second.stderr, /^sysgate: start: host started for "record"$/m);
  assert.ok(second.nodeStarted, 'the denial needs the host');
  assert.equal(second.status, first.status);
  assert.equal(second.stdout, '');
  // cat writes its message in pieces to the stderr it shares with -e: sysgate's line may fall
  // inside it, and is read from where it starts.
  assert.match(
    second.stderr.replace(/deny user: [^\n]*\n/g, ''),
    /forbidden\/b: Operation not permitted/,
  );
  // The systrace log line, from the host the supervisor started.
  const denial = (stderr: string) => /deny user: [^\n]*forbidden\/b[^\n]*/.exec(stderr)?.[0];
  assert.ok(denial(second.stderr), second.stderr);
  const withoutPids = (line: string) => line.replace(/pid: \d+\(\d+\)(\[\d+\])?/, 'pid');
  assert.equal(withoutPids(denial(second.stderr)!), withoutPids(denial(first.stderr)!));

  const log = sysgate(['log', '--json', '--action', 'deny', '--prog', CAT]);
  assert.equal(log.status, 0, log.stderr);
  const denials = log.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { args: Record<string, string[]> })
    .filter((e) => e.args['filename']?.[0] === join(home, 'forbidden/b'));
  assert.equal(denials.length, 2, 'one denial kept from each run');
});

test('an edited policy is never enforced from the plan made before the edit', () => {
  const args = ['-a', '-e', CAT, join(home, 'allowed/a')];
  sysgate(args);
  assert.match(sysgate(args).stderr, FROM_PLAN);
  const text = readFileSync(policy(), 'utf8');
  try {
    // The rule that lets cat read the file is gone.
    writeFileSync(
      policy(),
      text
        .split('\n')
        .filter((l) => !l.includes('allowed/a'))
        .join('\n'),
    );
    const edited = sysgate(args);
    assert.match(edited.stderr, new RegExp(`no plan: input ${policy()} changed`));
    assert.notEqual(edited.status, 0);
    assert.match(edited.stderr, /allowed\/a: Operation not permitted/);
    const fromNewPlan = sysgate(args);
    assert.match(fromNewPlan.stderr, FROM_PLAN);
    assert.notEqual(fromNewPlan.status, 0);
    assert.match(fromNewPlan.stderr, /allowed\/a: Operation not permitted/);
  } finally {
    writeFileSync(policy(), text);
  }
});

test('a policy directory made writable by others after the plan is refused, not run from the plan', () => {
  const args = ['-a', '-e', CAT, join(home, 'allowed/a')];
  sysgate(args);
  assert.match(sysgate(args).stderr, FROM_PLAN);
  const dir = join(home, '.config/sysgate/policies');
  chmodSync(dir, 0o777);
  try {
    const refused = sysgate(args);
    assert.match(refused.stderr, new RegExp(`no plan: input ${dir} changed`));
    assert.ok(
      refused.stderr.includes(`the directory ${dir} is writable by group and others`),
      refused.stderr,
    );
    assert.notEqual(refused.status, 0);
    assert.equal(refused.stdout, '');
  } finally {
    chmodSync(dir, 0o700);
  }
  sysgate(args);
  assert.match(sysgate(args).stderr, FROM_PLAN);
});

test('a system policy that appears, or another $PATH, is another plan', () => {
  const args = ['-a', '-e', 'cat', join(home, 'allowed/a')];
  sysgate(args);
  assert.match(sysgate(args).stderr, FROM_PLAN);
  const path = `${join(home, 'bin')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`;
  assert.match(sysgate(args, { PATH: path }).stderr, /no plan: .*PATH/);
  // A program of the same name earlier in $PATH would be another program with another policy.
  mkdirSync(join(home, 'bin'), { recursive: true });
  writeFileSync(join(home, 'bin/cat'), '#!/bin/sh\necho not cat\n', { mode: 0o755 });
  try {
    const shadowed = sysgate(args, { PATH: path });
    assert.match(shadowed.stderr, /no plan: input .*bin\/cat/);
    assert.equal(shadowed.stdout, '');
  } finally {
    rmSync(join(home, 'bin'), { recursive: true, force: true });
  }
});

test('saving the history settings is a change every plan sees', () => {
  const args = ['-a', '-e', CAT, join(home, 'allowed/a')];
  sysgate(args);
  assert.match(sysgate(args).stderr, FROM_PLAN);
  const store = new HistoryStore(historyPath({ XDG_DATA_HOME: join(home, '.local/share') }));
  try {
    store.setSettings({ ...DEFAULT_HISTORY_SETTINGS, record: 'all' });
  } finally {
    store.close();
  }
  const changed = sysgate(args);
  assert.match(changed.stderr, /no plan: input .*history\.sqlite3\.settings/);
  // With every decision recorded, each permit needs the host: the run starts it.
  const recorded = sysgate(args);
  assert.match(recorded.stderr, FROM_PLAN);
  assert.match(recorded.stderr, /host started for "record"/);
  const reset = new HistoryStore(historyPath({ XDG_DATA_HOME: join(home, '.local/share') }));
  reset.setSettings(DEFAULT_HISTORY_SETTINGS);
  reset.close();
});

test('-K runs start from a plan and say what the kernel enforces again', () => {
  const args = ['-a', '-K', CAT, join(home, 'allowed/a')];
  const first = sysgate(args);
  assert.equal(first.status, 0, first.stderr);
  const second = sysgate(args);
  assert.match(second.stderr, FROM_PLAN);
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stdout, 'allowed text\n');
  const report = (stderr: string) => stderr.split('\n').filter((l) => l.includes('-K:'));
  assert.ok(report(first.stderr).length > 0);
  assert.deepEqual(report(second.stderr), report(first.stderr));
  // The kernel still refuses what the policy does not grant.
  const forbidden = ['-a', '-K', CAT, join(home, 'forbidden/b')];
  sysgate(forbidden);
  const refused = sysgate(forbidden);
  assert.match(refused.stderr, FROM_PLAN);
  assert.match(refused.stderr, /forbidden\/b: Permission denied/);
  assert.notEqual(refused.status, 0);
});

test('a -K plan holds while the program rewrites the file it writes', () => {
  const tee = realpathSync('/usr/bin/tee');
  const out = join(home, 'out');
  const learn = sysgate(['-A', tee, out]);
  assert.equal(learn.status, 0, learn.stderr);
  const args = ['-a', '-K', tee, out];
  for (const [i, start] of [NO_PLAN, FROM_PLAN, FROM_PLAN].entries()) {
    const run = sysgate(args, {}, `line ${i}\n`);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, start);
    assert.equal(readFileSync(out, 'utf8'), `line ${i}\n`);
  }
});

test('a program the plan holds no policy for starts the host, which gives its policy', () => {
  const flag = join(home, 'flag');
  const script = `if [ -e ${flag} ]; then ${CAT} ${join(home, 'allowed/a')}; fi`;
  // What sh and cat do on both paths is learned, then a run that does not execute cat leaves
  // the plan: the plan then holds sh's policy only.
  writeFileSync(flag, '');
  assert.equal(sysgate(['-A', 'sh', '-c', script]).status, 0);
  rmSync(flag);
  assert.equal(sysgate(['-A', 'sh', '-c', script]).status, 0);
  const args = ['-a', '-e', 'sh', '-c', script];
  assert.equal(sysgate(args).status, 0);
  writeFileSync(flag, '');
  const run = sysgate(args);
  assert.match(run.stderr, FROM_PLAN);
  assert.match(run.stderr, /^sysgate: start: host started for "need-policy"$/m);
  assert.equal(run.stdout, 'allowed text\n');
  assert.equal(run.status, 0, run.stderr);
});

test('runs that learn or ask never leave a plan', () => {
  const before = plans().length;
  const learn = sysgate(['-A', CAT, join(home, 'allowed/a')]);
  assert.equal(learn.status, 0, learn.stderr);
  // Without -a and with no terminal and no app, the run denies what it would have asked.
  sysgate([CAT, join(home, 'allowed/a')]);
  assert.equal(plans().length, before);
});
