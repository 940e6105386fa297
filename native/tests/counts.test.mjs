// The supervisor's counts of decided calls (PROTOCOL.md, `count`): permitted calls too, sent in
// batches, each row naming the program, its policy, the call, the action, who decided and the
// rule. Real programs under the real supervisor; the counts must be the calls they made.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { nativeBuild, permitEvery, policyOf, supervise } from './supervised.mjs';

const openloop = nativeBuild('openloop');

/** The sum of n over the rows that match every field of `where`. */
const sum = (counts, where) =>
  counts
    .filter((c) => Object.entries(where).every(([k, v]) => c[k] === v))
    .reduce((n, c) => n + c.n, 0);

test('every open a rule permitted is counted, none recorded: N opens of one file are N on its rule', async () => {
  const N = 1234;
  const run = await supervise([openloop, String(N), '/etc/hostname'], {
    // Line 2 permits the file the loop opens, line 3 the loader's own opens.
    policyFor: (path) =>
      policyOf(
        path,
        [
          '\tnative-openat: filename eq "/etc/hostname" then permit',
          '\tnative-openat: permit',
          permitEvery({ except: ['openat'] }),
        ].join('\n'),
      ),
  });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.problems, []);
  assert.deepEqual(run.records, [], 'permits without log are not recorded');
  const mine = { exe: openloop, policy: openloop, call: 'openat', action: 'permit', by: 'rule' };
  assert.equal(sum(run.counts, { ...mine, line: 2 }), N);
  assert.ok(sum(run.counts, { ...mine, line: 3 }) > 0, 'the loader opened its libraries');
  // The command's own execve, made by its process before it ran the command, is the command's.
  assert.equal(sum(run.counts, { exe: openloop, call: 'execve', action: 'permit' }), 1);
  assert.deepEqual(
    run.counts.filter((c) => c.exe.endsWith('/sysgate-supervisor')),
    [],
    'no count names the supervisor as a program',
  );
  // Batches: one row per kind and batch, never one frame per call.
  assert.ok(run.counts.length < 50, `${run.counts.length} rows for ${N} calls`);
  for (const c of run.counts) assert.ok(c.time > Date.now() - 60_000 && c.time <= Date.now());
});

test('denials are counted as they are recorded, with the rule and the default', async () => {
  const run = await supervise(['sh', '-c', 'cat /etc/hostname; cat /etc/hostname; true'], {
    policyFor: (path) =>
      path.endsWith('/cat')
        ? policyOf(
            path,
            [
              '\tnative-openat: filename eq "/etc/hostname" then deny[eacces]',
              '\tnative-openat: permit',
              permitEvery({ except: ['openat'] }),
            ].join('\n'),
          )
        : policyOf(path, permitEvery()),
  });
  assert.deepEqual(run.problems, []);
  const denials = run.records.filter((r) => r.action === 'deny');
  assert.ok(denials.length >= 2, JSON.stringify(run.records));
  // Every denial is a record and a count alike.
  assert.equal(sum(run.counts, { action: 'deny' }), denials.length);
  assert.equal(sum(run.counts, { action: 'deny', call: 'openat', by: 'rule', line: 2 }), 2);
  assert.ok(sum(run.counts, { action: 'permit', call: 'execve' }) >= 2);
});

test('a learning run counts what it permitted, by=learn', async () => {
  const run = await supervise([openloop, '10', '/etc/hostname'], { mode: 'learn' });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(sum(run.counts, { exe: openloop, call: 'openat', by: 'learn' }) >= 10);
  assert.equal(sum(run.counts, { by: 'rule' }), 0);
});
