import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { KernelGrant, KernelPlan } from '../../common/policy/kernel-plan.js';
import {
  LANDLOCK_EXECUTE as EXECUTE,
  LANDLOCK_IOCTL_DEV as IOCTL,
  LANDLOCK_READ_DIR as DIR,
  LANDLOCK_READ_FILE as READ,
  landlockRules,
  runBeneath,
  unsureGrants,
  withoutCovered,
} from './landlock-rules.js';

const grant = (path: string, match: boolean, access: KernelGrant['access']): KernelGrant => ({
  path,
  match,
  access,
  line: 2,
  col: 2,
});
const planOf = (grants: KernelGrant[]): KernelPlan => ({
  grants,
  refusals: [],
  notes: [],
  inKernel: [],
  programs: [],
  runsUnnamed: false,
});

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'sysgate-landlock-'));
  for (const dir of ['lib/x86_64-linux-gnu', 'lib/aarch64-linux-gnu', 'lib/other', 'home'])
    mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'home/notes'), '');
  return root;
}

test('a pattern is matched against the directories it names; `dir/*` grants its directory', () => {
  const root = tree();
  const { rules, notes } = landlockRules(
    planOf([
      grant(`${root}/lib/*-linux-gnu`, true, 'read'),
      grant(`${root}/home/*`, true, 'read'),
      // The supervisor performs what writing rules permit: the kernel grants nothing for them.
      grant(`${root}/lib/*`, true, 'write'),
      grant(`${root}/home/notes`, false, 'write'),
    ]),
  );
  assert.deepEqual(
    rules.sort((a, b) => a.path.localeCompare(b.path)),
    [
      { path: `${root}/home`, file: READ | IOCTL, dir: READ | IOCTL | DIR },
      { path: `${root}/lib/aarch64-linux-gnu`, file: READ | IOCTL, dir: READ | IOCTL | DIR },
      { path: `${root}/lib/x86_64-linux-gnu`, file: READ | IOCTL, dir: READ | IOCTL | DIR },
    ],
  );
  assert.match(notes[0]!.message, /grants [^ ]*\/home as a whole for "[^"]*\/home\/\*": listing/);
  // Any other last wildcard is matched against the names there now.
  const temporary = landlockRules(planOf([grant(`${root}/home/no*`, true, 'read')]));
  assert.deepEqual(
    temporary.rules.map((r) => r.path),
    [`${root}/home/notes`],
  );
});

test('eq names one file, or lists one directory; the grants of one name add up', () => {
  const root = tree();
  const { rules, notes } = landlockRules(
    planOf([
      grant(`${root}/home`, false, 'read'),
      grant(`${root}/home/notes`, false, 'read'),
      grant(`${root}/home/notes`, false, 'execute'),
    ]),
  );
  assert.deepEqual(rules, [
    { path: `${root}/home`, file: READ | IOCTL, dir: DIR },
    { path: `${root}/home/notes`, file: READ | IOCTL | EXECUTE, dir: DIR },
  ]);
  assert.match(notes.at(-1)!.message, /listed with every directory beneath it/);
});

test('with every open at the supervisor, an eq rule grants no directory: Landlock would let all beneath it be listed', () => {
  const root = tree();
  const { rules, notes } = landlockRules(
    planOf([grant(`${root}/home`, false, 'read'), grant(`${root}/home/notes`, false, 'read')]),
    undefined,
    { opensSupervised: true },
  );
  assert.deepEqual(rules, [
    { path: `${root}/home`, file: READ | IOCTL, dir: 0 },
    { path: `${root}/home/notes`, file: READ | IOCTL, dir: 0 },
  ]);
  assert.doesNotMatch(notes.map((n) => n.message).join('\n'), /listed with every directory/);
});

test('what the run may create, replace or move cannot be granted by the kernel', () => {
  const root = tree();
  const unsure = (grants: KernelGrant[]) => unsureGrants(grants).map((u) => u.grant.path);
  const read = (path: string, match = false) => grant(`${root}/${path}`, match, 'read');
  const write = (path: string, match = false) => grant(`${root}/${path}`, match, 'write');
  // Reading what the run writes: created during the run, it has no rule of its own.
  assert.deepEqual(unsure([read('home/notes'), write('home/notes')]), [`${root}/home/notes`]);
  // A directory above moved, or a pattern matching the name or a directory above.
  assert.deepEqual(unsure([read('home/notes'), write('home')]), [`${root}/home/notes`]);
  assert.deepEqual(unsure([read('home/notes'), write('ho*', true)]), [`${root}/home/notes`]);
  // Any name at all: a rule that does not say which.
  assert.deepEqual(unsure([read('home/notes'), grant('/', true, 'write')]), [`${root}/home/notes`]);
  // A built program is run by the rules of the directory it is made in.
  const built = grant(`${root}/home/a.out`, false, 'execute');
  assert.deepEqual(unsure([built, write('home/a.out')]), [`${root}/home/a.out`]);
  assert.deepEqual(runBeneath(built), { path: `${root}/home`, file: 0, dir: READ | EXECUTE });
  assert.deepEqual(runBeneath(grant(`${root}/new/dir/t`, false, 'execute'))?.path, root);
  // A pattern matched name by name may gain a name where the run writes beneath it.
  assert.deepEqual(unsure([read('lib/*-linux-gnu', true), write('lib/new-linux-gnu')]), [
    `${root}/lib/*-linux-gnu`,
  ]);
  // Untouched: a write beside the name, beneath a directory only listed, beneath a whole tree,
  // a pattern that cannot match the name, and a name that does not exist and is not written.
  assert.deepEqual(
    unsure([
      read('home/notes'),
      read('lib'),
      read('home/*', true),
      read('missing'),
      write('home/other'),
      write('lib/other'),
      write('home/sub/x'),
      write('home/no??s.*', true),
    ]),
    [],
  );
});

/**
 * A directory granted with its files, names in it and around it: a file, a directory, links
 * that stay inside and links that lead out (to a sibling whose name starts the same, too).
 */
function granted() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sysgate-covered-')));
  for (const dir of ['a/sub/deep', 'ab', 'outside'])
    mkdirSync(join(root, dir), { recursive: true });
  for (const file of ['a/file', 'ab/file', 'outside/secret']) writeFileSync(join(root, file), '');
  symlinkSync('sub', join(root, 'a/in'));
  symlinkSync('../outside', join(root, 'a/out'));
  symlinkSync('../outside/secret', join(root, 'a/outfile'));
  symlinkSync('../ab', join(root, 'a/toab'));
  return root;
}

const kept = (rules: { path: string }[], root: string) =>
  rules.map((r) => r.path.slice(root.length + 1));

test('a name beneath a directory granted all it would give is left to that grant', () => {
  const root = granted();
  const names = ['a/file', 'a/sub', 'a/sub/deep', 'a/in', 'a/out', 'a/outfile', 'a/toab'];
  const { rules } = landlockRules(
    planOf([
      grant(`${root}/a`, true, 'read'),
      ...names.map((name) => grant(`${root}/${name}`, false, 'read')),
      grant(`${root}/ab/file`, false, 'read'),
      grant(`${root}/a/missing`, false, 'read'),
    ]),
  );
  const reduced = withoutCovered(rules);
  // A link inside the directory is beneath it where it leads; a link that leads out keeps its
  // rule, also to `ab`, which is not beneath `a`; so does a name that does not exist.
  assert.deepEqual(kept(reduced.rules, root), [
    'a',
    'a/out',
    'a/outfile',
    'a/toab',
    'ab/file',
    'a/missing',
  ]);
  assert.equal(reduced.covered, 4);
  assert.deepEqual(reduced.rules[0], rules[0]);
});

test('a name keeps its rule when the directory above grants less than it would give', () => {
  const root = granted();
  const { rules } = landlockRules(
    planOf([
      // Listing `a` (READ_DIR): its file needs READ_FILE, its directory matched needs it too.
      grant(`${root}/a`, false, 'read'),
      grant(`${root}/a/file`, false, 'read'),
      grant(`${root}/a/sub`, true, 'read'),
      // Listed only, `deep` needs nothing more than `a/sub` grants.
      grant(`${root}/a/sub/deep`, false, 'read'),
      // Running is more than reading.
      grant(`${root}/ab`, true, 'read'),
      grant(`${root}/ab/file`, false, 'execute'),
    ]),
  );
  const reduced = withoutCovered(rules);
  assert.deepEqual(kept(reduced.rules, root), ['a', 'a/file', 'a/sub', 'ab', 'ab/file']);
  assert.equal(reduced.covered, 1);
});

test('a name written with `..` or through a link is judged where it really is', () => {
  const root = granted();
  const { rules } = landlockRules(
    planOf([
      grant(`${root}/a`, true, 'read'),
      grant(`${root}/a/sub/../file`, false, 'read'),
      grant(`${root}/a/sub/../../outside/secret`, false, 'read'),
      grant(`${root}/a/in/deep`, false, 'read'),
      grant(`${root}/a/out/secret`, false, 'read'),
    ]),
  );
  assert.deepEqual(kept(withoutCovered(rules).rules, root), [
    'a',
    'a/sub/../../outside/secret',
    'a/out/secret',
  ]);
});

test("the program's own /proc/self names are no Landlock rule (the supervisor's would be granted), and say so", () => {
  const { rules, notes } = landlockRules(
    planOf([
      grant('/proc/self/fd/0', false, 'read'),
      grant('/proc/thread-self/maps', false, 'read'),
    ]),
  );
  assert.deepEqual(rules, []);
  assert.equal(notes.filter((n) => /is the program's own/.test(n.message)).length, 2);
});

test("a program's loader is granted beside it; a script's #! interpreter only where an execve rule names it", () => {
  const root = tree();
  const script = join(root, 'home/script');
  writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o755 });
  const cat = realpathSync('/bin/cat');
  const paths = (grants: KernelGrant[]) =>
    landlockRules(planOf(grants))
      .rules.filter((r) => r.file & EXECUTE)
      .map((r) => r.path)
      .sort();
  const loaders = paths([grant(cat, false, 'execute')]).filter((p) => p !== cat);
  assert.equal(loaders.length, 1, 'the loader of cat');
  // The `#!` line is the script's writer's to choose: it grants nothing by itself.
  assert.deepEqual(paths([grant(script, false, 'execute')]), [script]);
  const sh = realpathSync('/bin/sh');
  assert.ok(paths([grant(script, false, 'execute'), grant(sh, false, 'execute')]).includes(sh));
});
